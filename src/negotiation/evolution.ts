import { z } from 'zod';
import { CATALOG, HOURS_PER_MONTH, SECURITY_OPTIONS, type InstanceType } from './catalog';
import { calendarHourlyUsd, monthlyCostForHours } from './schedule';
import { DIMENSIONS, round, seriesOf, type Dimension, type LoadPoint, type ResourceProfile } from './persona';
import { hardConstraints, makeCandidate, type Proposal, type Requirements } from './solver';

/** What an instance really used at its peak in the observation window (from a provider: a high percentile of its periods). */
export const observedUsageSchema = z.strictObject({
  cpu: z.number().min(0, { message: 'expected vCPUs in use ≥ 0' }),
  memoryGb: z.number().min(0),
  iops: z.number().min(0),
  networkGbps: z.number().min(0),
});
export type ObservedUsage = z.infer<typeof observedUsageSchema> & {
  source: 'provider' | 'reported';
  seconds?: number;
  /** Dimensions the provider had no measurement of (EC2 without the CloudWatch agent has no memory figure). */
  unmeasured?: Dimension[];
};

export interface Evolution {
  differs: boolean;
  /** (observed − predicted peak) / predicted peak, per dimension. */
  deviation: Record<Dimension, number>;
  observedProfile: ResourceProfile;
  series: LoadPoint[];
}

// Below these, a difference is noise rather than a wrong prediction.
const FLOOR: Record<Dimension, number> = { cpu: 0.05, memoryGb: 0.1, iops: 10, networkGbps: 0.001 };

/**
 * Observed against predicted: the persona should change when any dimension
 * is off by more than the threshold. The observed profile keeps the
 * predicted shape over the day, scaled to what was seen at the peak.
 */
export function compareUsage(predicted: ResourceProfile, observed: ObservedUsage, threshold: number): Evolution {
  const deviation = {} as Record<Dimension, number>;
  const observedProfile = { storageGb: predicted.storageGb } as ResourceProfile;
  for (const d of DIMENSIONS) {
    const p = predicted[d];
    const base = Math.max(p.peak, FLOOR[d]);
    deviation[d] = round((Math.max(observed[d], FLOOR[d]) - base) / base, 3);
    const scale = observed[d] / Math.max(p.peak, 1e-9);
    observedProfile[d] =
      p.peak > 0
        ? { peak: round(observed[d]), average: round(p.average * scale), sustained: round(p.sustained * scale) }
        : { peak: round(observed[d]), average: round(observed[d]), sustained: round(observed[d]) };
  }
  return {
    differs: DIMENSIONS.some((d) => Math.abs(deviation[d]) > threshold),
    deviation,
    observedProfile,
    series: seriesOf(observedProfile),
  };
}

/** Below this an observation window says nothing about a workload's peak. */
export const MIN_OBSERVATION_SECONDS = 60;

/**
 * Why an observation must not teach anything, or undefined when it may: a
 * window too short to show a peak, or usage of nothing at all, measured
 * nothing. (A provider never measures a stand-in process: it says so instead.)
 * Persona evolution and the analyzer's training data both pass through here.
 */
export function placeholderReason(observed: ObservedUsage): string | undefined {
  if (observed.seconds !== undefined && observed.seconds < MIN_OBSERVATION_SECONDS)
    return `the observation window was ${Math.round(observed.seconds)} s, under ${MIN_OBSERVATION_SECONDS} s: too short to show a peak`;
  if (DIMENSIONS.every((d) => observed[d] === 0)) return 'every observed figure is zero: nothing was measured';
  return undefined;
}

export interface CostReport {
  hours: number;
  runningUsd: number;
  monthlyUsd: number;
  recommendation?: { instanceType: string; monthlyUsd: number; savingPerMonthUsd: number; reason: string };
}

/**
 * What the negotiation's constraints still demand of a recommended type, with
 * the agreed storage and security: the user's constraints (families, burstable,
 * minimum vCPUs, rejected configurations…), compliance and a current generation. Sizing by
 * predicted load and minimum headroom do not apply: the observed load replaces them.
 */
function allowedBy(req: Requirements | undefined, agreed: Proposal): (i: InstanceType) => boolean {
  if (!req) return () => true;
  const tests = hardConstraints(req).filter(
    (h) =>
      (h.id.startsWith('user.') && h.kind !== 'minHeadroom') ||
      h.id.startsWith('compliance.') ||
      h.id === 'request.region' ||
      h.id === 'catalog.generation',
  );
  return (i) => {
    const c = makeCandidate(agreed.region, i, agreed.storage, agreed.security, req.profile, {
      schedule: req.schedule,
      availability: agreed.availability,
    });
    return c !== undefined && tests.every((h) => h.test(c));
  };
}

/**
 * Cost to date, and the cheapest type of the catalog that would carry the
 * observed load with the same headroom, when it saves more than a tenth —
 * never one the negotiation's constraints exclude.
 */
export function rightSize(
  agreed: Proposal,
  headroom: number,
  since: Date,
  now: Date,
  observed?: Pick<ObservedUsage, Dimension>,
  requirements?: Requirements,
): CostReport {
  const hours = Math.max(0, (now.getTime() - since.getTime()) / 3_600_000);
  const report: CostReport = {
    hours: round(hours, 2),
    runningUsd: round(hours * calendarHourlyUsd(agreed), 2),
    monthlyUsd: agreed.monthlyUsd,
  };
  // Without the agreed type's price there is no saving to compare against (its running cost is storage and key only).
  if (!observed || agreed.unpriced) return report;
  const security = SECURITY_OPTIONS.find((s) => s.level === agreed.security.level)!;
  // The agreed storage, key, layout (a replica too) and running hours with another type: what the agreement would cost with it.
  const monthlyWith = (i: InstanceType) =>
    monthlyCostForHours(
      i,
      agreed.region,
      agreed.storage,
      security,
      agreed.schedule?.runningHoursPerMonth ?? HOURS_PER_MONTH,
      agreed.availability,
    )!.monthlyUsd;
  const fits = (i: InstanceType) =>
    i.hourlyUsd[agreed.region] !== undefined &&
    i.vcpu >= observed.cpu * headroom &&
    i.memoryGb >= observed.memoryGb * headroom &&
    (i.ebsMaxIops || Infinity) >= observed.iops * headroom &&
    Math.max(i.networkGbps, i.networkPeakGbps) >= observed.networkGbps * headroom;
  const allowed = allowedBy(requirements, agreed);
  const best = CATALOG.instances.filter((i) => fits(i) && allowed(i)).sort((a, b) => monthlyWith(a) - monthlyWith(b))[0];
  if (!best || best.name === agreed.instanceType) return report;
  const monthly = monthlyWith(best);
  const saving = round(agreed.monthlyUsd - monthly, 2);
  if (saving <= agreed.monthlyUsd * 0.1) return report;
  return {
    ...report,
    recommendation: {
      instanceType: best.name,
      monthlyUsd: monthly,
      savingPerMonthUsd: saving,
      reason: `observed peak ${round(observed.cpu, 2)} vCPU / ${round(observed.memoryGb, 2)} GiB fits ${best.name} (${best.vcpu} vCPU, ${best.memoryGb} GiB) with ×${headroom} headroom`,
    },
  };
}
