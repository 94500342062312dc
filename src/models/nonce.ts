import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/**
 * Nonces of accepted signed requests. The unique index is the replay guard;
 * `workflowId` lets a retried verification of the same request pass.
 */
export interface UsedNonce {
  nonce: string;
  keyId: string;
  workflowId: string;
  usedAt: Date;
}

const schema = new Schema<UsedNonce>(
  {
    nonce: { type: String, required: true, unique: true },
    keyId: { type: String, required: true },
    workflowId: { type: String, required: true },
    usedAt: { type: Date, required: true },
  },
  { collection: 'nonces', versionKey: false },
);

export function nonceModel(connection: Connection): Model<UsedNonce> {
  return modelOn(connection, 'UsedNonce', schema);
}
