import type { Policy } from '../pdl/schema';
import type { HandlerMetrics } from '../pdl/types';

export interface Candidate {
  ref: string;
  metrics: HandlerMetrics;
  /** Summed weights of the PDL prefer rules that hold. */
  preference: number;
}

export type Objective = NonNullable<Policy['spec']['objective']>;
export type Exploration = NonNullable<Policy['spec']['exploration']>;

export const DEFAULT_OBJECTIVE: Objective = { success: 1, latencyMs: -0.0001, costUsd: 0 };
export const DEFAULT_EXPLORATION: Exploration = { strategy: 'epsilon-greedy', epsilon: 0.05 };

export interface Choice {
  ref: string;
  /** The probability the choice had: logged with the outcome, it makes off-policy evaluation possible. */
  probability: number;
  scores: Record<string, number>;
  strategy: Exploration['strategy'];
}

export interface DecideOptions {
  objective: Objective;
  exploration: Exploration;
  /** Uniform in [0, 1): passed in so decisions are reproducible in tests. */
  random: () => number;
}

/**
 * The decision step's contract: the learned model replaces `score` and keeps
 * the rest (exploration over scores, propensity of the choice).
 */
export interface DecisionModel {
  readonly name: string;
  score(candidate: Candidate, objective: Objective): number;
}

/** Until a model is trained: expected objective from the handler's own metrics, plus PDL preferences. */
export const metricsPrior: DecisionModel = {
  name: 'metrics-prior',
  score({ metrics, preference }, objective) {
    // A version with no calls yet gets the benefit of the doubt on success.
    const success = metrics.calls > 0 ? 1 - metrics.errorRate : 1;
    return objective.success * success + objective.latencyMs * metrics.latencyP50Ms + preference;
  },
};

export function choose(candidates: Candidate[], model: DecisionModel, opts: DecideOptions): Choice {
  if (!candidates.length) throw new Error('choose needs at least one candidate');
  const scores = Object.fromEntries(candidates.map((c) => [c.ref, model.score(c, opts.objective)]));
  const probabilities = distribution(candidates.map((c) => scores[c.ref]!), opts.exploration);
  let u = opts.random();
  let index = probabilities.length - 1;
  for (let i = 0; i < probabilities.length; i++) {
    if (u < probabilities[i]!) {
      index = i;
      break;
    }
    u -= probabilities[i]!;
  }
  return { ref: candidates[index]!.ref, probability: probabilities[index]!, scores, strategy: opts.exploration.strategy };
}

/** Choice probabilities for scores under an exploration strategy; they sum to 1. */
export function distribution(scores: number[], exploration: Exploration): number[] {
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
      const gamma = exploration.gamma ?? 10;
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
