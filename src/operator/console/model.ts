import { seriesOf, type ResourceProfile } from '../../negotiation/persona';
import { HOURS_PER_MONTH } from '../../negotiation/catalog';
import { runsWhen } from '../../negotiation/schedule';
import type { Proposal } from '../../negotiation/solver';
import { describeLayout } from '../../negotiation/storage-layout';
import type { NegotiationView } from '../../contract/negotiate';

/**
 * What the console shows of a negotiation, worked out from the workflow's
 * view alone: the rows of the side-by-side table, what changed since the
 * round before, and the series of its two charts. Pure, so the page is
 * tested without a browser.
 */

/** One column of the side-by-side table. */
export interface ProposalColumn {
  id: string;
  instance: string;
  vcpu: number;
  memoryGb: number;
  storage: string;
  iops: number;
  security: string;
  region: string;
  monthlyUsd: number;
  /** When it runs: "always on", or a part-time schedule's hours and what never stopping would cost. */
  runs: string;
  headroom: number;
  reasons: string[];
  flags: string[];
}

export function proposalColumn(p: Proposal): ProposalColumn {
  const protection = p.protection;
  const security = [
    p.security.level,
    p.security.encryption === 'kms' ? 'KMS key' : 'AWS-managed key',
    ...(p.security.tenancy === 'dedicated' ? ['dedicated tenancy'] : []),
    ...(protection
      ? [
          `${protection.firewall.ingress.length} inbound rule${protection.firewall.ingress.length === 1 ? '' : 's'}`,
          protection.inTransit === 'tls-on-instance' ? 'TLS' : 'no inbound TLS',
          'IMDSv2',
        ]
      : []),
  ].join(', ');
  return {
    id: p.id,
    // A two-zone agreement is two of the type: said where the type is, as in the CLI's table.
    instance: `${p.instanceType}${p.availability ? ' ×2 zones' : ''}`,
    vcpu: p.vcpu,
    memoryGb: p.memoryGb,
    storage: describeLayout(p.storage),
    iops: p.iops,
    security,
    region: p.region,
    monthlyUsd: p.monthlyUsd,
    runs: p.schedule
      ? `${runsWhen(p.schedule)}, stopped otherwise (${p.schedule.runningHoursPerMonth} of ${HOURS_PER_MONTH} h a month; $${p.schedule.alwaysOnMonthlyUsd}/month always on)`
      : 'always on',
    headroom: p.headroom,
    reasons: p.reasons,
    flags: [
      ...(p.burstable ? ['burstable'] : []),
      ...(p.modified ? ['modified'] : []),
      ...(p.unpriced ? ['no price data'] : []),
      ...(p.reserved ? [`$${p.reserved.monthlyUsd}/month reserved 1 yr`] : []),
    ],
  };
}

/** What a reader compares between two proposals, in the words the table uses. */
const COMPARED: [keyof ProposalColumn, string][] = [
  ['instance', 'instance'],
  ['region', 'region'],
  ['storage', 'storage'],
  ['security', 'security'],
  ['monthlyUsd', 'cost'],
  ['runs', 'hours'],
];

export interface RoundChanges {
  /** The round compared with; undefined in round 1. */
  since?: number;
  lines: string[];
}

/**
 * What changed since the previous proposals, as sentences: the average cost,
 * proposals that are new, gone or changed (matched by id, then by
 * configuration), and what changed in each.
 */
export function roundChanges(view: Pick<NegotiationView, 'proposals' | 'previous'>): RoundChanges {
  const before = view.previous;
  if (!before) return { lines: [] };
  const lines: string[] = [];
  const avg = (ps: Proposal[]) => (ps.length ? ps.reduce((s, p) => s + p.monthlyUsd, 0) / ps.length : 0);
  if (before.proposals.length && view.proposals.length) {
    const [was, now] = [avg(before.proposals), avg(view.proposals)];
    const delta = now - was;
    lines.push(
      Math.abs(delta) < 0.005
        ? `average cost unchanged at $${now.toFixed(2)}/month`
        : `average cost ${delta < 0 ? 'down' : 'up'} $${Math.abs(delta).toFixed(2)}/month, from $${was.toFixed(2)} to $${now.toFixed(2)}`,
    );
  }
  const previousById = new Map(before.proposals.map((p) => [p.id, p]));
  const previousKeys = new Set(before.proposals.map((p) => p.key));
  const currentKeys = new Set(view.proposals.map((p) => p.key));
  for (const p of view.proposals) {
    const old = previousById.get(p.id);
    if (!old) {
      lines.push(
        previousKeys.has(p.key)
          ? `${p.id}: ${p.instanceType} as before`
          : `${p.id}: new, ${p.instanceType} in ${p.region}, $${p.monthlyUsd}/month`,
      );
      continue;
    }
    const [a, b] = [proposalColumn(old), proposalColumn(p)];
    const changed = COMPARED.filter(([k]) => a[k] !== b[k]).map(
      ([k, label]) => `${label} ${k === 'monthlyUsd' ? `$${a[k]} → $${b[k]}` : `${String(a[k])} → ${String(b[k])}`}`,
    );
    if (changed.length) lines.push(`${p.id}: ${changed.join('; ')}`);
  }
  const gone = before.proposals.filter((p) => !currentKeys.has(p.key) && !view.proposals.some((q) => q.id === p.id));
  if (gone.length) lines.push(`no longer proposed: ${gone.map((p) => `${p.id} (${p.instanceType})`).join(', ')}`);
  return { since: before.round, lines };
}

/** The data of the two charts, as the page's script hands them to Chart.js. */
export interface ChartData {
  /** Hours 0–23 of a day; the predicted vCPU demand and, per proposal, its vCPU as a flat line. */
  load: { hours: number[]; demand: number[]; capacity: { id: string; vcpu: number }[] };
  /** One point per proposal: monthly cost against headroom. */
  cost: { id: string; monthlyUsd: number; headroom: number }[];
}

export function chartData(profile: ResourceProfile | undefined, proposals: Proposal[]): ChartData {
  const series = profile ? seriesOf(profile) : [];
  return {
    load: {
      hours: series.map((p) => p.hour),
      demand: series.map((p) => p.cpu),
      capacity: proposals.map((p) => ({ id: p.id, vcpu: p.vcpu })),
    },
    cost: proposals.map((p) => ({ id: p.id, monthlyUsd: p.monthlyUsd, headroom: p.headroom })),
  };
}

/** States in which the workflow is working and the page refreshes itself; others wait for a person or have ended. */
export const WORKING_STATES: readonly string[] = ['analysing', 'provisioning', 'observing'];

/** Changes whenever anything the page shows changes: the page polls with it and is answered "nothing new" until it does. */
export function fingerprint(view: Pick<NegotiationView, 'status' | 'round' | 'history' | 'proposals'>): string {
  const last = view.history[view.history.length - 1];
  return [
    view.status,
    view.round,
    view.history.length,
    last?.at ?? '',
    view.proposals.map((p) => `${p.id}:${p.monthlyUsd}`).join(','),
  ].join('|');
}
