import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/**
 * The root-key set each running worker holds, by fingerprint: written at start
 * and refreshed while it runs, so a worker (and `mosaic doctor`) can tell when
 * the fleet does not agree on whom to trust. A record, never a source of
 * trust: the keys themselves come from each worker's configuration.
 */
export interface RootKeySetRecord {
  /** host:pid:instance of the worker that holds the set. */
  worker: string;
  fingerprint: string;
  keyIds: string[];
  seenAt: Date;
}

const schema = new Schema<RootKeySetRecord>(
  {
    worker: { type: String, required: true, unique: true },
    fingerprint: { type: String, required: true },
    keyIds: { type: [String], required: true },
    seenAt: { type: Date, required: true, index: true },
  },
  { collection: 'root_key_sets', versionKey: false },
);

export function rootKeySetModel(connection: Connection): Model<RootKeySetRecord> {
  return modelOn(connection, 'RootKeySetRecord', schema);
}
