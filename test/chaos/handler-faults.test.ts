import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import mongoose from 'mongoose';
import { stringify } from 'yaml';
import { BUILTIN_IMPLEMENTATIONS } from '../../src/activities/builtin-handlers';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

// Built-in test doubles. One never finishes on its own: it waits until the
// activity is cancelled, as a handler stuck on a call that never answers
// would. The other fails for good after part of its work (a row written, as
// register-inventory's write before a timeout), with an undo by its key.
const HANG = 'hang-forever';
const HALF = 'fail-halfway';
const halfWritten: string[] = [];

describe('handlers that hang or fail halfway', () => {
  let w: TestWorker;
  let dataDir: string;

  beforeAll(async () => {
    BUILTIN_IMPLEMENTATIONS[HANG] = {
      run: () =>
        new Promise((_resolve, reject) => {
          Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('cancelled while hanging')));
        }),
    };
    BUILTIN_IMPLEMENTATIONS[HALF] = {
      async run(ctx) {
        await ctx.connection.collection('half_done').insertOne({ _id: ctx.key as never, at: new Date() });
        halfWritten.push(ctx.key);
        throw ApplicationFailure.nonRetryable('gave up after writing its row', 'HalfDone');
      },
      async undo(ctx) {
        await ctx.connection.collection('half_done').deleteOne({ _id: ctx.key as never });
      },
    };
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-hang-'));
    const admin = generateKeyPair();
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/hang_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    const descriptor = {
      id: HANG,
      version: '1',
      resourceTypes: ['bucket'],
      requires: ['endpoint'],
      provides: ['stalled'],
      // Longer than the workflow's 10 s heartbeat timeout, so heartbeats are asked for.
      timeoutMs: 12_000,
      retry: { maximumAttempts: 2, initialIntervalMs: 100, backoffCoefficient: 1, maximumIntervalMs: 100 },
      code: { kind: 'builtin' },
    };
    await w.client.governance.change({ operation: 'handler.register', descriptor }, admin.privateKeyPem);
    const halfway = { ...descriptor, id: HALF, provides: ['half-done'], timeoutMs: 5_000, undo: true };
    await w.client.governance.change({ operation: 'handler.register', descriptor: halfway }, admin.privateKeyPem);
    const policy = stringify({
      apiVersion: 'mosaic/v1',
      kind: 'CompositionPolicy',
      metadata: { name: 'stall-after-provision', version: 1 },
      spec: {
        match: 'request.resourceType == "bucket"',
        stages: [
          { name: 'validate', candidates: ['validate-request@1'] },
          { name: 'provision', after: ['validate'], candidates: ['provision-bucket@1'] },
          { name: 'stall', after: ['provision'], candidates: [`${HANG}@1`] },
        ],
      },
    });
    await w.client.governance.change({ operation: 'policy.apply', source: signYaml(policy, admin.privateKeyPem) }, admin.privateKeyPem);
    const halfPolicy = stringify({
      apiVersion: 'mosaic/v1',
      kind: 'CompositionPolicy',
      metadata: { name: 'fail-halfway-after-provision', version: 1 },
      spec: {
        match: 'request.resourceType == "bucket" && request.spec.name == "halfway"',
        priority: 10,
        stages: [
          { name: 'validate', candidates: ['validate-request@1'] },
          { name: 'provision', after: ['validate'], candidates: ['provision-bucket@1'] },
          { name: 'half', after: ['provision'], candidates: [`${HALF}@1`] },
        ],
      },
    });
    await w.client.governance.change({ operation: 'policy.apply', source: signYaml(halfPolicy, admin.privateKeyPem) }, admin.privateKeyPem);
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    delete BUILTIN_IMPLEMENTATIONS[HANG];
    delete BUILTIN_IMPLEMENTATIONS[HALF];
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('heartbeats while stuck, times out within its retry budget, and the pipeline undoes the bucket', async () => {
    const handle = await w.client.compose({
      requestId: `hang-${randomUUID().slice(0, 8)}`,
      user: 'u',
      account: 'a',
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'stuck' },
    });

    // Liveness: the server sees heartbeats from the stuck attempt.
    let heartbeat: unknown;
    while (!heartbeat) {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      heartbeat = pending.find((a) => a.activityType?.name === 'runHandler' && a.lastHeartbeatTime)?.lastHeartbeatTime;
      await new Promise((r) => setTimeout(r, 500));
    }

    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('CompositionFailed');
    expect(failure.message).toContain(`${HANG}@1 failed in stage stall`);
    const history = await handle.fetchHistory();
    const timedOut = history.events!.map((e) => e.activityTaskTimedOutEventAttributes).filter(Boolean);
    expect(timedOut).toHaveLength(1);
    expect(timedOut[0]!.retryState).toBeDefined();
    const attempts = Math.max(...history.events!.map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0));
    expect(attempts).toBe(2);

    const progress = await handle.progress();
    expect(progress.steps.find((s) => s.ref === 'provision-bucket@1')?.status).toBe('compensated');
    expect(fs.readdirSync(path.join(dataDir, 'resources', 'buckets'))).toEqual([]);
  }, 90_000);

  it('undoes what a failed step did before it failed, then the steps before it', async () => {
    const handle = await w.client.compose({
      requestId: `half-${randomUUID().slice(0, 8)}`,
      user: 'u',
      account: 'a',
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'halfway' },
    });
    const failure = await failureOf(handle.result());
    expect(failure.message).toContain(`${HALF}@1 failed in stage half: gave up after writing its row`);
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'undoHandler')).toHaveLength(2);
    const key = `${handle.workflowId}/half/${HALF}@1`;
    expect(halfWritten).toContain(key);
    const db = mongoose.createConnection(w.config.mongodb.uri);
    try {
      expect(await db.collection('half_done').countDocuments({ _id: key as never })).toBe(0);
    } finally {
      await db.close();
    }
    const progress = await handle.progress();
    expect(progress.steps.map((s) => [s.ref, s.status])).toEqual([
      ['validate-request@1', 'succeeded'],
      ['provision-bucket@1', 'compensated'],
      [`${HALF}@1`, 'failed'],
    ]);
    expect(fs.readdirSync(path.join(dataDir, 'resources', 'buckets'))).toEqual([]);
  }, 60_000);
});
