import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';

/** A document the health check writes and reads back; the key makes retries overwrite, not add. */
export interface HealthProbe {
  key: string;
  token: string;
  writtenAt: Date;
}

const schema = new Schema<HealthProbe>(
  {
    key: { type: String, required: true, unique: true },
    token: { type: String, required: true },
    writtenAt: { type: Date, required: true },
  },
  { collection: 'health_probes', versionKey: false },
);

export function healthProbeModel(connection: Connection): Model<HealthProbe> {
  return modelOn(connection, 'HealthProbe', schema);
}
