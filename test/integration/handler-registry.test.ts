import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { stringify } from 'yaml';
import { handlerModel } from '../../src/models/handler';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

const typeOf = async (promise: Promise<unknown>) => (await failureOf(promise)).type;

describe('handler registry changes: signed, role-checked, and seen by composition', () => {
  let w: TestWorker;
  let dataDir: string;
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/registry_${randomUUID().slice(0, 8)}`;
  const admin = generateKeyPair();
  const operator = generateKeyPair();
  const author = generateKeyPair();

  // Past the worker's full reload (MOSAIC_REVERIFY_SECONDS, 30 s), which also passes its registry check (1 s): the tampering
  // tests change rows behind Mosaic's back, which moves no generation, so only the full reload refuses them.
  // Governed changes seen through the generation alone: compose.test.ts, generation-cache.test.ts.
  const waitForCaches = () => w.passCacheTime(w.config.composition.reverifySeconds * 1000);

  const compose = async () => {
    const handle = await w.client.compose({
      requestId: `ab-${randomUUID().slice(0, 8)}`,
      user: 'u',
      account: `a-${randomUUID().slice(0, 6)}`,
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'ab' },
    });
    const result = await handle.result();
    const plan = (await handle.progress()).plan!;
    return { ...result, planned: plan.levels.flat() };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-registry-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    const g = w.client.governance;
    await g.change({ operation: 'role.grant', publicKeyPem: operator.publicKeyPem, role: 'operator' }, admin.privateKeyPem);
    await g.change({ operation: 'role.grant', publicKeyPem: author.publicKeyPem, role: 'policy-author' }, admin.privateKeyPem);
    const policy = stringify({
      apiVersion: 'mosaic/v1',
      kind: 'CompositionPolicy',
      metadata: { name: 'buckets-any-version', version: 1 },
      spec: {
        match: 'request.resourceType == "bucket"',
        stages: [
          { name: 'validate', candidates: ['validate-request@1'] },
          { name: 'provision', after: ['validate'], candidates: ['provision-bucket@*'] },
        ],
      },
    });
    await g.change({ operation: 'policy.apply', source: signYaml(policy, author.privateKeyPem) }, author.privateKeyPem);
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const v2 = {
    id: 'provision-bucket',
    version: '2',
    description: 'bucket v2',
    resourceTypes: ['bucket'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
    code: { kind: 'builtin' },
    status: 'canary',
    canaryShare: 1,
  };

  it('lets an operator register a version and refuses a policy author', async () => {
    expect(await typeOf(w.client.governance.change({ operation: 'handler.register', descriptor: v2 }, author.privateKeyPem))).toBe(
      'PermissionDenied',
    );
    const result = await w.client.governance.change({ operation: 'handler.register', descriptor: v2 }, operator.privateKeyPem);
    expect(result.detail).toBe('provision-bucket@2 registered (canary)');
    expect(
      await typeOf(
        w.client.governance.change(
          { operation: 'handler.register', descriptor: { ...v2, description: 'changed' } },
          operator.privateKeyPem,
        ),
      ),
    ).toBe('HandlerVersionExists');
    expect(
      await typeOf(
        w.client.governance.change(
          { operation: 'handler.register', descriptor: { ...v2, version: '3', timeoutMs: -1 } },
          operator.privateKeyPem,
        ),
      ),
    ).toBe('InvalidHandler');
  });

  it('routes the canary its share and logs the probability it had', async () => {
    waitForCaches();
    const result = await compose();
    expect(result.steps.find((s) => s.stage === 'provision')?.ref).toBe('provision-bucket@2');
    // One stable version picked with certainty, and the canary's share is all of it: 1 × 1.
    expect(result.planned.find((s) => s.stage === 'provision')).toMatchObject({
      ref: 'provision-bucket@2',
      reason: 'canary',
      probability: 1,
    });
  });

  it('rolls back to version 1, retiring the canary', async () => {
    const result = await w.client.governance.change(
      { operation: 'handler.rollback', id: 'provision-bucket', version: '1' },
      operator.privateKeyPem,
    );
    expect(result.detail).toBe('provision-bucket@1 active; other versions of provision-bucket retired');
    waitForCaches();
    expect((await compose()).steps.find((s) => s.stage === 'provision')?.ref).toBe('provision-bucket@1');
    const listed = await w.client.governance.inspect({ kind: 'handlers', resourceType: 'bucket' });
    expect(listed.find((h) => h.ref === 'provision-bucket@2')?.status).toBe('retired');
  });

  it('refuses changes to a version that does not exist', async () => {
    expect(await typeOf(w.client.governance.change({ operation: 'handler.retire', ref: 'nope@1' }, operator.privateKeyPem))).toBe(
      'HandlerNotFound',
    );
  });

  it('refuses and audits handler versions changed directly in the database', async () => {
    const v3 = { ...v2, version: '3', status: 'active', canaryShare: undefined };
    await w.client.governance.change({ operation: 'handler.register', descriptor: v3 }, operator.privateKeyPem);
    const db = await mongoose.createConnection(uri).asPromise();
    try {
      // A built-in version swapped for user code, and a signed registration given more capabilities.
      const script = { kind: 'script', source: 'function handle() { return { endpoint: "owned" }; }' };
      await handlerModel(db).updateOne({ ref: 'provision-bucket@1' }, { $set: { code: script } });
      await handlerModel(db).updateOne({ ref: 'provision-bucket@3' }, { $set: { code: script, hostCapabilities: ['provider.createKey'] } });
    } finally {
      await db.close();
    }
    waitForCaches();
    const failure = await failureOf(compose());
    expect(failure.type).toBe('NoEligibleHandler');
    const refused = await w.client.governance.inspect({ kind: 'audit', operation: 'handler.load' }, { key: admin.privateKeyPem });
    expect(new Set(refused.map((a) => `${a.target} ${a.result}`))).toEqual(
      new Set(['handler:provision-bucket@1 denied', 'handler:provision-bucket@3 denied']),
    );
  });

  it('refuses and audits a status or canary share changed directly in the database', async () => {
    const v4 = { ...v2, version: '4', status: 'canary', canaryShare: 0.1 };
    await w.client.governance.change({ operation: 'handler.register', descriptor: v4 }, operator.privateKeyPem);
    const db = await mongoose.createConnection(uri).asPromise();
    try {
      // A retired version (by the signed rollback) made active again, and a canary given all the traffic.
      await handlerModel(db).updateOne({ ref: 'provision-bucket@2' }, { $set: { status: 'active' } });
      await handlerModel(db).updateOne({ ref: 'provision-bucket@4' }, { $set: { canaryShare: 1 } });
    } finally {
      await db.close();
    }
    waitForCaches();
    expect((await failureOf(compose())).type).toBe('NoEligibleHandler');
    const refused = await w.client.governance.inspect({ kind: 'audit', operation: 'handler.load' }, { key: admin.privateKeyPem });
    const reasons = Object.fromEntries(refused.map((a) => [a.target, a.reason]));
    expect(reasons['handler:provision-bucket@2']).toMatch(/is active, which no signed change made it/);
    expect(reasons['handler:provision-bucket@4']).toMatch(/is canary \(1\), which no signed change made it/);
  });
});
