import { z } from 'zod';
import type { Exploration, Objective } from './decide';
import { handlerMetricsSchema } from '../pdl/types';
import { policySchema } from '../pdl/schema';
import type { CandidateView, DecisionContext } from './features';
import { reward } from './reward';

const spec = policySchema.shape.spec.shape;

/**
 * Everything one decision saw and did, logged with the outcome's step: the
 * retrain featurizes it exactly as the worker did, and off-policy evaluation
 * asks other policies what they would have done with it.
 */
export const decisionRecordSchema = z.object({
  context: z.object({
    account: z.string(),
    region: z.string(),
    resourceType: z.string(),
    classification: z.string(),
    cpu: z.number(),
    memory: z.number(),
    network: z.number(),
  }),
  candidates: z
    .array(
      z.object({
        ref: z.string(),
        metrics: handlerMetricsSchema.extend({ recentErrorRate: z.number().optional() }),
        preference: z.number(),
        correction: z.number().optional(),
      }),
    )
    .min(1),
  probabilities: z.array(z.number().min(0).max(1)),
  predicted: z.array(z.number()),
  chosen: z.number().int().min(0),
  exploration: spec.exploration.unwrap(),
  objective: spec.objective.unwrap(),
  model: z.string(),
});

export interface DecisionRecord {
  context: DecisionContext;
  candidates: CandidateView[];
  probabilities: number[];
  predicted: number[];
  chosen: number;
  exploration: Exploration;
  objective: Objective;
  model: string;
}

/** A step's decision record as stored (JSON text, or a document in outcomes recorded before), if it is one. */
export function decisionOf(stored: unknown): DecisionRecord | undefined {
  let value = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      return undefined;
    }
  }
  const parsed = decisionRecordSchema.safeParse(value);
  return parsed.success ? (parsed.data as DecisionRecord) : undefined;
}

/** The part of a stored outcome the learning loop reads. */
export interface OutcomeForLearning {
  workflowId: string;
  at: Date;
  steps: {
    stage: string;
    ref: string;
    probability?: number;
    reason: string;
    status: 'succeeded' | 'failed' | 'compensated' | 'skipped';
    latencyMs?: number;
    decision?: unknown;
  }[];
}

/** One logged decision with what came of it. */
export interface LoggedDecision {
  workflowId: string;
  stage: string;
  at: Date;
  record: DecisionRecord;
  /** The logging policy's probability of the choice; absent ones are excluded from off-policy evaluation and counted. */
  propensity?: number;
  success: number;
  latencyMs: number;
  reward: number;
}

export interface Exclusions {
  /** Steps the model chose but whose record has no usable probability. */
  missingProbability: number;
  /** Steps routed to a canary version: the candidate set the model scored does not contain them. */
  canary: number;
  /** Decision records that do not parse (an older layout or damaged data). */
  unreadable: number;
  /** Chosen steps that never ran (an earlier stage failed). */
  notRun: number;
}

export const noExclusions = (): Exclusions => ({ missingProbability: 0, canary: 0, unreadable: 0, notRun: 0 });

/** The decisions of one outcome that training and evaluation can use; what is left out is counted in `excluded`. */
export function loggedDecisions(outcome: OutcomeForLearning, excluded: Exclusions): LoggedDecision[] {
  const out: LoggedDecision[] = [];
  for (const step of outcome.steps) {
    if (step.reason === 'required') continue;
    if (step.reason === 'canary') {
      excluded.canary++;
      continue;
    }
    const record = decisionOf(step.decision);
    if (!record || record.chosen >= record.candidates.length || record.candidates[record.chosen]!.ref !== step.ref) {
      if (step.decision === undefined && typeof step.probability !== 'number') excluded.missingProbability++;
      else excluded.unreadable++;
      continue;
    }
    if (step.status === 'skipped') {
      excluded.notRun++;
      continue;
    }
    const propensity = typeof step.probability === 'number' && step.probability > 0 ? step.probability : undefined;
    if (propensity === undefined) excluded.missingProbability++;
    out.push({
      workflowId: outcome.workflowId,
      stage: step.stage,
      at: outcome.at,
      record,
      propensity,
      success: step.status === 'failed' ? 0 : 1,
      latencyMs: step.latencyMs ?? 0,
      reward: reward(record.objective, step),
    });
  }
  return out;
}
