import { Schema, type Connection, type Model } from 'mongoose';
import type { Persona, ResourceProfile } from '../negotiation/persona';
import { modelOn } from './model';

/**
 * One immutable persona version. The body never changes once written;
 * visibility, status and usage counters are metadata that may. `applied`
 * holds the negotiations already counted, so a retried count counts once.
 */
export interface StoredPersona extends Persona {
  parentVersion?: number;
  /** Why a proposed version was derived (persona evolution). */
  derivedFrom?: string;
  applied: string[];
}

const personaSchema = new Schema<StoredPersona>(
  {
    name: { type: String, required: true },
    version: { type: Number, required: true },
    account: { type: String, required: true },
    creator: { type: String, required: true },
    createdAt: { type: Date, required: true },
    visibility: { type: String, enum: ['private', 'account', 'public'], required: true },
    status: { type: String, enum: ['active', 'proposed'], required: true },
    description: String,
    role: { type: String, required: true },
    tags: [String],
    performance: { type: Schema.Types.Mixed, required: true },
    security: { type: Schema.Types.Mixed, required: true },
    lifecycle: { type: Schema.Types.Mixed, required: true },
    cost: { type: Schema.Types.Mixed, required: true },
    usage: { type: Schema.Types.Mixed, default: { timesUsed: 0, agreements: 0, totalRounds: 0 } },
    parentVersion: Number,
    derivedFrom: String,
    applied: { type: [String], default: [] },
  },
  { collection: 'personas', versionKey: false, minimize: false },
);
personaSchema.index({ account: 1, name: 1, version: 1 }, { unique: true });

export function personaModel(connection: Connection): Model<StoredPersona> {
  return modelOn(connection, 'Persona', personaSchema);
}

/** What an agreed instance really used, next to the description that asked for it: training data for the text model. */
export interface WorkloadObservation {
  key: string;
  text: string;
  role: string;
  profile: ResourceProfile;
  observedAt: Date;
}

const observationSchema = new Schema<WorkloadObservation>(
  {
    key: { type: String, required: true, unique: true },
    text: { type: String, required: true },
    role: { type: String, required: true },
    profile: { type: Schema.Types.Mixed, required: true },
    observedAt: { type: Date, required: true },
  },
  { collection: 'workload_observations', versionKey: false },
);

export function observationModel(connection: Connection): Model<WorkloadObservation> {
  return modelOn(connection, 'WorkloadObservation', observationSchema);
}
