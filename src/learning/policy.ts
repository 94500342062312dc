import { priorReward, type Candidate, type DecisionModel, type Objective } from '../composition/decide';
import { featurizeBatch, type DecisionContext } from './features';
import { OUTPUTS, predict, type Network } from './network';

/** A trained network and the handler versions it saw: what the model store keeps per version. */
export interface TrainedModel {
  version: number;
  network: Network;
  knownRefs: string[];
}

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
    return candidates.map((c, i) => {
      if (!this.known.has(c.ref)) return priorReward(c, objective);
      const success = Math.min(1, Math.max(0, out[i * OUTPUTS]!));
      const latencyMs = Math.max(0, out[i * OUTPUTS + 1]!) * 1000;
      return objective.success * success + objective.latencyMs * latencyMs;
    });
  }

  knows(ref: string): boolean {
    return this.known.has(ref);
  }
}
