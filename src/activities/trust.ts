import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { actorModel, type Role } from '../models/actor';
import { auditModel, type AuditEntry } from '../models/audit';
import { upsertLosingRace } from '../models/races';
import { verifyActorChain, type ActorChain, type ActorRecord, type TrustedActor } from '../security/actor-chain';
import { rootKeysOf } from './root-keys';

export type { TrustedActor };

/** Roles whose keys may sign policies the worker will load. */
export const POLICY_SIGNERS: Role[] = ['admin', 'policy-author'];

// The last chain worked out per connection: the registry reloads every second, the signatures need not be checked again.
const lastChain = new WeakMap<Connection, { memo: string; chain: ActorChain }>();

/**
 * The actors this worker believes: its root keys and the rows that chain to
 * one (verifyActorChain). A row that does not is left out, and its refusal
 * audited once per row content, so a planted or edited row shows in the audit
 * trail the first time a worker meets it.
 */
export async function trustedActors(connection: Connection): Promise<Map<string, TrustedActor>> {
  const rows = (await actorModel(connection).find({}, { _id: 0 }).sort({ keyId: 1 }).lean()) as unknown as ActorRecord[];
  const roots = rootKeysOf(connection);
  const memo = createHash('sha256')
    .update(JSON.stringify([rows, roots]))
    .digest('hex');
  const known = lastChain.get(connection);
  if (known?.memo === memo) return known.chain.trusted;
  const chain = verifyActorChain(rows, roots);
  for (const { keyId, reason } of chain.refused) {
    const row = rows.find((r) => r.keyId === keyId);
    const rowHash = createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 16);
    await appendAudit(connection, `refused-actor/${keyId}/${rowHash}`, {
      actor: 'worker',
      operation: 'actor.load',
      target: `actor:${keyId}`,
      result: 'denied',
      reason: `actor ${keyId} is not believed: ${reason}`,
      type: 'UntrustedActor',
    });
  }
  lastChain.set(connection, { memo, chain });
  return chain.trusted;
}

/** Public keys of the believed actors, by key id: what every stored signature is checked against. */
export async function trustedKeys(connection: Connection): Promise<Map<string, string>> {
  return new Map([...(await trustedActors(connection))].map(([keyId, a]) => [keyId, a.publicKeyPem]));
}

export async function trustedSigners(connection: Connection): Promise<Map<string, string>> {
  const actors = await trustedActors(connection);
  return new Map([...actors].filter(([, a]) => POLICY_SIGNERS.includes(a.role)).map(([keyId, a]) => [keyId, a.publicKeyPem]));
}

/** Appends once per key: a retried activity finds its entry and adds nothing. */
export async function appendAudit(connection: Connection, key: string, entry: Omit<AuditEntry, 'key' | 'at'>): Promise<void> {
  await upsertLosingRace(() =>
    auditModel(connection).updateOne({ key }, { $setOnInsert: { ...entry, key, at: new Date() } }, { upsert: true }),
  );
}
