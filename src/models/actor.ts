import { Schema, type Connection, type Model } from 'mongoose';
import { ROLES, type Role } from '../security/roles';
import type { SignedRequest } from '../security/signed-request';
import { modelOn } from './model';

export type { Role };

/** Identity is a key: an actor is an Ed25519 public key with a role, believed only through its signed grant. */
export interface Actor {
  keyId: string;
  publicKeyPem: string;
  role: Role;
  name?: string;
  grantedBy: string;
  grantedAt: Date;
  /** The signed role.grant the row is believed by (see verifyActorChain); a root key's row has none. */
  grant?: { request: SignedRequest; payload: unknown };
}

const schema = new Schema<Actor>(
  {
    keyId: { type: String, required: true, unique: true },
    publicKeyPem: { type: String, required: true },
    role: { type: String, required: true, enum: [...ROLES] },
    name: String,
    grantedBy: { type: String, required: true },
    grantedAt: { type: Date, required: true },
    grant: { type: Schema.Types.Mixed },
  },
  { collection: 'actors', versionKey: false },
);

export function actorModel(connection: Connection): Model<Actor> {
  return modelOn(connection, 'Actor', schema);
}
