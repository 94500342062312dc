import { contextTokens, fieldPairs, hash, type DecisionContext } from './features';

/**
 * The per-request part of the online correction (see online.ts): a linear
 * model of each handler version's residual (reward − the serving model's
 * prediction) over hashed tokens of the request, learned from every outcome
 * as it is recorded, the way Vowpal Wabbit's contextual bandits learn. The
 * retrained model moves at most once per retrain; this moves with each call,
 * and in the cell of context the call came from.
 *
 * The update is adaptive (AdaGrad: each slot's step shrinks with the squared
 * gradients it has seen) and importance-invariant (Karampatziakis & Langford:
 * one step never carries the prediction past its target), and it leaves the
 * logged propensity out: the residual of a model already near the truth is
 * small noise, and weighting it by 1/p let rare choices throw the weights
 * about (the benchmark's regret was about a fifth higher with it). Every
 * step is an increment of a slot's weight and of its squared-gradient sum,
 * so concurrent workers apply theirs with $inc and lose none.
 */
/**
 * Slots per handler version: every worker reads every version's counters each
 * second, so a version's weights stay under ~2,000 numbers (~40 KB). The
 * benchmark's regret was the same with 4,096 (3,860 against 3,871 over its 12
 * streams), its ~330 distinct tokens a version colliding little in 1,024.
 */
export const LINEAR_SLOTS = 1024;
/**
 * The base learning rate: VW's 0.5 shared out over the 17 or so slots a
 * request touches (VW's normalised update divides by the features' total
 * weight the same way); 0.02–0.05 measured alike on the benchmark.
 */
export const LINEAR_RATE = 0.03;
/** The squared-gradient sum every slot starts from: it damps the first steps, when one noisy outcome would set a weight. */
const PRIOR_SQUARED_GRADIENT = 1;

/** A handler version's weights and squared-gradient sums by slot, as stored (object keys: the store's field names). */
export interface LinearWeights {
  w: Record<string, number>;
  g: Record<string, number>;
}

export type Features = [slot: number, value: number][];

/**
 * The request's tokens, each field and each pair of fields, a bias, and the
 * loads as values. They are not crossed with the handler: each version keeps
 * its own weights.
 */
export function linearFeatures(ctx: DecisionContext): Features {
  const fields = contextTokens(ctx);
  const tokens = ['bias', ...fields, ...fieldPairs(fields)];
  const x = new Map<number, number>();
  const add = (token: string, value: number) => {
    if (!Number.isFinite(value) || value === 0) return;
    const slot = hash(token) % LINEAR_SLOTS;
    x.set(slot, (x.get(slot) ?? 0) + value);
  };
  for (const t of tokens) add(t, 1);
  add('cpu', 2 * ctx.cpu - 1);
  add('memory', 2 * ctx.memory - 1);
  add('network', 2 * ctx.network - 1);
  return [...x];
}

/**
 * A stored slot's value, or 0: the weights come from the store, and a damaged
 * value (text, NaN) must neither make a score NaN nor reach the next `$inc`,
 * which would keep it there.
 */
const slotOf = (values: Record<string, number> | undefined, slot: number): number => {
  const v: unknown = values?.[slot];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
};

export function linearScore(weights: LinearWeights | undefined, x: Features): number {
  return x.reduce((a, [slot, v]) => a + slotOf(weights?.w, slot) * v, 0);
}

/**
 * One outcome's step towards `target` (the residual): the increments of the
 * weights and squared-gradient sums it touches. Taken against the weights the
 * worker last read, so steps of one batch of outcomes add up like a
 * mini-batch.
 */
export function linearStep(weights: LinearWeights | undefined, x: Features, target: number): LinearWeights {
  const step: LinearWeights = { w: {}, g: {} };
  if (!Number.isFinite(target) || !x.length) return step;
  const error = target - linearScore(weights, x);
  const rates = x.map(([slot, v]) => {
    const g = (error * v) ** 2;
    step.g[slot] = g;
    return LINEAR_RATE / Math.sqrt(PRIOR_SQUARED_GRADIENT + Math.max(0, slotOf(weights?.g, slot)) + g);
  });
  const q = x.reduce((a, [, v], i) => a + rates[i]! * v * v, 0);
  if (q === 0) return step;
  // The invariant step: as if the outcome were applied in infinitely many small steps, so the
  // prediction approaches the target but never passes it, however large q.
  const scale = (1 - Math.exp(-q)) / q;
  x.forEach(([slot, v], i) => (step.w[slot] = scale * error * rates[i]! * v));
  return step;
}

/** `into` plus `step`, in place: the in-memory learner and a batch of increments alike. */
export function addStep(into: LinearWeights, step: LinearWeights): LinearWeights {
  for (const [slot, d] of Object.entries(step.w)) into.w[slot] = (into.w[slot] ?? 0) + d;
  for (const [slot, d] of Object.entries(step.g)) into.g[slot] = (into.g[slot] ?? 0) + d;
  return into;
}
