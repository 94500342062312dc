import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/** Append-only: entries are inserted with a key from the workflow step and never updated. */
export interface AuditEntry {
  key: string;
  at: Date;
  actor: string;
  operation: string;
  target: string;
  result: 'allowed' | 'denied';
  reason: string;
  /** A denial's stable error type: NonceReused for a replay, RequestExpired for a stale request, PermissionDenied… */
  type?: string;
  workflowId?: string;
}

const schema = new Schema<AuditEntry>(
  {
    key: { type: String, required: true, unique: true },
    at: { type: Date, required: true, index: true },
    actor: { type: String, required: true },
    operation: { type: String, required: true },
    target: { type: String, required: true },
    result: { type: String, required: true, enum: ['allowed', 'denied'] },
    reason: { type: String, required: true },
    type: String,
    workflowId: String,
  },
  { collection: 'audit', versionKey: false },
);

export function auditModel(connection: Connection): Model<AuditEntry> {
  return modelOn(connection, 'AuditEntry', schema);
}
