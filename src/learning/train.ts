import { scoredDistribution, type DecisionModel } from './decide';
import { FEATURE_DIM, featurizeInto, hash } from './features';
import { loggedDecisions, noExclusions, type Exclusions, type LoggedDecision, type OutcomeForLearning } from './logged';
import { DEFAULT_TRAINING, OUTPUTS, train, type Network, type TrainOptions } from './network';
import { doublyRobustDifference, evaluatePolicy, type Estimate, type LoggedSample, type OpeReport } from './ope';

/** One in five outcomes, chosen by workflow id, is held out for off-policy evaluation. */
const HELD_OUT_BUCKETS = 5;
export const isHeldOut = (workflowId: string) => hash(workflowId) % HELD_OUT_BUCKETS === 0;

/**
 * The training set, filled one page of outcomes at a time: training rows go
 * straight into growing typed arrays (features of the chosen candidate,
 * success and latency), held-out decisions are kept whole for evaluation.
 */
export class TrainingSet {
  x = new Float32Array(1024 * FEATURE_DIM);
  y = new Float32Array(1024 * OUTPUTS);
  rows = 0;
  outcomes = 0;
  readonly heldOut: LoggedDecision[] = [];
  readonly excluded: Exclusions = noExclusions();
  readonly refs = new Set<string>();
  from?: Date;
  to?: Date;

  add(outcome: OutcomeForLearning): void {
    this.outcomes++;
    if (!this.from || outcome.at < this.from) this.from = outcome.at;
    if (!this.to || outcome.at > this.to) this.to = outcome.at;
    const decisions = loggedDecisions(outcome, this.excluded);
    if (isHeldOut(outcome.workflowId)) {
      this.heldOut.push(...decisions);
      return;
    }
    for (const d of decisions) this.addRow(d);
  }

  /** Decisions both for training and evaluation, counted once each. */
  get decisions(): number {
    return this.rows + this.heldOut.length;
  }

  private addRow(d: LoggedDecision): void {
    if ((this.rows + 1) * FEATURE_DIM > this.x.length) {
      const x = new Float32Array(this.x.length * 2);
      x.set(this.x);
      this.x = x;
      const y = new Float32Array(this.y.length * 2);
      y.set(this.y);
      this.y = y;
    }
    const chosen = d.record.candidates[d.record.chosen]!;
    this.refs.add(chosen.ref);
    featurizeInto(d.record.context, chosen, this.x, this.rows * FEATURE_DIM);
    this.y[this.rows * OUTPUTS] = d.success;
    this.y[this.rows * OUTPUTS + 1] = d.latencyMs / 1000;
    this.rows++;
  }

  fit(opts: TrainOptions = DEFAULT_TRAINING): Promise<{ network: Network; loss: number[] }> {
    return train(this.x.subarray(0, this.rows * FEATURE_DIM), this.y.subarray(0, this.rows * OUTPUTS), opts);
  }
}

/** Decisions without a logged probability cannot be weighed. */
const weighable = (d: LoggedDecision) => d.propensity !== undefined;

/**
 * The logged decisions as a target policy sees them: its probability of
 * every candidate (online corrections removed: they belong to the logging
 * model), and the reward model's prediction of each for doubly robust.
 * Decisions without a logged probability cannot be weighed and are left out.
 */
export function samplesFor(target: DecisionModel, rewardModel: DecisionModel, decisions: LoggedDecision[]): LoggedSample[] {
  const logged = decisions.filter(weighable).map((d) => ({
    d,
    context: d.record.context,
    objective: d.record.objective,
    candidates: d.record.candidates.map(({ correction: _, ...c }) => c),
  }));
  const targetPredictions = predictAll(target, logged);
  const rewardPredictions = rewardModel === target ? targetPredictions : predictAll(rewardModel, logged);
  return logged.map(({ d, candidates }, i) => ({
    propensity: d.propensity!,
    reward: d.reward,
    chosen: d.record.chosen,
    target: scoredDistribution(candidates, targetPredictions[i]!, target, d.record.exploration).probabilities,
    predicted: rewardPredictions[i]!,
  }));
}

function predictAll(model: DecisionModel, items: Parameters<NonNullable<DecisionModel['predictMany']>>[0]): number[][] {
  return model.predictMany ? model.predictMany(items) : items.map((x) => model.predict(x.context, x.candidates, x.objective));
}

/**
 * The serving policy as it served, on the decisions `samples` were made
 * from (samplesFor, same list): the same samples, with the probabilities it
 * logged (the model's scores with the online corrections, exploration and
 * cold-start floor they had) as the target. The reward model's predictions
 * are the samples' own, so they are not made twice. Its inverse propensity
 * estimate is the mean reward it earned.
 */
export function asServed(samples: LoggedSample[], decisions: LoggedDecision[]): LoggedSample[] {
  const weighed = decisions.filter(weighable);
  if (weighed.length !== samples.length) throw new Error('asServed needs the samples of the same logged decisions');
  return samples.map((s, i) => ({ ...s, target: weighed[i]!.record.probabilities }));
}

/** The candidate and what serves now on the same held-out decisions, with the candidate's network as the shared reward model. */
export interface Comparison {
  candidate: OpeReport;
  /** The serving model as it served (asServed), on the decisions it made. */
  current: OpeReport;
  /** Candidate minus current, doubly robust, paired on the same decisions. */
  difference: Estimate;
  /** Mean reward the logging policies actually earned on these decisions. */
  logged: number;
}

/**
 * The share of the serving model's held-out decisions, the latest, that a
 * candidate is judged on. The world it would serve in is the recent one: over
 * the whole horizon, a candidate trained on it is credited with what was true
 * before a handler degraded, and the serving policy is charged for the calls
 * it needed to learn. On the benchmark's streams, judging on every decision
 * promoted 17 candidates where this promotes 10, and its regret was 8 % higher.
 */
export const RECENT_SHARE = 0.25;

/**
 * The candidate against what serves now, as it served: the latest held-out
 * decisions the current model made (RECENT_SHARE, in the order given: the
 * retrain reads outcomes oldest first), judged with the online corrections
 * and exploration they had. Judging the bare model instead (its scores without
 * the corrections) asked the candidate to beat a policy that never served:
 * networks worse than the corrected prior were promoted, and the promotion
 * wiped the corrections that had made the prior better (the bandit
 * benchmark's seed 42 lost a third of its regret gain that way). The
 * candidate is judged without corrections of its own, as it would start.
 */
export function compare(candidate: DecisionModel, current: DecisionModel, heldOut: LoggedDecision[]): Comparison {
  const served = heldOut.filter((d) => weighable(d) && d.record.model === current.name);
  const logged = served.slice(-Math.ceil(served.length * RECENT_SHARE));
  const a = samplesFor(candidate, candidate, logged);
  const b = asServed(a, logged);
  return {
    candidate: evaluatePolicy(a),
    current: evaluatePolicy(b),
    difference: doublyRobustDifference(a, b),
    logged: logged.length ? logged.reduce((x, d) => x + d.reward, 0) / logged.length : 0,
  };
}
