// The simulated world of the bandit benchmark: handlers whose success and
// latency depend on region, resource type and load, and a drift halfway (the
// handler that serves eu-west-1 best degrades there). Seeded: the same seed
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

export function generate(n: number, seed: number): { rows: Row[]; drifted: string; driftAt: number } {
  const random = seededRandom(seed);
  const base = HANDLERS.map(() => 1.2 + 0.4 * gaussian(random));
  const regionEffect = HANDLERS.map(() => REGIONS.map(() => 1.3 * gaussian(random)));
  const typeEffect = HANDLERS.map(() => TYPES.map(() => 1.0 * gaussian(random)));
  const loadEffect = HANDLERS.map(() => 2 * gaussian(random));
  const latency = HANDLERS.map(() => 60 + 300 * random());
  const loadLatency = HANDLERS.map(() => 1.5 * random());
  const driftAt = Math.floor(n / 2);
  const accounts = Array.from({ length: 20 }, (_, i) => `acct-${i}`);

  const successProbability = (h: number, r: number, ty: number, load: number, drift: boolean) =>
    sigmoid(base[h]! + regionEffect[h]![r]! + typeEffect[h]![ty]! + loadEffect[h]! * (load - 0.5) + (drift ? -4 : 0));

  // The drifting handler: the one most often best in the drift region before the drift.
  const wins = HANDLERS.map(() => 0);
  const r0 = REGIONS.indexOf(DRIFT_REGION);
  for (let ty = 0; ty < TYPES.length; ty++) {
    for (let load = 0.05; load < 1; load += 0.1) {
      const exp = HANDLERS.map(
        (_, h) => successProbability(h, r0, ty, load, false) + OBJECTIVE.latencyMs * latency[h]! * (1 + loadLatency[h]! * load),
      );
      wins[exp.indexOf(Math.max(...exp))]!++;
    }
  }
  const drifted = wins.indexOf(Math.max(...wins));

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
      const p = successProbability(h, r, ty, load, t >= driftAt && h === drifted && REGIONS[r] === DRIFT_REGION);
      const meanLatency = latency[h]! * (1 + loadLatency[h]! * load);
      expected.push(OBJECTIVE.success * p + OBJECTIVE.latencyMs * meanLatency);
      success.push(random() < p ? 1 : 0);
      latencyMs.push(Math.round(meanLatency * Math.exp(0.2 * gaussian(random))));
    });
    rows.push({ t, ctx, expected, success, latencyMs });
  }
  return { rows, drifted: HANDLERS[drifted]!, driftAt };
}

/** The reward a policy observes when it picks handler h on this row. */
export const observed = (row: Row, h: number) => OBJECTIVE.success * row.success[h]! + OBJECTIVE.latencyMs * row.latencyMs[h]!;
