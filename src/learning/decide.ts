import type { CandidateView, DecisionContext } from './features';
import type { Policy } from '../pdl/schema';

/** An allowed handler version as the decision sees it; `preference` sums the weights of the PDL prefer rules that hold. */
export type Candidate = CandidateView;

export type Objective = NonNullable<Policy['spec']['objective']>;
export type Exploration = NonNullable<Policy['spec']['exploration']>;

export const DEFAULT_OBJECTIVE: Objective = { success: 1, latencyMs: -0.0001, costUsd: 0 };
/**
 * What a policy that says nothing about exploration gets: SquareCB whose γ
 * grows with the evidence (see squareCbGamma), the setting `npm run
 * bench:bandit` measures against ε-greedy and Vowpal Wabbit.
 */
export const DEFAULT_EXPLORATION: Exploration = { strategy: 'squarecb' };

/** VW's SquareCB schedule (--gamma_scale 10, --gamma_exponent 0.5): γ = 10·√n after n decisions. */
export const SQUARECB_GAMMA_SCALE = 10;

/**
 * γ for SquareCB without a fixed `gamma`: small while little is known (wide
 * exploration), growing as √n so exploration of clearly worse arms fades at
 * the rate the regret bound asks for. `n` is the calls the candidates have
 * had, which the decision context carries, so off-policy evaluation
 * recomputes the same probabilities from a logged decision.
 */
export function squareCbGamma(decisions: number): number {
  return SQUARECB_GAMMA_SCALE * Math.sqrt(Math.max(1, decisions));
}

export interface Choice {
  ref: string;
  /** The probability the choice had: logged with the outcome, it makes off-policy evaluation possible. */
  probability: number;
  /** Index of the choice among the candidates, and every candidate's probability and score, in candidate order. */
  index: number;
  probabilities: number[];
  predicted: number[];
  scores: number[];
  strategy: Exploration['strategy'];
}

export interface DecideOptions {
  context: DecisionContext;
  objective: Objective;
  exploration: Exploration;
  /** Uniform in [0, 1): passed in so decisions are reproducible in tests. */
  random: () => number;
}

/**
 * The decision step's contract: a model predicts the reward of every allowed
 * candidate in one batch; PDL preferences and the online correction are
 * added to make its score, and exploration over the scores and the
 * propensity of the choice are the same whatever the model.
 */
export interface DecisionModel {
  readonly name: string;
  predict(context: DecisionContext, candidates: Candidate[], objective: Objective): number[];
  /** Many decisions at once, where a model can batch them (the retrain's evaluation); same values as predict. */
  predictMany?(decisions: { context: DecisionContext; candidates: Candidate[]; objective: Objective }[]): number[][];
  /** False for a version the model never saw trained: it gets the cold-start share of exploration. */
  knows?(ref: string): boolean;
}

/** Below this many calls a version is new: its metrics say little and it is guaranteed some exploration. */
export const COLD_START_CALLS = 20;
/** The share of traffic each new version is guaranteed, whatever the strategy says. */
export const COLD_START_SHARE = 0.1;

/** Expected reward from a handler's own metrics: the cold-start prior. */
export function priorReward({ metrics }: Candidate, objective: Objective): number {
  // A version with no calls yet gets the benefit of the doubt on success.
  const success = metrics.calls > 0 ? 1 - metrics.errorRate : 1;
  return objective.success * success + objective.latencyMs * metrics.latencyP50Ms;
}

/** Until a model is trained, the prior decides. */
export const metricsPrior: DecisionModel = {
  name: 'metrics-prior',
  predict: (_context, candidates, objective) => candidates.map((c) => priorReward(c, objective)),
};

export interface Scored {
  /** The model's expected reward, before preferences and correction: what residuals and doubly robust OPE compare against. */
  predicted: number[];
  scores: number[];
  probabilities: number[];
}

/** What a model and strategy make of the candidates: scores, then exploration, then the cold-start floor. */
export function decisionDistribution(candidates: Candidate[], model: DecisionModel, opts: Omit<DecideOptions, 'random'>): Scored {
  return scoredDistribution(candidates, model.predict(opts.context, candidates, opts.objective), model, opts.exploration);
}

/** The same from predictions already made (off-policy evaluation predicts many decisions in one batch). */
export function scoredDistribution(
  candidates: Candidate[],
  predicted: number[],
  model: Pick<DecisionModel, 'knows'>,
  exploration: Exploration,
): Scored {
  const scores = candidates.map((c, i) => predicted[i]! + c.preference + (c.correction ?? 0));
  const fresh = candidates.map((c) => c.metrics.calls < COLD_START_CALLS || model.knows?.(c.ref) === false);
  const decisions = candidates.reduce((a, c) => a + c.metrics.calls, 0);
  return { predicted, scores, probabilities: withFloor(distribution(scores, exploration, decisions), fresh, COLD_START_SHARE) };
}

export function choose(candidates: Candidate[], model: DecisionModel, opts: DecideOptions): Choice {
  if (!candidates.length) throw new Error('choose needs at least one candidate');
  const { predicted, scores, probabilities } = decisionDistribution(candidates, model, opts);
  let u = opts.random();
  let index = probabilities.length - 1;
  for (let i = 0; i < probabilities.length; i++) {
    if (u < probabilities[i]!) {
      index = i;
      break;
    }
    u -= probabilities[i]!;
  }
  return {
    ref: candidates[index]!.ref,
    probability: probabilities[index]!,
    index,
    probabilities,
    predicted,
    scores,
    strategy: opts.exploration.strategy,
  };
}

/**
 * Raises each flagged probability to at least `floor` (capped at an equal
 * share), taking the mass from the others in proportion to what they had:
 * still a distribution, and still the exact probability of each choice.
 */
export function withFloor(p: number[], flagged: boolean[], floor: number): number[] {
  const target = Math.min(floor, 1 / p.length);
  const raise = p.map((x, i) => (flagged[i] ? Math.max(0, target - x) : 0));
  const needed = raise.reduce((a, b) => a + b, 0);
  if (needed === 0) return p;
  const donors = p.reduce((a, x, i) => a + (raise[i]! > 0 ? 0 : flagged[i] ? Math.max(0, x - target) : x), 0);
  if (donors <= 0) return p;
  const keep = 1 - needed / donors;
  return p.map((x, i) => {
    if (raise[i]! > 0) return target;
    // A flagged arm above the floor gives only what it has above it.
    return flagged[i] ? target + (x - target) * keep : x * keep;
  });
}

/** Choice probabilities for scores under an exploration strategy; they sum to 1. `decisions` sets SquareCB's adaptive γ. */
export function distribution(scores: number[], exploration: Exploration, decisions = 0): number[] {
  const n = scores.length;
  const best = scores.indexOf(Math.max(...scores));
  switch (exploration.strategy) {
    case 'epsilon-greedy': {
      const epsilon = exploration.epsilon ?? 0.05;
      return scores.map((_, i) => epsilon / n + (i === best ? 1 - epsilon : 0));
    }
    case 'softmax': {
      const t = exploration.temperature ?? 0.1;
      const max = scores[best]!;
      const weights = scores.map((s) => Math.exp((s - max) / t));
      const total = weights.reduce((a, b) => a + b, 0);
      return weights.map((w) => w / total);
    }
    case 'squarecb': {
      // Foster & Rakhlin: the gap to the best score sets how rarely an arm is tried.
      const gamma = exploration.gamma ?? squareCbGamma(decisions);
      const p = scores.map((s, i) => (i === best ? 0 : 1 / (n + gamma * (scores[best]! - s))));
      p[best] = 1 - p.reduce((a, b) => a + b, 0);
      return p;
    }
  }
}

export interface Canary {
  ref: string;
  /** Share of the traffic its handler gets that goes to this version instead. */
  share: number;
}

/**
 * A/B between versions of one handler: once the model has picked a handler,
 * its canary versions take their share of that traffic. The probability
 * stays exact (choice × share), so off-policy evaluation still holds.
 */
export function routeCanary(choice: Choice, canaries: Canary[], random: () => number): Choice & { canary: boolean } {
  const total = canaries.reduce((a, c) => a + c.share, 0);
  if (!canaries.length || total <= 0) return { ...choice, canary: false };
  const scale = total > 1 ? 1 / total : 1;
  let u = random();
  for (const c of canaries) {
    const share = c.share * scale;
    if (u < share) return { ...choice, ref: c.ref, probability: choice.probability * share, canary: true };
    u -= share;
  }
  return { ...choice, probability: choice.probability * (1 - total * scale), canary: false };
}
