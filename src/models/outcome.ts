import { Schema, type Connection, type Model } from 'mongoose';
import type { DecisionRecord } from '../learning/logged';
import { modelOn } from './model';

/** One composition's record: what was asked, what was chosen with which probability, what happened. The learning loop trains on these. */
export interface Outcome {
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
    error?: string;
    decision?: DecisionRecord;
  }[];
  result: 'succeeded' | 'failed';
  error?: { type: string; message: string; handler?: string };
  latencyMs: number;
  at: Date;
}

const schema = new Schema<Outcome>(
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

export function outcomeModel(connection: Connection): Model<Outcome> {
  return modelOn(connection, 'Outcome', schema);
}
