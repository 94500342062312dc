import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { stringify } from 'yaml';
import { BUILTIN_IMPLEMENTATIONS } from '../../src/activities/builtin-handlers';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

// A built-in test double that never finishes on its own: it waits until the
// activity is cancelled, as a handler stuck on a call that never answers would.
const HANG = 'hang-forever';

describe('a handler that hangs', () => {
  let w: TestWorker;
  let dataDir: string;

  beforeAll(async () => {
    BUILTIN_IMPLEMENTATIONS[HANG] = {
      run: () =>
        new Promise((_resolve, reject) => {
          Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('cancelled while hanging')));
        }),
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
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    delete BUILTIN_IMPLEMENTATIONS[HANG];
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('heartbeats while stuck, times out within its retry budget, and the pipeline undoes the bucket', async () => {
    const handle = await w.client.compose({ requestId: `hang-${randomUUID().slice(0, 8)}`, user: 'u', account: 'a', region: 'us-east-1', resourceType: 'bucket', spec: { name: 'stuck' } });

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
});
