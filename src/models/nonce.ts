import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/**
 * Nonces of accepted signed requests. The unique index on `nonce` is the
 * replay guard: a nonce is claimed once, ever. `runId` (the workflow run
 * that claimed it) lets a retried verification in that same run pass; any
 * other run, even one started again under the same workflow id, is a replay.
 * The retrain schedule's calendar times are claimed here the same way
 * (`schedule:<id>@<time>`, keyId `unsigned`): one unsigned run per time.
 */
export interface UsedNonce {
  nonce: string;
  keyId: string;
  workflowId: string;
  /** Absent on rows written before runs were recorded: those count as claimed by another run. */
  runId?: string;
  usedAt: Date;
}

const schema = new Schema<UsedNonce>(
  {
    nonce: { type: String, required: true, unique: true },
    keyId: { type: String, required: true },
    workflowId: { type: String, required: true },
    runId: String,
    usedAt: { type: Date, required: true },
  },
  { collection: 'nonces', versionKey: false },
);

export function nonceModel(connection: Connection): Model<UsedNonce> {
  return modelOn(connection, 'UsedNonce', schema);
}
