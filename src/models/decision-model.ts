import { Schema, type Connection, type Model } from 'mongoose';
import type { ArtifactHeader } from '../learning/artifact';
import type { Exclusions } from '../learning/logged';
import type { Estimate, OpeReport } from '../learning/ope';
import { modelOn } from './model';

/**
 * Every trained model version, kept for history and rollback: the header of
 * its weights (the bytes are in policy_model_chunks), what it was trained on,
 * how it compared with the model serving at the time, and what was decided.
 */
export interface DecisionModelVersion {
  version: number;
  /** The retrain run that made it: a retried activity finds its own version instead of making another. */
  trainedBy: string;
  createdAt: Date;
  artifact: ArtifactHeader;
  knownRefs: string[];
  training: {
    from?: Date;
    to?: Date;
    outcomes: number;
    rows: number;
    heldOut: number;
    excluded: Exclusions;
    loss: number[];
    seconds: number;
  };
  evaluation: { against: string; candidate: OpeReport; current: OpeReport; difference: Estimate; logged: number };
  decision?: { promote: boolean; reason: string };
}

export interface DecisionModelChunk {
  version: number;
  index: number;
  data: Buffer;
}

/** The serving model: one document, updated atomically; `history` keeps every promotion and rollback. */
export interface DecisionModelPointer {
  name: 'active';
  version: number;
  history: { version: number; at: Date; by: string; reason: string; action: 'promote' | 'rollback' }[];
}

// The collections are named from before the learned model was called the decision model everywhere; renaming
// them would orphan every stored version, so they keep their names.
const versionSchema = new Schema<DecisionModelVersion>(
  {
    version: { type: Number, required: true, unique: true },
    trainedBy: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    artifact: { type: Schema.Types.Mixed, required: true },
    knownRefs: [String],
    training: { type: Schema.Types.Mixed, required: true },
    evaluation: { type: Schema.Types.Mixed, required: true },
    decision: Schema.Types.Mixed,
  },
  { collection: 'policy_models', versionKey: false, minimize: false },
);

const chunkSchema = new Schema<DecisionModelChunk>(
  { version: { type: Number, required: true }, index: { type: Number, required: true }, data: { type: Buffer, required: true } },
  { collection: 'policy_model_chunks', versionKey: false },
);
chunkSchema.index({ version: 1, index: 1 }, { unique: true });

const pointerSchema = new Schema<DecisionModelPointer>(
  {
    name: { type: String, required: true, unique: true },
    version: { type: Number, required: true },
    history: { type: Schema.Types.Mixed, default: [] },
  },
  { collection: 'policy_model_pointer', versionKey: false, minimize: false },
);

export function decisionModelVersionModel(connection: Connection): Model<DecisionModelVersion> {
  return modelOn(connection, 'DecisionModelVersion', versionSchema);
}
export function decisionModelChunkModel(connection: Connection): Model<DecisionModelChunk> {
  return modelOn(connection, 'DecisionModelChunk', chunkSchema);
}
export function decisionModelPointerModel(connection: Connection): Model<DecisionModelPointer> {
  return modelOn(connection, 'DecisionModelPointer', pointerSchema);
}

/** Who is retraining, until when: two retrains never run at once, and a crashed one frees the lease when it expires. */
export interface RetrainLease {
  name: 'retrain';
  holder: string;
  until: Date;
}

const leaseSchema = new Schema<RetrainLease>(
  { name: { type: String, required: true, unique: true }, holder: { type: String, required: true }, until: { type: Date, required: true } },
  { collection: 'retrain_lease', versionKey: false },
);

export function retrainLeaseModel(connection: Connection): Model<RetrainLease> {
  return modelOn(connection, 'RetrainLease', leaseSchema);
}
