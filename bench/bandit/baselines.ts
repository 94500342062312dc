// The simple policies Mosaic is measured against, on the same stream.
import { seededRandom } from '../../src/random';
import { HANDLERS, observed, type Row } from './world';

/** The handler with the best mean expected reward over the whole stream, known in hindsight. */
export function staticBest(rows: Row[]): number[] {
  const totals = HANDLERS.map((_, h) => rows.reduce((a, r) => a + r.expected[h]!, 0));
  const best = totals.indexOf(Math.max(...totals));
  return rows.map(() => best);
}

export function uniform(rows: Row[], seed: number): number[] {
  const random = seededRandom(seed);
  return rows.map(() => Math.floor(random() * HANDLERS.length));
}

/** Epsilon-greedy on each handler's running mean reward, blind to the request. */
export function epsilonGreedy(rows: Row[], epsilon: number, seed: number): number[] {
  const random = seededRandom(seed);
  const n = HANDLERS.map(() => 0);
  const mean = HANDLERS.map(() => 0);
  return rows.map((row) => {
    const untried = n.indexOf(0);
    const h = untried >= 0 ? untried : random() < epsilon ? Math.floor(random() * HANDLERS.length) : mean.indexOf(Math.max(...mean));
    n[h]!++;
    mean[h]! += (observed(row, h) - mean[h]!) / n[h]!;
    return h;
  });
}

export function oracle(rows: Row[]): number[] {
  return rows.map((r) => r.expected.indexOf(Math.max(...r.expected)));
}
