import type { CostReport } from './evolution';
import { round } from './persona';
import { calendarHourlyUsd, type StopStart } from './schedule';

/** One agreed instance as the negotiation's view tells it. */
export interface AgreedInstance {
  negotiationId: string;
  account: string;
  state: string;
  provider: string;
  instanceId: string;
  /** A multi-AZ agreement's replica, priced in hourlyUsd/monthlyUsd with the primary. */
  replicaId?: string;
  instanceType: string;
  region: string;
  hourlyUsd: number;
  monthlyUsd: number;
  provisionedAt: string;
  /** The type has no price in its region: the costs are storage and key only. */
  unpriced?: boolean;
  /** A part-time agreement's hours: it costs the instance only while it runs. */
  schedule?: StopStart;
  /** Set once the observation was reviewed: kept to the agreement's constraints by the review. */
  recommendation?: CostReport['recommendation'];
}

export interface InstanceCost extends AgreedInstance {
  hours: number;
  runningUsd: number;
  /** Why there is no recommendation: still observed, or the review found none worth it. */
  note?: string;
}

export interface AccountCost {
  account: string;
  instances: number;
  runningUsd: number;
  monthlyUsd: number;
  /** What the recommendations would save per month, all taken. */
  savingPerMonthUsd: number;
}

export interface CostSummary {
  at: string;
  instances: InstanceCost[];
  accounts: AccountCost[];
  total: Omit<AccountCost, 'account'>;
}

/**
 * Running cost of every agreed instance (hours since it was provisioned × its
 * agreed hourly price, or for a part-time one its month spread over the
 * month's hours), summed per account, with the right-sizing of each
 * review. Most expensive first, so what to look at comes first.
 */
export function costSummary(agreed: AgreedInstance[], now: Date): CostSummary {
  const instances: InstanceCost[] = agreed.map((a) => {
    const hours = Math.max(0, (now.getTime() - new Date(a.provisionedAt).getTime()) / 3_600_000);
    const note = a.recommendation
      ? undefined
      : a.state === 'observing' || a.state === 'provisioning'
        ? 'still observed: a recommendation follows the review'
        : a.unpriced
          ? 'no price data for the type in its region: nothing to compare a saving against'
          : 'the review found no cheaper type that carries the observed load within the constraints';
    return { ...a, hours: round(hours, 2), runningUsd: round(hours * calendarHourlyUsd(a), 2), ...(note && { note }) };
  });
  instances.sort((x, y) => y.monthlyUsd - x.monthlyUsd || x.negotiationId.localeCompare(y.negotiationId));
  const sum = (xs: InstanceCost[]) => ({
    instances: xs.length,
    runningUsd: round(
      xs.reduce((s, x) => s + x.runningUsd, 0),
      2,
    ),
    monthlyUsd: round(
      xs.reduce((s, x) => s + x.monthlyUsd, 0),
      2,
    ),
    savingPerMonthUsd: round(
      xs.reduce((s, x) => s + (x.recommendation?.savingPerMonthUsd ?? 0), 0),
      2,
    ),
  });
  const accounts = [...new Set(instances.map((i) => i.account))]
    .map((account) => ({ account, ...sum(instances.filter((i) => i.account === account)) }))
    .sort((x, y) => y.monthlyUsd - x.monthlyUsd || x.account.localeCompare(y.account));
  return { at: now.toISOString(), instances, accounts, total: sum(instances) };
}
