import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import mongoose, { type Connection } from 'mongoose';
import type { CompositionRequestInput } from '../../src/composition/request';
import { inventoryModel } from '../../src/models/inventory';
import { generateKeyPair } from '../../src/security/keys';
import { registerCommand } from '../harness/governed';
import { KMS_THROTTLED, S3_ACCESS_DENIED, S3_SLOW_DOWN, startFaultProxy, type FaultProxy } from '../harness/chaos';
import { applyDefaultPolicy } from '../harness/policies';
import { failureOf } from '../harness/failures';
import { MOTO_CREDENTIALS, startMoto, useMotoCredentials, type Moto } from '../harness/moto';
import { startTestWorker, type TestWorker } from '../harness/worker';

const short = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

const request = (
  resourceType: CompositionRequestInput['resourceType'],
  spec: Record<string, unknown>,
  extra: Partial<CompositionRequestInput> = {},
): CompositionRequestInput => ({
  requestId: `fault-${randomUUID().slice(0, 8)}`,
  user: 'chaos',
  account: `acct-${randomUUID().slice(0, 6)}`,
  region: 'eu-west-1',
  resourceType,
  spec,
  ...extra,
});

// Faults of the providers themselves: each retries within the handler's
// bounded policy, then the pipeline undoes what it made, and the error the
// user reads names the cause.
describe('provider faults', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let w: TestWorker;
  const admin = generateKeyPair();
  let db: Connection;
  let dataDir: string;
  let faults = { s3CreateBucket: 0, kmsCreateKey: 0, s3TagBucket: 0 };
  let restoreCredentials: () => void = () => {};

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint, (req) => {
      const isCreateBucket = req.method === 'PUT' && /^\/[^/?]+\/?$/.test(req.url!);
      if (isCreateBucket && faults.s3CreateBucket > 0) return (faults.s3CreateBucket--, S3_SLOW_DOWN);
      if (req.method === 'PUT' && /\?tagging/.test(req.url!) && faults.s3TagBucket > 0) return (faults.s3TagBucket--, S3_ACCESS_DENIED);
      if (req.headers['x-amz-target'] === 'TrentService.CreateKey' && faults.kmsCreateKey > 0)
        return (faults.kmsCreateKey--, KMS_THROTTLED);
      return undefined;
    });
    restoreCredentials = useMotoCredentials();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-faults-'));
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/faults_${randomUUID().slice(0, 8)}`;
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_AWS_REGION: 'eu-west-1',
      MOSAIC_AWS_ENDPOINT: proxy.endpoint,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    db = await mongoose.createConnection(uri).asPromise();
    await applyDefaultPolicy(w.client, admin);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    await proxy?.close();
    await moto?.stop();
    restoreCredentials();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const s3Buckets = async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    try {
      return ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    } finally {
      s3.destroy();
    }
  };

  it('rides out S3 shedding load (503 SlowDown) and makes the bucket once', async () => {
    faults = { s3CreateBucket: 4, kmsCreateKey: 0, s3TagBucket: 0 };
    const before = await s3Buckets();
    const result = await (await w.client.compose(request('bucket', { name: 'throttled' }, { provider: 'aws' }))).result();
    expect(faults.s3CreateBucket).toBe(0);
    expect(await s3Buckets()).toEqual([...before, result.outputs.bucket]);
  }, 90_000);

  it('undoes the bucket when KMS stays throttled, and says so', async () => {
    faults = { s3CreateBucket: 0, kmsCreateKey: 1_000, s3TagBucket: 0 };
    const before = await s3Buckets();
    const input = request(
      'bucket',
      { name: 'no-key' },
      { provider: 'aws', security: { classification: 'pci', compliance: [], networkExposure: 'private' } },
    );
    const handle = await w.client.compose(input);
    const failure = await failureOf(handle.result());
    faults.kmsCreateKey = 0;
    expect(failure.type).toBe('CompositionFailed');
    expect(failure.message).toMatch(
      /encrypt-at-rest@1 failed in stage secure: aws CreateKey .* is unavailable \(ThrottlingException, HTTP 400\)/,
    );
    const progress = await handle.progress();
    expect(progress.steps.find((s) => s.ref === 's3-bucket@1')?.status).toBe('compensated');
    expect(await s3Buckets()).toEqual(before);
    expect(await inventoryModel(db).countDocuments({ account: input.account })).toBe(0);
    expect(await db.collection('network_policies').countDocuments({ account: input.account })).toBe(0);
  }, 120_000);

  it('undoes the database when the disk is full, and names ENOSPC', async () => {
    const input = request('database', { name: 'full', engine: 'mongodb', sizeGb: 1 });
    // The encrypted credentials file lands on /dev/full: every write to it fails with ENOSPC.
    const secrets = path.join(dataDir, 'resources', 'secrets');
    fs.mkdirSync(secrets, { recursive: true });
    const provisionKey = `compose-${input.requestId}/provision/provision-database@1`;
    fs.symlinkSync('/dev/full', path.join(secrets, `${short(provisionKey)}.json.enc`));

    const handle = await w.client.compose(input);
    const failure = await failureOf(handle.result());
    expect(failure.message).toMatch(/encrypt-at-rest@1 failed in stage secure: ENOSPC: no space left on device/);
    const progress = await handle.progress();
    expect(progress.steps.find((s) => s.ref === 'provision-database@1')?.status).toBe('compensated');
    const databases = (await db.db!.admin().listDatabases()).databases.map((d) => d.name);
    expect(databases.filter((d) => d.startsWith(`full_${short(provisionKey)}`))).toEqual([]);
    expect(fs.existsSync(path.join(secrets, `${short(provisionKey)}.json`))).toBe(false);
    expect(await inventoryModel(db).countDocuments({ account: input.account })).toBe(0);
  }, 120_000);

  it('removes a bucket whose metadata write failed, found by the step key though no attempt reported it', async () => {
    const input = request('bucket', { name: 'half-made' });
    // The bucket's directory is named by its key; its metadata, written after the objects directory, lands
    // on /dev/full: every attempt makes the bucket, then fails with ENOSPC before it can report it.
    const provisionKey = `compose-${input.requestId}/provision/provision-bucket@1`;
    const bucketsDir = path.join(dataDir, 'resources', 'buckets');
    const bucket = path.join(bucketsDir, `half-made-${short(provisionKey)}`);
    fs.mkdirSync(bucket, { recursive: true });
    fs.symlinkSync('/dev/full', path.join(bucket, '.mosaic.json.tmp'));

    const handle = await w.client.compose(input);
    const failure = await failureOf(handle.result());
    expect(failure.message).toMatch(/provision-bucket@1 failed in stage provision: ENOSPC: no space left on device/);
    const history = await handle.fetchHistory();
    const attempts = Math.max(...history.events!.map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0));
    expect(attempts).toBeGreaterThan(1);
    // Every attempt made the objects directory; the failed step's undo, run with no reported resources, found it by key.
    expect(fs.readdirSync(bucketsDir).filter((d) => d.endsWith(`-${short(provisionKey)}`))).toEqual([]);
    expect(await inventoryModel(db).countDocuments({ account: input.account })).toBe(0);
    expect(await db.collection('network_policies').countDocuments({ account: input.account })).toBe(0);
  }, 120_000);

  it('removes an S3 bucket whose tagging was refused, found by the name its key gives', async () => {
    faults = { s3CreateBucket: 0, kmsCreateKey: 0, s3TagBucket: 1_000 };
    const before = await s3Buckets();
    const handle = await w.client.compose(request('bucket', { name: 'untagged' }, { provider: 'aws' }));
    const failure = await failureOf(handle.result());
    faults.s3TagBucket = 0;
    // CreateBucket succeeded, PutBucketTagging was refused: the step failed without reporting the bucket.
    expect(failure.message).toMatch(/s3-bucket@1 failed in stage provision: .*PutBucketTagging.*AccessDenied/s);
    expect(await s3Buckets()).toEqual(before);
  }, 120_000);

  it('gives up on a service whose port is taken, and names EADDRINUSE', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const command = [process.execPath, '-e', `require('node:http').createServer().listen(${port}, '127.0.0.1')`];
      const handle = await w.client.compose(
        request('service', { name: 'clash', command: await registerCommand(w.client, admin, command) }),
      );
      const failure = await failureOf(handle.result());
      expect(failure.message).toMatch(/provision-service@1 failed in stage provision: .*EADDRINUSE/s);
      const history = await handle.fetchHistory();
      const attempts = Math.max(...history.events!.map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0));
      // The handler's registered retry policy: five attempts, then the pipeline gives up.
      expect(attempts).toBe(5);
    } finally {
      holder.close();
    }
  }, 120_000);
});
