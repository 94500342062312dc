import { createHash } from 'node:crypto';
import type { MosaicClient } from '../../src/client/mosaic-client';
import type { KeyPair } from '../../src/security/keys';

/**
 * Registers a service command line as a governed command, signed with `key`
 * (an admin or operator), and returns the `name@version` a compose request or
 * template names it by. The name comes from the command line itself, so the
 * same line registers once however many tests ask (a registration of the
 * same content is accepted as already there).
 */
export async function registerCommand(client: MosaicClient, key: KeyPair, argv: string[]): Promise<string> {
  const name = `cmd-${createHash('sha256').update(JSON.stringify(argv)).digest('hex').slice(0, 16)}`;
  await client.governance.change({ operation: 'command.register', command: { name, version: 1, argv } }, key.privateKeyPem);
  return `${name}@1`;
}

/** Registers a live host (as `mosaic snapshot host register` does), signed with `key`. */
export async function registerHost(client: MosaicClient, key: KeyPair, host: unknown, replace = false) {
  return client.governance.change({ operation: 'host.register', host, replace }, key.privateKeyPem);
}
