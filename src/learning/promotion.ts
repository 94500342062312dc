import type { Estimate } from './ope';

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const f = (x: number) => x.toFixed(4);

/**
 * A candidate replaces the serving model only when, on at least `minSamples`
 * held-out decisions the serving model made, the lower end of its doubly
 * robust value beats the serving model's, as it served (train.ts compare),
 * by `margin`. Both are read on the same decisions,
 * so the bound is taken on the paired difference (candidate − current): the
 * candidate's lower bound is `current + difference.lower`. Noise alone should
 * not promote. The default margin is 0: the 95 % paired interval is itself the
 * test, and a fixed amount of reward would be larger than the whole gain where
 * the serving model is already close to the best (a world whose best choice
 * earns 0.9 leaves a learned model a few hundredths to win). Pure, so the retrain workflow decides in its own code and the
 * decision shows in its history.
 */
export function decidePromotion(
  comparison: { current: { dr: Estimate }; difference: Estimate },
  opts: { margin: number; minSamples: number },
): PromotionDecision {
  const { current, difference } = comparison;
  if (difference.n < opts.minSamples) {
    return {
      promote: false,
      reason: `only ${difference.n} held-out decisions made by the serving model with a logged probability; at least ${opts.minSamples} are needed to compare models`,
    };
  }
  const lower = current.dr.value + difference.lower;
  const bar = current.dr.value + opts.margin;
  const numbers = `candidate DR lower bound ${f(lower)} (current ${f(current.dr.value)} ${difference.lower < 0 ? '-' : '+'} ${f(Math.abs(difference.lower))}, paired) on ${difference.n} held-out decisions`;
  if (lower > bar) return { promote: true, reason: `${numbers} beats current + margin ${opts.margin}` };
  return { promote: false, reason: `${numbers} does not beat current + margin ${opts.margin} (estimated gain ${f(difference.value)})` };
}
