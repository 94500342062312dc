import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/** One immutable version of a policy, stored with the signature it was applied with. */
export interface StoredPolicy {
  name: string;
  version: number;
  document: Record<string, unknown>;
  source: string;
  contentHash: string;
  signedBy: string;
  appliedBy: string;
  appliedAt: Date;
  /** Set by `policy retire`: the version stays in the history but can never be active again. */
  retiredAt?: Date;
  retiredBy?: string;
}

/** Which version of a policy is active: the only mutable record, one per name. */
export interface PolicyHead {
  name: string;
  activeVersion: number;
  activatedBy: string;
  activatedAt: Date;
}

const policySchema = new Schema<StoredPolicy>(
  {
    name: { type: String, required: true },
    version: { type: Number, required: true },
    document: { type: Schema.Types.Mixed, required: true },
    source: { type: String, required: true },
    contentHash: { type: String, required: true },
    signedBy: { type: String, required: true },
    appliedBy: { type: String, required: true },
    appliedAt: { type: Date, required: true },
    retiredAt: { type: Date },
    retiredBy: { type: String },
  },
  { collection: 'policies', versionKey: false, minimize: false },
);
policySchema.index({ name: 1, version: 1 }, { unique: true });

const headSchema = new Schema<PolicyHead>(
  {
    name: { type: String, required: true, unique: true },
    activeVersion: { type: Number, required: true },
    activatedBy: { type: String, required: true },
    activatedAt: { type: Date, required: true },
  },
  { collection: 'policy_heads', versionKey: false },
);

export function policyModel(connection: Connection): Model<StoredPolicy> {
  return modelOn(connection, 'StoredPolicy', policySchema);
}

export function policyHeadModel(connection: Connection): Model<PolicyHead> {
  return modelOn(connection, 'PolicyHead', headSchema);
}
