import type { OpeReport } from './ope';

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const f = (x: number) => x.toFixed(4);

/**
 * A candidate replaces the serving model only when the lower end of its
 * doubly robust interval beats the serving model's estimate by `margin`, on
 * at least `minSamples` held-out decisions: noise alone should not promote.
 * Pure, so the retrain workflow decides in its own code and the decision
 * shows in its history.
 */
export function decidePromotion(candidate: OpeReport, current: OpeReport, opts: { margin: number; minSamples: number }): PromotionDecision {
  const { dr } = candidate;
  if (dr.n < opts.minSamples) {
    return { promote: false, reason: `only ${dr.n} held-out decisions with a logged probability; at least ${opts.minSamples} are needed to compare models` };
  }
  const bar = current.dr.value + opts.margin;
  if (dr.lower > bar) {
    return { promote: true, reason: `candidate DR lower bound ${f(dr.lower)} beats current ${f(current.dr.value)} + margin ${opts.margin} on ${dr.n} held-out decisions` };
  }
  return { promote: false, reason: `candidate DR lower bound ${f(dr.lower)} does not beat current ${f(current.dr.value)} + margin ${opts.margin} (candidate estimate ${f(dr.value)})` };
}
