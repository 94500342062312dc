import { priorReward, type Candidate, type DecisionModel, type Objective } from './decide';
import { FEATURE_DIM, featurizeBatch, featurizeInto, type CandidateView, type DecisionContext } from './features';
import { OUTPUTS, predict, type Network } from './network';

/** A trained network and the handler versions it saw: what the model store keeps per version. */
export interface TrainedModel {
  version: number;
  network: Network;
  knownRefs: string[];
}

const BATCH_ROWS = 8192;

export const modelName = (version: number) => `bandit-v${version}`;

/**
 * The learned decision model: the network predicts success and latency for
 * every candidate in one batch and the policy's objective weighs them.
 * Versions the network never saw trained are scored by the metrics prior
 * (and `knows` gives them the cold-start exploration share).
 */
export class LearnedModel implements DecisionModel {
  readonly name: string;
  private readonly known: Set<string>;

  constructor(readonly trained: TrainedModel) {
    this.name = modelName(trained.version);
    this.known = new Set(trained.knownRefs);
  }

  predict(context: DecisionContext, candidates: Candidate[], objective: Objective): number[] {
    const out = predict(this.trained.network, featurizeBatch(context, candidates), candidates.length);
    return candidates.map((c, i) => this.reward(c, objective, out, i));
  }

  predictMany(decisions: { context: DecisionContext; candidates: CandidateView[]; objective: Objective }[]): number[][] {
    const results: number[][] = [];
    // Chunks of rows keep one tensor to a few megabytes.
    for (let start = 0; start < decisions.length;) {
      let rows = 0;
      let end = start;
      while (end < decisions.length && rows < BATCH_ROWS) rows += decisions[end++]!.candidates.length;
      const x = new Float32Array(rows * FEATURE_DIM);
      let row = 0;
      for (const d of decisions.slice(start, end)) for (const c of d.candidates) featurizeInto(d.context, c, x, row++ * FEATURE_DIM);
      const out = predict(this.trained.network, x, rows);
      row = 0;
      for (const d of decisions.slice(start, end)) results.push(d.candidates.map((c) => this.reward(c, d.objective, out, row++)));
      start = end;
    }
    return results;
  }

  private reward(c: Candidate, objective: Objective, out: Float32Array, row: number): number {
    if (!this.known.has(c.ref)) return priorReward(c, objective);
    const success = Math.min(1, Math.max(0, out[row * OUTPUTS]!));
    const latencyMs = Math.max(0, out[row * OUTPUTS + 1]!) * 1000;
    return objective.success * success + objective.latencyMs * latencyMs;
  }

  knows(ref: string): boolean {
    return this.known.has(ref);
  }
}
