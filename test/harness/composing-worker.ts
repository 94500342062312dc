import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CompositionRequestInput } from '../../src/composition/request';
import { generateKeyPair, type KeyPair } from '../../src/security/keys';
import { startTestWorker, type TestWorker } from './worker';
import { applyDefaultPolicy } from './policies';

/** A test worker on a database of its own, with the example default policy applied by its admin key: ready to compose. */
export async function startComposingWorker(env: NodeJS.ProcessEnv = {}): Promise<TestWorker & { dataDir: string; admin: KeyPair }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-composing-'));
  const admin = generateKeyPair();
  const w = await startTestWorker({
    MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/composing_${randomUUID().slice(0, 8)}`,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    ...env,
  });
  await applyDefaultPolicy(w.client, admin);
  return {
    ...w,
    dataDir,
    admin,
    async stop() {
      await w.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bucket request with a fresh id, account and name. */
export function bucketRequest(overrides: Partial<CompositionRequestInput> = {}): CompositionRequestInput {
  const id = randomUUID().slice(0, 8);
  return {
    requestId: `bucket-${id}`,
    user: 'alice',
    account: `acct-${id}`,
    region: 'eu-west-1',
    resourceType: 'bucket',
    spec: { name: `reports-${id}` },
    security: { classification: 'internal', compliance: [], networkExposure: 'private' },
    ...overrides,
  };
}
