import type { Resolution } from './resolution';
import { keyOf } from './resources';
import type { Totals } from './totals';

/** What a person (and the workflow's `status` query) sees of a resolution; the full one stays in MongoDB. */
export interface ResolutionSummary {
  strategy: string;
  resources: number;
  bySource: Record<string, number>;
  services: string[];
  conflicts: number;
  decisions: { kind: string; key: string; sources: string[]; winner: string; discarded: string[]; adjusted: string[]; rule: string }[];
  dropped: { source: string; key: string; reason: string }[];
  totals: Totals;
  explanation: string[];
}

const SHOWN = 50;

export function summarise(r: Resolution): ResolutionSummary {
  const bySource: Record<string, number> = {};
  for (const p of r.resources) bySource[p.source] = (bySource[p.source] ?? 0) + 1;
  const more = (n: number, what: string) => (n > SHOWN ? [`… and ${n - SHOWN} more ${what} (see the composition record)`] : []);
  return {
    strategy: r.strategy,
    resources: r.resources.length,
    bySource,
    services: r.resources.filter((p) => p.resource.kind === 'service').map((p) => `${keyOf(p.resource)} from ${p.source}`),
    conflicts: r.decisions.length,
    decisions: r.decisions.slice(0, SHOWN).map((d) => ({
      kind: d.kind,
      key: d.key,
      sources: d.sources,
      winner: d.winner,
      discarded: d.discarded.map((x) => x.source),
      adjusted: d.adjusted.map((x) => `${x.source} → ${keyOf(x.to)}`),
      rule: d.rule,
    })),
    dropped: r.dropped.slice(0, SHOWN),
    totals: r.totals,
    explanation: [...r.explanation.slice(0, SHOWN * 2), ...more(r.explanation.length, 'lines')],
  };
}
