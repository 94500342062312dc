import { Schema, type Connection, type Model } from 'mongoose';
import type { GovernedKind, Registration } from '../security/governed';
import { modelOn } from './model';

/**
 * A registered service command or template file, immutable per version.
 * `registration` is the signed request and payload that registered it: the
 * worker checks it again each time it loads the object.
 */
export interface StoredGoverned {
  /** `kind:name@version`, the one key. */
  key: string;
  kind: GovernedKind;
  name: string;
  version: number;
  spec: Record<string, unknown>;
  registeredBy: string;
  registeredAt: Date;
  registration: Registration;
}

const schema = new Schema<StoredGoverned>(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true, enum: ['command', 'file'] },
    name: { type: String, required: true },
    version: { type: Number, required: true },
    spec: { type: Schema.Types.Mixed, required: true },
    registeredBy: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    registration: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'governed_objects', versionKey: false, minimize: false },
);

export const governedKey = (kind: GovernedKind, ref: string) => `${kind}:${ref}`;

export function governedModel(connection: Connection): Model<StoredGoverned> {
  return modelOn(connection, 'StoredGoverned', schema);
}
