import { Schema, type Connection, type Model } from 'mongoose';
import type { Persona, ResourceProfile } from '../negotiation/persona';
import { modelOn } from './model';

/**
 * One immutable persona version. The body never changes once written;
 * visibility and status are metadata that may. Usage is not stored here but
 * summed from `persona_usage` (see personaUsageModel).
 */
export interface StoredPersona extends Omit<Persona, 'usage'> {
  parentVersion?: number;
  /** Why a proposed version was derived (persona evolution). */
  derivedFrom?: string;
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
    parentVersion: Number,
    derivedFrom: String,
  },
  { collection: 'personas', versionKey: false, minimize: false },
);
personaSchema.index({ account: 1, name: 1, version: 1 }, { unique: true });

export function personaModel(connection: Connection): Model<StoredPersona> {
  return modelOn(connection, 'Persona', personaSchema);
}

/**
 * One counted use of a persona version, keyed by what counted it (a
 * negotiation's analysis or conclusion): inserted once, never updated. Counters
 * kept on the persona and incremented in place lost increments under
 * concurrent negotiations on FerretDB (its update is a read-modify-write;
 * the chaos test of negotiations found it), inserts with a unique key do not.
 */
export interface PersonaUsage {
  _id: string;
  account: string;
  name: string;
  version: number;
  used: number;
  agreements: number;
  rounds: number;
  countedAt: Date;
}

const personaUsageSchema = new Schema<PersonaUsage>(
  {
    _id: String,
    account: { type: String, required: true },
    name: { type: String, required: true },
    version: { type: Number, required: true },
    used: Number,
    agreements: Number,
    rounds: Number,
    countedAt: Date,
  },
  { collection: 'persona_usage', versionKey: false },
);
personaUsageSchema.index({ account: 1, name: 1, version: 1 });

export function personaUsageModel(connection: Connection): Model<PersonaUsage> {
  return modelOn(connection, 'PersonaUsage', personaUsageSchema);
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
