import { Schema, type Connection, type Model } from 'mongoose';
import type { DecisionRecord } from '../learning/logged';
import { modelOn } from './model';

/** One composition's record: what was asked, what was chosen with which probability, what happened. The learning loop trains on these. */
export interface Outcome<Decision = DecisionRecord> {
  workflowId: string;
  request: Record<string, unknown>;
  policy?: string;
  model: string;
  steps: {
    stage: string;
    ref: string;
    probability: number;
    reason: string;
    status: 'succeeded' | 'failed' | 'compensated' | 'skipped';
    latencyMs?: number;
    cpuMs?: number;
    memoryMb?: number;
    costUsd?: number;
    error?: string;
    decision?: Decision;
  }[];
  result: 'succeeded' | 'failed';
  error?: { type: string; message: string; handler?: string };
  latencyMs: number;
  at: Date;
}

/**
 * As stored, each decision record is its JSON text. FerretDB decodes every
 * value of every document it reads, and a decision record (the context and
 * every candidate's metrics) is most of an outcome's values: as text, a
 * retrain reads outcomes about 3.5 times faster, and recording one costs the
 * store less. Outcomes stored earlier hold the record as a document; readers
 * take both (`decisionOf` in learning/logged.ts).
 */
export type StoredOutcome = Outcome<string | DecisionRecord>;

/** Steps as stored: each decision record as its JSON text. */
export const storedSteps = <S extends { decision?: unknown }>(steps: S[]): (Omit<S, 'decision'> & { decision?: string })[] =>
  steps.map(({ decision, ...step }) => (decision === undefined ? step : { ...step, decision: JSON.stringify(decision) }));

const schema = new Schema<StoredOutcome>(
  {
    workflowId: { type: String, required: true, unique: true },
    request: { type: Schema.Types.Mixed, required: true },
    policy: String,
    model: { type: String, required: true },
    steps: { type: Schema.Types.Mixed, required: true },
    result: { type: String, enum: ['succeeded', 'failed'], required: true },
    error: Schema.Types.Mixed,
    latencyMs: Number,
    at: { type: Date, required: true, index: true },
  },
  { collection: 'outcomes', versionKey: false, minimize: false },
);

export function outcomeModel(connection: Connection): Model<StoredOutcome> {
  return modelOn(connection, 'Outcome', schema);
}
