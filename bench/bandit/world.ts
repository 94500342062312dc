// The simulated worlds of the bandit benchmark: handlers whose success and
// latency depend on region, resource type and load, in three shapes:
//   drift         the handler that serves eu-west-1 best degrades there halfway;
//   interactions  success depends on the region × type pair and on load
//                 through a threshold, not on a sum of single-field effects;
//   outage        the handler most often best starts failing everywhere halfway.
// Seeded: the same seed
// gives the same stream, which every policy (and Vowpal Wabbit, from a file)
// reads. Outcomes are drawn once per request for every handler (common
// random numbers), so policies differ only by what they choose.
import { seededRandom } from '../../src/random';
import type { DecisionContext } from '../../src/learning/features';

export const HANDLERS = ['alpha@1', 'beta@1', 'gamma@1', 'delta@1', 'epsilon@1'];
export const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-south-1'];
export const TYPES = ['database', 'bucket', 'service'];
export const DRIFT_REGION = 'eu-west-1';
export const OBJECTIVE = { success: 1, latencyMs: -0.0005, costUsd: 0 };

export const SHAPES = ['drift', 'interactions', 'outage'] as const;
export type Shape = (typeof SHAPES)[number];

export interface Row {
  t: number;
  ctx: DecisionContext;
  /** Expected reward of each handler (what regret is measured on). */
  expected: number[];
  /** This request's drawn outcome for each handler. */
  success: number[];
  latencyMs: number[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface World {
  rows: Row[];
  /** The handler the shape's change hits halfway (drift, outage), or the one most often best (interactions). */
  drifted: string;
  driftAt: number;
  /** Requests the change applies to: the drift region's, or every request. */
  affects: (ctx: DecisionContext) => boolean;
}

export function generate(n: number, seed: number, shape: Shape = 'drift'): World {
  const random = seededRandom(seed);
  const base = HANDLERS.map(() => 1.2 + 0.4 * gaussian(random));
  const regionEffect = HANDLERS.map(() => REGIONS.map(() => 1.3 * gaussian(random)));
  const typeEffect = HANDLERS.map(() => TYPES.map(() => 1.0 * gaussian(random)));
  const loadEffect = HANDLERS.map(() => 2 * gaussian(random));
  const latency = HANDLERS.map(() => 60 + 300 * random());
  const loadLatency = HANDLERS.map(() => 1.5 * random());
  // Interactions: a strong effect per (region, type) pair and a load level above which a handler collapses.
  const pairEffect = HANDLERS.map(() => REGIONS.map(() => TYPES.map(() => 2.2 * gaussian(random))));
  const loadCliff = HANDLERS.map(() => 0.4 + 0.6 * random());
  const driftAt = Math.floor(n / 2);
  const accounts = Array.from({ length: 20 }, (_, i) => `acct-${i}`);

  const logit = (h: number, r: number, ty: number, load: number) =>
    shape === 'interactions'
      ? base[h]! + pairEffect[h]![r]![ty]! + (load > loadCliff[h]! ? -2.5 : 0.5)
      : base[h]! + regionEffect[h]![r]! + typeEffect[h]![ty]! + loadEffect[h]! * (load - 0.5);
  const healthy = (h: number, r: number, ty: number, load: number) => sigmoid(logit(h, r, ty, load));
  const meanLatency = (h: number, load: number) => latency[h]! * (1 + loadLatency[h]! * load);
  const expectedOf = (h: number, r: number, ty: number, load: number) =>
    healthy(h, r, ty, load) + OBJECTIVE.latencyMs * meanLatency(h, load);

  // The handler the change hits: the one most often best where it strikes, before it strikes.
  const wins = HANDLERS.map(() => 0);
  const regions = shape === 'drift' ? [REGIONS.indexOf(DRIFT_REGION)] : REGIONS.map((_, r) => r);
  for (const r of regions) {
    for (let ty = 0; ty < TYPES.length; ty++) {
      for (let load = 0.05; load < 1; load += 0.1) {
        const exp = HANDLERS.map((_, h) => expectedOf(h, r, ty, load));
        wins[exp.indexOf(Math.max(...exp))]!++;
      }
    }
  }
  const drifted = wins.indexOf(Math.max(...wins));
  const affects = (ctx: DecisionContext) => shape === 'outage' || (shape === 'drift' && ctx.region === DRIFT_REGION);
  const changed = (t: number, h: number, ctx: DecisionContext) => t >= driftAt && h === drifted && affects(ctx);
  const successProbability = (t: number, h: number, r: number, ty: number, ctx: DecisionContext) => {
    if (!changed(t, h, ctx)) return healthy(h, r, ty, ctx.cpu);
    return shape === 'outage' ? 0.02 : sigmoid(logit(h, r, ty, ctx.cpu) - 4);
  };

  const rows: Row[] = [];
  for (let t = 0; t < n; t++) {
    const r = Math.floor(random() * REGIONS.length);
    const ty = Math.floor(random() * TYPES.length);
    const load = random();
    const ctx: DecisionContext = {
      account: accounts[Math.floor(random() * accounts.length)]!,
      region: REGIONS[r]!,
      resourceType: TYPES[ty]!,
      classification: random() < 0.2 ? 'pci' : 'internal',
      cpu: load,
      memory: 0.5,
      network: 0,
    };
    const expected: number[] = [];
    const success: number[] = [];
    const latencyMs: number[] = [];
    HANDLERS.forEach((_, h) => {
      const p = successProbability(t, h, r, ty, ctx);
      const mean = meanLatency(h, load);
      expected.push(OBJECTIVE.success * p + OBJECTIVE.latencyMs * mean);
      success.push(random() < p ? 1 : 0);
      latencyMs.push(Math.round(mean * Math.exp(0.2 * gaussian(random))));
    });
    rows.push({ t, ctx, expected, success, latencyMs });
  }
  return { rows, drifted: HANDLERS[drifted]!, driftAt, affects };
}

/** The reward a policy observes when it picks handler h on this row. */
export const observed = (row: Row, h: number) => OBJECTIVE.success * row.success[h]! + OBJECTIVE.latencyMs * row.latencyMs[h]!;
