import fs from 'node:fs';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { pemBlocks } from '../security/root-keys';

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
