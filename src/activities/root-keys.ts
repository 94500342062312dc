import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { rootKeySetModel } from '../models/root-key-set';
import { pemBlocks, rootKeySetFingerprint, type RootKeySetCheck } from '../security/root-keys';

export type { RootKeySetCheck };

export type RootKeys = Config['rootKeys'];

/**
 * The trust anchors of a worker's store connection. They are configuration,
 * never rows, so write access to MongoDB cannot add one; kept beside the
 * connection because every reader of actors (change verification, policy,
 * handler and governed-object loads) holds that connection and nothing else.
 * A connection with no anchors trusts no actor at all.
 */
const anchors = new WeakMap<Connection, () => string[]>();

export function anchorTrust(connection: Connection, rootKeys: RootKeys): void {
  anchors.set(connection, rootKeySource(rootKeys));
}

export const rootKeysOf = (connection: Connection): string[] => anchors.get(connection)?.() ?? [];

/** The configured keys and those in the file, which is read again when it changes, so `mosaic admin init` needs no restart. */
function rootKeySource({ pems, file }: RootKeys): () => string[] {
  let seen: { mtimeMs: number; size: number; keys: string[] } | undefined;
  return () => {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      stat = undefined;
    }
    if (!stat) return pems;
    if (!seen || seen.mtimeMs !== stat.mtimeMs || seen.size !== stat.size)
      seen = { mtimeMs: stat.mtimeMs, size: stat.size, keys: pemBlocks(fs.readFileSync(file, 'utf8')) };
    return [...pems, ...seen.keys];
  };
}

/** How long a worker's record of its set counts as live without a refresh; a worker refreshes well within it. */
export const ROOT_KEY_SET_LIVE_MS = 60 * 60_000;
export const ROOT_KEY_SET_REFRESH_MS = 10 * 60_000;

// One record per connection (a worker process may run several workers, as tests do), named once.
const instances = new WeakMap<Connection, string>();
const instanceOf = (connection: Connection) => {
  let name = instances.get(connection);
  if (!name) instances.set(connection, (name = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`));
  return name;
};

/**
 * Records this worker's root-key set (as read now: the file is re-read when it
 * changes) and returns the live workers whose recorded set differs. Records
 * not refreshed within ROOT_KEY_SET_LIVE_MS (a worker that died) are removed.
 */
export async function recordRootKeySet(connection: Connection): Promise<RootKeySetCheck> {
  const { fingerprint, keyIds } = rootKeySetFingerprint(rootKeysOf(connection));
  const sets = rootKeySetModel(connection);
  const now = new Date();
  await sets.updateOne({ worker: instanceOf(connection) }, { $set: { fingerprint, keyIds, seenAt: now } }, { upsert: true });
  await sets.deleteMany({ seenAt: { $lt: new Date(now.getTime() - ROOT_KEY_SET_LIVE_MS) } });
  const others = await sets
    .find({ fingerprint: { $ne: fingerprint } })
    .sort({ seenAt: -1 })
    .lean();
  return {
    fingerprint,
    keyIds,
    others: others.map((o) => ({ worker: o.worker, fingerprint: o.fingerprint, keyIds: o.keyIds, seenAt: o.seenAt.toISOString() })),
  };
}

/** A worker stopping cleanly takes its record with it. */
export async function forgetRootKeySet(connection: Connection): Promise<void> {
  await rootKeySetModel(connection).deleteOne({ worker: instanceOf(connection) });
}
