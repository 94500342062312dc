import type { DecisionContext } from './features';
import { addStep, linearFeatures, linearScore, linearStep, type Features, type LinearWeights } from './linear';

/**
 * Between retrains the worker corrects a model's scores with what happened
 * since, in two parts that add up. A linear learner per handler version
 * (linear.ts) learns the residual (reward − score) over the request's tokens
 * from every outcome. The windows hold what is left after it: the mean of
 * a handler's latest residuals everywhere, shrunk towards zero while there
 * are few, refined per region (the region's mean shrunk towards the
 * handler's) and per region and resource type (the cell's, shrunk towards
 * the region's). A handler that
 * starts failing everywhere drops by about the success weight within tens of
 * its calls, whichever cells they fall in, instead of waiting for the next
 * retrain; where the model is wrong for one region or one kind of resource
 * only, that is where the score moves most; the learner finds the cells of
 * account, classification and load band the windows do not key on. A
 * promoted model starts from no correction, since its residuals are its own.
 */
export const ONLINE_WINDOW = 50;
/** Pseudo-count of zero residuals: five calls move a handler's score half-way to the evidence. */
const SHRINK = 5;
/** Pseudo-count of the handler's correction in a region: five calls there speak for the region half-way. */
const REGION_SHRINK = 5;
/** Pseudo-count of the region's correction in a cell: a cell needs ten calls to speak for itself half-way. */
const CELL_SHRINK = 10;

/** The key of the window of a handler's calls in every region (not a region name, which has no underscore prefix). */
export const ALL_REGIONS = '_all';

/** The windows a residual goes to: every region, its region, and its region × resource type. */
export function onlineKeys(ctx: { region: string; resourceType: string }): { all: string; region: string; cell: string } {
  return { all: ALL_REGIONS, region: ctx.region, cell: `${ctx.region}|${ctx.resourceType}` };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const shrunk = (xs: readonly number[] | undefined, towards: number, pseudo: number) =>
  xs?.length ? (sum(xs) + pseudo * towards) / (xs.length + pseudo) : towards;

export interface OnlineWindows {
  all?: readonly number[];
  region?: readonly number[];
  cell?: readonly number[];
}

export function correction({ all, region, cell }: OnlineWindows): number {
  const handler = shrunk(all, 0, SHRINK);
  return shrunk(cell, shrunk(region, handler, REGION_SHRINK), CELL_SHRINK);
}

/**
 * The whole correction of a handler version's score for a request: its
 * linear learner's score plus its windows', read by key (onlineKeys) from
 * memory or the store. A decision over many candidates passes the request's
 * features, hashed once.
 */
export function onlineCorrection(
  ctx: DecisionContext,
  windowOf: (key: string) => readonly number[] | undefined,
  linear: LinearWeights | undefined,
  x: Features = linearFeatures(ctx),
): number {
  const { all, region, cell } = onlineKeys(ctx);
  return linearScore(linear, x) + correction({ all: windowOf(all), region: windowOf(region), cell: windowOf(cell) });
}

/**
 * What one outcome adds: the linear learner's step towards the whole
 * residual, and for the windows what is left of the residual after the
 * learner's score, so the two never count the same error twice.
 */
export function onlineUpdate(
  linear: LinearWeights | undefined,
  ctx: DecisionContext,
  residual: number,
): { windowed: number; step: LinearWeights } {
  const x = linearFeatures(ctx);
  return { windowed: residual - linearScore(linear, x), step: linearStep(linear, x, residual) };
}

/** The same windows and learners kept in memory: the benchmark's worker, and a reference for the stored ones. */
export class OnlineStats {
  private readonly windows = new Map<string, number[]>();
  private readonly linear = new Map<string, LinearWeights>();
  private model = '';

  record(model: string, ref: string, ctx: DecisionContext, residual: number): void {
    if (model !== this.model) {
      this.windows.clear();
      this.linear.clear();
      this.model = model;
    }
    const weights = this.linear.get(ref) ?? { w: {}, g: {} };
    const { windowed, step } = onlineUpdate(weights, ctx, residual);
    this.linear.set(ref, addStep(weights, step));
    for (const key of Object.values(onlineKeys(ctx))) {
      const w = this.windows.get(`${ref}|${key}`) ?? [];
      w.push(windowed);
      if (w.length > ONLINE_WINDOW) w.shift();
      this.windows.set(`${ref}|${key}`, w);
    }
  }

  correction(model: string, ref: string, ctx: DecisionContext): number {
    if (model !== this.model) return 0;
    return onlineCorrection(ctx, (key) => this.windows.get(`${ref}|${key}`), this.linear.get(ref));
  }
}

/**
 * The measurement of a model's choice for the stored counters: the windows'
 * part of its residual and the linear learner's step, against the state the
 * worker last read (none if it belongs to another model: a new one starts
 * afresh).
 */
export function residualOf(
  held: { model: string; linear?: LinearWeights } | undefined,
  decision: { model: string; context: DecisionContext; predicted: number[]; chosen: number },
  reward: number,
): { model: string; region: string; resourceType: string; value: number; linear: LinearWeights } {
  const linear = held?.model === decision.model ? held.linear : undefined;
  const { windowed, step } = onlineUpdate(linear, decision.context, reward - decision.predicted[decision.chosen]!);
  return {
    model: decision.model,
    region: decision.context.region,
    resourceType: decision.context.resourceType,
    value: windowed,
    linear: step,
  };
}
