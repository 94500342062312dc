import type { Connection } from 'mongoose';
import { actorModel, type Role } from '../models/actor';
import { auditModel, type AuditEntry } from '../models/audit';
import { upsertLosingRace } from '../models/races';

/** Roles whose keys may sign policies the worker will load. */
export const POLICY_SIGNERS: Role[] = ['admin', 'policy-author'];

export async function trustedSigners(connection: Connection): Promise<Map<string, string>> {
  const rows = await actorModel(connection)
    .find({ role: { $in: POLICY_SIGNERS } })
    .lean();
  return new Map(rows.map((a) => [a.keyId, a.publicKeyPem]));
}

/** Appends once per key: a retried activity finds its entry and adds nothing. */
export async function appendAudit(connection: Connection, key: string, entry: Omit<AuditEntry, 'key' | 'at'>): Promise<void> {
  await upsertLosingRace(() =>
    auditModel(connection).updateOne({ key }, { $setOnInsert: { ...entry, key, at: new Date() } }, { upsert: true }),
  );
}
