import { conflictText, detectConflicts, type Conflict, type Detection } from './conflicts';
import { LimitsUnsatisfiable } from './errors';
import { pruneMissing, SourceGraph, type Dropped, type Placed } from './graph';
import type { Limits, Strategy } from './manifest';
import type { Decision, Resolution } from './resolution';
import { keyOf, withClaimedPorts, type Claim, type Snapshot } from './resources';
import { assertOnePortOwner } from './port-guard';
import { overLimits, totalsOf } from './totals';

export type RuleStrategy = Exclude<Strategy, 'AI_AGENT'>;

/** Higher ranks win. Ties (PRIORITY only) go to the source named first, and the rule says so. */
function rank(strategy: RuleStrategy, c: Claim): [number, number] {
  if (strategy === 'FIRST_WIN') return [-c.source.index, 0];
  if (strategy === 'LAST_WIN') return [c.source.index, 0];
  return [c.source.priority, -c.source.index];
}

const better = (strategy: RuleStrategy) => (a: Claim, b: Claim) => {
  const [ra, rb] = [rank(strategy, a), rank(strategy, b)];
  return ra[0] !== rb[0] ? ra[0] > rb[0] : ra[1] > rb[1];
};

function ruleText(strategy: RuleStrategy, winner: Claim, claims: Claim[]): string {
  if (strategy === 'FIRST_WIN') return `FIRST_WIN: ${winner.source.label} is sources[${winner.source.index}], named before the others`;
  if (strategy === 'LAST_WIN') return `LAST_WIN: ${winner.source.label} is sources[${winner.source.index}], named after the others`;
  const tied = claims.filter((c) => c !== winner && c.source.priority === winner.source.priority);
  return `PRIORITY: ${winner.source.label} has priority ${winner.source.priority}${tied.length ? `, tied with ${tied.map((c) => c.source.label).join(', ')} and named first` : ''}`;
}

/** Agreeing claims on one key: one copy, and for packages the highest compatible version. */
export function mergeAgreeing(claims: Claim[]): Claim {
  if (claims[0]!.resource.kind !== 'package') return claims[0]!;
  const version = (c: Claim) =>
    c.resource.kind === 'package'
      ? c.resource.version
          .replace(/^v/, '')
          .split(/[.+-]/)
          .map((n) => Number(n) || 0)
      : [];
  return claims.reduce((best, c) => {
    const [a, b] = [version(c), version(best)];
    const i = a.findIndex((n, k) => n !== (b[k] ?? 0));
    return i >= 0 && a[i]! > (b[i] ?? 0) ? c : best;
  });
}

export const placedOf = (c: Claim): Placed => ({ source: c.source.label, sourceIndex: c.source.index, resource: c.resource });

/** Drops what lost its dependencies and checks the limits. */
function finish(
  strategy: Strategy,
  placed: Placed[],
  decisions: Decision[],
  limits: Limits,
  explanation: string[],
  evicted: Dropped[],
): Resolution {
  const pruned = pruneMissing(placed);
  assertOnePortOwner(pruned.kept);
  const totals = totalsOf(pruned.kept);
  const over = overLimits(totals, limits);
  if (over.length) {
    throw new LimitsUnsatisfiable(
      `the composition exceeds resource_limits (${over.join('; ')}) under ${strategy}; raise the limits, mark services or volumes optional, or use AI_AGENT, which chooses sizes and drops optional resources to fit`,
    );
  }
  for (const d of pruned.dropped) explanation.push(`dropped ${d.key} of ${d.source}: ${d.reason}`);
  return { strategy, resources: pruned.kept, decisions, dropped: [...evicted, ...pruned.dropped], totals, explanation };
}

/**
 * FIRST_WIN, LAST_WIN or PRIORITY: each conflict goes to the best-ranked
 * claim, deterministically; every losing side is recorded in the decision.
 * Of two services that cannot both fit, the lower-ranked one is dropped.
 */
export function resolveByRule(input: Snapshot[], strategy: RuleStrategy, limits: Limits, given?: Detection): Resolution {
  const snapshots = withClaimedPorts(input);
  const detection = given ?? detectConflicts(snapshots, limits);
  // A source's dependency graph is built only when it lost a port: most compositions need none.
  const graphs = new Map<number, SourceGraph>();
  const graphOf = (index: number) => {
    let g = graphs.get(index);
    if (!g) graphs.set(index, (g = new SourceGraph(snapshots.find((x) => x.source.index === index)!.resources)));
    return g;
  };
  const isBetter = better(strategy);
  const byKey = new Map<string, Conflict>();
  for (const c of detection.conflicts) if (c.kind !== 'capacity') byKey.set(c.key, c);
  const decisions: Decision[] = [];
  const explanation: string[] = [];
  const placed = new Map<string, Placed>();
  const winners = new Map<string, Claim>();
  for (const [key, claims] of detection.claims) {
    const conflict = byKey.get(key);
    if (!conflict) {
      placed.set(key, placedOf(mergeAgreeing(claims)));
      continue;
    }
    const winner = claims.reduce((best, c) => (isBetter(c, best) ? c : best));
    placed.set(key, placedOf(winner));
    winners.set(key, winner);
    const rule = ruleText(strategy, winner, claims);
    decisions.push({
      kind: conflict.kind,
      key,
      sources: claims.map((c) => c.source.label),
      winner: winner.source.label,
      discarded: claims.filter((c) => c !== winner).map((c) => ({ source: c.source.label, resource: c.resource })),
      adjusted: [],
      rule,
    });
    explanation.push(`${conflictText(conflict)} → ${winner.source.label} wins (${rule})`);
  }
  // Two services cannot listen on one port: what a losing source needed its port for leaves with it.
  const evicted: Dropped[] = [];
  for (const d of decisions) {
    if (d.kind !== 'port') continue;
    for (const loser of detection.claims.get(d.key)!.filter((c) => c !== winners.get(d.key))) {
      const index = loser.source.index;
      for (const dependent of graphOf(index).dependents(d.key)) {
        if (placed.get(dependent)?.sourceIndex !== index) continue;
        placed.delete(dependent);
        const reason = `needs ${d.key}, which went to ${d.winner} (${d.rule})`;
        evicted.push({ source: loser.source.label, key: dependent, reason });
        explanation.push(`dropped ${dependent} of ${loser.source.label}: ${reason}`);
      }
    }
  }
  for (const conflict of detection.conflicts.filter((c) => c.kind === 'capacity')) {
    const present = conflict.claims.filter((c) => placed.get(keyOf(c.resource))?.sourceIndex === c.source.index);
    if (present.length < 2) continue;
    const [a, b] = present as [Claim, Claim];
    const [winner, loser] = isBetter(a, b) ? [a, b] : [b, a];
    placed.delete(keyOf(loser.resource));
    const rule = ruleText(strategy, winner, present);
    decisions.push({
      kind: 'capacity',
      key: conflict.key,
      sources: present.map((c) => c.source.label),
      winner: winner.source.label,
      discarded: [{ source: loser.source.label, resource: loser.resource }],
      adjusted: [],
      rule,
    });
    explanation.push(`${conflictText(conflict)} → ${winner.source.label} keeps its service (${rule})`);
  }
  return finish(strategy, [...placed.values()], decisions, limits, explanation, evicted);
}
