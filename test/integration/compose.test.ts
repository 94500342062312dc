import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { CompositionRequestInput } from '../../src/composition/request';
import { InvalidRequestError } from '../../src/client/workflow-errors';
import { handlerMetricsModel } from '../../src/models/handler';
import { eventually } from '../harness/eventually';
import { inventoryModel } from '../../src/models/inventory';
import { outcomeModel } from '../../src/models/outcome';
import { LocalProvider } from '../../src/providers/local';
import { stringify } from 'yaml';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { MosaicState } from '../../src/contract/search-attributes';
import { recordHistory } from '../harness/histories';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';
import { applyDefaultPolicy } from '../harness/policies';

function request(resourceType: 'bucket' | 'database' | 'service', spec: Record<string, unknown>): CompositionRequestInput {
  return {
    requestId: `${resourceType}-${randomUUID().slice(0, 8)}`,
    user: 'alice',
    account: `acct-${randomUUID().slice(0, 6)}`,
    region: 'us-east-1',
    resourceType,
    spec,
    security: { classification: 'internal', compliance: [], networkExposure: 'private' },
  };
}

describe('composeResource on the local provider against the real stack', () => {
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  let notifyStatus = 204;
  const admin = generateKeyPair();
  const notified: string[] = [];
  const notifyServer = http.createServer((req, res) => {
    notified.push(String(req.headers['idempotency-key']));
    res.statusCode = notifyStatus;
    res.end();
  });

  beforeAll(async () => {
    await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/compose_${randomUUID().slice(0, 8)}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-compose-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      // No full reload while the file runs: a policy or handler change made through Mosaic must be seen by its generation alone.
      MOSAIC_REVERIFY_SECONDS: '3600',
      MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(notifyServer.address() as { port: number }).port}/hook`,
    });
    db = await mongoose.createConnection(uri).asPromise();
    await applyDefaultPolicy(w.client, admin);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    notifyServer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Retires or reactivates a handler version as an operator would, then passes the worker's registry check (1 s). */
  const setStatus = async (ref: string, status: 'retired' | 'active') => {
    await w.client.governance.change(
      status === 'retired' ? { operation: 'handler.retire', ref } : { operation: 'handler.promote', ref, status },
      admin.privateKeyPem,
    );
    w.passCacheTime(1000);
  };

  it('provisions a bucket through every stage and records the outcome once', async () => {
    const input = request('bucket', { name: 'invoices' });
    const handle = await w.client.compose(input);
    const result = await handle.result();

    expect(result.steps.map((s) => [s.stage, s.ref, s.status])).toEqual([
      ['validate', 'validate-request@1', 'succeeded'],
      ['quota', 'quota-check@1', 'succeeded'],
      ['provision', 'provision-bucket@1', 'succeeded'],
      ['secure', 'attach-network-policy@1', 'succeeded'],
      ['register', 'register-inventory@1', 'succeeded'],
      ['notify', 'notify@1', 'succeeded'],
    ]);
    const bucket = result.outputs.bucket!;
    expect(JSON.parse(fs.readFileSync(path.join(bucket, '.mosaic.json'), 'utf8'))).toMatchObject({ name: 'invoices', region: 'us-east-1' });
    expect(await inventoryModel(db).countDocuments({ account: input.account })).toBe(1);
    expect(notified).toContain(`${handle.workflowId}/notify/notify@1`);

    const outcome = await outcomeModel(db).findOne({ workflowId: handle.workflowId }).lean();
    expect(outcome).toMatchObject({ result: 'succeeded', policy: 'default-composition', model: 'metrics-prior' });
    expect(outcome!.steps.find((s) => s.stage === 'provision')).toMatchObject({
      ref: 'provision-bucket@1',
      reason: 'chosen',
      probability: 1,
    });
    await eventually(async () =>
      expect(await handlerMetricsModel(db).findOne({ ref: 'provision-bucket@1' }).lean()).toMatchObject({ calls: 1, successes: 1 }),
    );

    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(MosaicState)).toBe('succeeded');
    await recordHistory(w.client.temporal, handle.workflowId, 'bucket');
  });

  it('returns the first run when the same request is started again', async () => {
    const input = request('bucket', { name: 'twice' });
    const first = await (await w.client.compose(input)).result();
    const again = await w.client.compose(input);
    expect(await again.result()).toEqual(first);
    const buckets = fs.readdirSync(path.join(dataDir, 'resources', 'buckets')).filter((d) => d.startsWith('twice-'));
    expect(buckets).toHaveLength(1);
    expect(await outcomeModel(db).countDocuments({ workflowId: again.workflowId })).toBe(1);
  });

  it('provisions a database with encrypted credentials and a service that answers', async () => {
    const dbInput = request('database', { name: 'orders-db', sizeGb: 5 });
    dbInput.security = { classification: 'pci', compliance: ['pci-dss'], networkExposure: 'private' };
    const svcInput = request('service', { name: 'status-page' });
    const [database, service] = await Promise.all([
      w.client.compose(dbInput).then((h) => h.result()),
      w.client.compose(svcInput).then((h) => h.result()),
    ]);

    expect(database.steps.map((s) => s.ref)).toContain('encrypt-at-rest@1');
    const names = (await db.db!.admin().listDatabases()).databases.map((d) => d.name);
    expect(names).toContain(database.outputs.database);
    expect(fs.existsSync(database.outputs.secretFile!)).toBe(false);
    expect(fs.readFileSync(`${database.outputs.secretFile}.enc`, 'utf8')).not.toContain('password');

    const body = await (await fetch(service.outputs.endpoint!)).json();
    expect(body).toEqual({ service: 'status-page', ok: true });
    // The service outlives its composition by design; the test stops what it started.
    const local = new LocalProvider(dataDir, db);
    for (const ref of service.resources.filter((r) => r.kind === 'service')) await local.stopService(ref);
    await expect(fetch(service.outputs.endpoint!)).rejects.toThrow();
  });

  it('refuses an invalid request naming the field, before any handler runs', async () => {
    const input = request('bucket', { name: 'Not_A_Name' });
    // The client checks with the worker's schema before starting anything...
    await expect(w.client.compose(input)).rejects.toThrow(InvalidRequestError);
    await expect(w.client.compose(input)).rejects.toThrow(/^spec\.name: expected a lower-case name/);
    // ...and the worker checks again for callers that bypass the client.
    const handle = await w.client.temporal.workflow.start('composeResource', {
      taskQueue: w.taskQueue,
      workflowId: `compose-${input.requestId}`,
      args: [input],
    });
    const failure = await failureOf(handle.result());
    expect(failure).toMatchObject({ type: 'InvalidRequest' });
    expect(failure.message).toContain('spec.name');
    // Planning is a local activity (a marker in history); no handler activity was ever scheduled.
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
    expect(history.events!.some((e) => e.markerRecordedEventAttributes)).toBe(true);
  });

  it('names the stage and the rules when no handler is eligible', async () => {
    const input = { ...request('bucket', { name: 'nowhere' }), resourceType: 'service' as const, spec: { name: 'nowhere' } };
    // A service in a region with no policy would be NoMatchingPolicy; here the policy matches but the
    // registry has no provision handler for this type once it is retired.
    await setStatus('provision-service@1', 'retired');
    try {
      const failure = await failureOf(w.client.compose(input).then((h) => h.result()));
      expect(failure.type).toBe('NoEligibleHandler');
      expect(failure.message).toContain('no eligible handler for stage provision');
      expect(failure.message).toContain('provision-service@1 is not registered for a service on the local provider');
    } finally {
      await setStatus('provision-service@1', 'active');
    }
  });

  it('plans with a policy applied through Mosaic from the next policy check on', async () => {
    const input = () => ({ ...request('bucket', { name: `south-${randomUUID().slice(0, 6)}` }), region: 'ap-south-1' });
    expect((await (await w.client.compose(input())).result()).policy).toBe('default-composition');
    const source = stringify({
      apiVersion: 'mosaic/v1',
      kind: 'CompositionPolicy',
      metadata: { name: 'ap-south-buckets', version: 1 },
      spec: {
        match: 'request.resourceType == "bucket" && request.region == "ap-south-1"',
        priority: 10,
        stages: [
          { name: 'validate', candidates: ['validate-request@1'] },
          { name: 'provision', after: ['validate'], candidates: ['provision-bucket@1'] },
        ],
      },
    });
    await w.client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);
    w.passCacheTime(2000); // the worker's policy check (2 s)
    const result = await (await w.client.compose(input())).result();
    expect(result.policy).toBe('ap-south-buckets');
    expect(result.steps.map((s) => s.ref)).toEqual(['validate-request@1', 'provision-bucket@1']);
  });

  it('refuses an account over its quota before provisioning anything', async () => {
    // Same store and fleet (the same root key, so it believes the same signed policies), accounts that may hold one resource.
    const strict = await startTestWorker({
      MOSAIC_MONGODB_URI: w.config.mongodb.uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_QUOTA_PER_ACCOUNT: '1',
    });
    try {
      const first = request('bucket', { name: 'first' });
      await (await strict.client.compose(first)).result();
      const second = { ...request('bucket', { name: 'second' }), account: first.account };
      const handle = await strict.client.compose(second);
      const failure = await failureOf(handle.result());
      expect(failure.message).toContain('quota-check@1 failed in stage quota');
      expect(failure.message).toContain(`account ${first.account} has 1 resources, its quota is 1`);
      expect((await handle.progress()).steps.find((s) => s.stage === 'provision')?.status).toBe('pending');
      expect(fs.readdirSync(path.join(dataDir, 'resources', 'buckets')).some((d) => d.startsWith('second-'))).toBe(false);
    } finally {
      await strict.stop();
    }
  });

  it('undoes what was done, in reverse, when a step fails for good', async () => {
    notifyStatus = 400;
    try {
      const input = request('bucket', { name: 'rollback' });
      const handle = await w.client.compose(input);
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('CompositionFailed');
      expect(failure.message).toContain('notify@1 failed in stage notify');
      expect(failure.message).toContain('refused the notification with 400');

      const progress = await handle.progress();
      expect(progress.state).toBe('failed');
      expect(progress.steps.map((s) => [s.ref, s.status])).toEqual([
        ['validate-request@1', 'succeeded'],
        ['quota-check@1', 'succeeded'],
        ['provision-bucket@1', 'compensated'],
        ['attach-network-policy@1', 'compensated'],
        ['register-inventory@1', 'compensated'],
        ['notify@1', 'failed'],
      ]);
      expect(fs.readdirSync(path.join(dataDir, 'resources', 'buckets')).some((d) => d.startsWith('rollback-'))).toBe(false);
      expect(await inventoryModel(db).countDocuments({ account: input.account })).toBe(0);
      expect(await db.collection('network_policies').countDocuments({ account: input.account })).toBe(0);
      expect(await outcomeModel(db).findOne({ workflowId: handle.workflowId }).lean()).toMatchObject({
        result: 'failed',
        error: { type: 'CompositionFailed', handler: 'notify@1' },
      });
      await recordHistory(w.client.temporal, handle.workflowId, 'compensated');
    } finally {
      notifyStatus = 204;
    }
  });
});
