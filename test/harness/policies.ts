import fs from 'node:fs';
import path from 'node:path';
import type { MosaicClient } from '../../src/client/mosaic-client';
import type { KeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/** Signs the example default-composition policy with an admin key and applies it, as a test's first step. */
export async function applyDefaultPolicy(client: MosaicClient, admin: KeyPair): Promise<void> {
  const source = signYaml(fs.readFileSync(path.join(EXAMPLES, 'policies', 'default-composition.yaml'), 'utf8'), admin.privateKeyPem);
  await client.governance.change({ operation: 'policy.apply', source }, admin.privateKeyPem);
}
