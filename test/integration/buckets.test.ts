import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import mongoose, { type Connection } from 'mongoose';
import { stringify } from 'yaml';
import type { CompositionRequestInput } from '../../src/composition/request';
import { outcomeModel } from '../../src/models/outcome';
import { KEY_TAG } from '../../src/providers/aws';
import { bucketName } from '../../src/providers/aws/naming';
import { generateKeyPair, type KeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { eventually } from '../harness/eventually';
import { failureOf } from '../harness/failures';
import { MOTO_CREDENTIALS, startMoto, useMotoCredentials, type Moto } from '../harness/moto';
import { startTestWorker, type TestWorker } from '../harness/worker';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'policies');

/** One policy per region, so each test picks its alternative by the request's region. */
const onlyIn = (region: string, handler: string) =>
  stringify({
    apiVersion: 'mosaic/v1',
    kind: 'CompositionPolicy',
    metadata: { name: `buckets-${region}`, version: 1 },
    spec: {
      match: `request.resourceType == "bucket" && request.region == "${region}"`,
      priority: 10,
      stages: [
        { name: 'validate', candidates: ['validate-request@1'] },
        { name: 'provision', after: ['validate'], candidates: [handler] },
        { name: 'notify', after: ['provision'], candidates: ['notify@1'] },
      ],
      objective: { success: 1, latencyMs: -0.0001, costUsd: -0.1 },
    },
  });

const apply = (w: TestWorker, admin: KeyPair, source: string) =>
  w.client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);

describe('bucket alternatives: a directory on disk and an S3 bucket (moto), composed for real', () => {
  let moto: Moto;
  let w: TestWorker;
  let db: Connection;
  let s3: S3Client;
  let dataDir: string;
  let restoreCredentials: () => void = () => {};
  let notifyStatus = 204;
  const admin = generateKeyPair();
  const notifyServer = http.createServer((_req, res) => {
    res.statusCode = notifyStatus;
    res.end();
  });
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/buckets_${randomUUID().slice(0, 8)}`;

  // eu-north-1: the directory bucket; eu-west-1: s3-bucket, for local and aws requests alike.
  const request = (name: string, region: string, provider: 'local' | 'aws' = 'local'): CompositionRequestInput => ({
    requestId: `bkt-${randomUUID().slice(0, 8)}`,
    user: 'alice',
    account: `acct-${randomUUID().slice(0, 6)}`,
    region,
    resourceType: 'bucket',
    spec: { name, sizeGb: 10 },
    provider,
  });

  const bucketDirs = () => {
    const dir = path.join(dataDir, 'resources', 'buckets');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  const s3BucketExists = (bucket: string) =>
    s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => true,
      (err: Error) => (err.name === 'NotFound' ? false : Promise.reject(err)),
    );

  beforeAll(async () => {
    moto = await startMoto();
    // The worker's S3 clients take credentials from the SDK's default chain, as in production.
    restoreCredentials = useMotoCredentials();
    await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-buckets-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_AWS_REGION: 'eu-west-1',
      MOSAIC_AWS_ENDPOINT: moto.endpoint,
      MOSAIC_LOCAL_S3_ENDPOINT: moto.endpoint,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(notifyServer.address() as { port: number }).port}/hook`,
    });
    db = await mongoose.createConnection(uri).asPromise();
    s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    await apply(w, admin, onlyIn('eu-north-1', 'provision-bucket@1'));
    await apply(w, admin, onlyIn('eu-west-1', 's3-bucket@1'));
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    await db?.close();
    await w?.stop();
    await moto?.stop();
    restoreCredentials();
    notifyServer.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const costOf = async (workflowId: string, ref: string) =>
    (await outcomeModel(db).findOne({ workflowId }).lean())?.steps.find((s) => s.ref === ref)?.costUsd;

  it('provision-bucket@1 makes a directory tree on the worker disk, priced as gp3', async () => {
    const handle = await w.client.compose(request('invoices', 'eu-north-1'));
    const result = await handle.result();
    expect(result.steps.map((s) => [s.ref, s.status])).toEqual([
      ['validate-request@1', 'succeeded'],
      ['provision-bucket@1', 'succeeded'],
      ['notify@1', 'succeeded'],
    ]);
    const dir = result.outputs.endpoint!;
    expect(path.dirname(dir)).toBe(path.join(dataDir, 'resources', 'buckets'));
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.mosaic.json'), 'utf8'))).toMatchObject({ name: 'invoices', region: 'eu-north-1' });
    expect(fs.statSync(path.join(dir, 'objects')).isDirectory()).toBe(true);
    // 10 GB × $0.08 (handlers/cost.ts).
    expect(await costOf(handle.workflowId, 'provision-bucket@1')).toBe(0.8);
  }, 60_000);

  it.each(['local', 'aws'] as const)(
    's3-bucket@1 makes an encrypted, private S3 bucket tagged with its step key, for a request on the %s provider',
    async (provider) => {
      const handle = await w.client.compose(request('reports', 'eu-west-1', provider));
      const result = await handle.result();
      expect(result.steps.map((s) => [s.ref, s.status])).toEqual([
        ['validate-request@1', 'succeeded'],
        ['s3-bucket@1', 'succeeded'],
        ['notify@1', 'succeeded'],
      ]);
      const bucket = result.outputs.bucket!;
      expect(result.outputs.endpoint).toBe(`s3://${bucket}`);
      const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
      const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      expect(block.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      const tags = Object.fromEntries(
        ((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? []).map((t) => [t.Key, t.Value]),
      );
      expect(tags).toMatchObject({ Name: 'reports', [KEY_TAG]: `${handle.workflowId}/provision/s3-bucket@1`, workflow: handle.workflowId });
      // 10 GB × $0.023 + 4 PUT-class requests × $0.000005 (handlers/cost.ts).
      expect(await costOf(handle.workflowId, 's3-bucket@1')).toBe(0.23002);
    },
    60_000,
  );

  it.each([
    ['provision-bucket@1', 'eu-north-1'],
    ['s3-bucket@1', 'eu-west-1'],
  ])(
    '%s: the bucket is removed when a later step fails for good',
    async (ref, region) => {
      notifyStatus = 400;
      try {
        const handle = await w.client.compose(request('refunds', region));
        const failure = await failureOf(handle.result());
        expect(failure.message).toContain('notify@1 failed in stage notify');
        const steps = (await handle.progress()).steps;
        expect(steps.map((s) => [s.ref, s.status])).toEqual([
          ['validate-request@1', 'succeeded'],
          [ref, 'compensated'],
          ['notify@1', 'failed'],
        ]);
        // Found by the names the step's key gives: the bucket's in S3, the directory's suffix on disk.
        const key = `${handle.workflowId}/provision/${ref}`;
        if (ref === 's3-bucket@1') expect(await s3BucketExists(bucketName(key))).toBe(false);
        else expect(bucketDirs().filter((d) => d.startsWith('refunds-'))).toEqual([]);
      } finally {
        notifyStatus = 204;
      }
    },
    60_000,
  );

  it.each([
    ['a traversing name', '../x', 'eu-north-1'],
    ['a 300-character name', 'a'.repeat(300), 'eu-north-1'],
    ['an upper-case name', 'Orders', 'eu-west-1'],
  ])(
    'refuses %s as InvalidRequest naming spec.name, making nothing',
    async (_what, name, region) => {
      const before = bucketDirs();
      const input = request(name, region);
      await expect(w.client.compose(input)).rejects.toMatchObject({ type: 'InvalidRequest', field: 'spec.name' });
      // Past the client's own validation, as a hand-made Temporal client would send it.
      const sent = w.client.temporal.workflow.execute('composeResource', {
        taskQueue: w.taskQueue,
        workflowId: `compose-${input.requestId}`,
        args: [input],
        workflowExecutionTimeout: '30 seconds',
      });
      const failure = await failureOf(sent);
      expect(failure).toMatchObject({ type: 'InvalidRequest', message: expect.stringMatching(/^spec\.name: expected a lower-case name/) });
      expect(bucketDirs()).toEqual(before);
    },
    60_000,
  );

  it('lets the model choose between both for a local request where S3 is configured (last: its policy outranks the others)', async () => {
    await apply(w, admin, fs.readFileSync(path.join(EXAMPLES, 'buckets.yaml'), 'utf8'));
    // The worker sees a newly applied policy within a second or two (its policy cache).
    const handle = await eventually(async () => {
      const h = await w.client.compose(request('choice', 'eu-north-1'));
      expect((await h.result()).policy).toBe('buckets');
      return h;
    });
    expect((await handle.progress()).plan?.explanation).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^provision: .* chose (provision|s3)-bucket@1 .* among provision-bucket@1, s3-bucket@1$/),
      ]),
    );
  }, 60_000);

  it('never gives a local request s3-bucket@1 on a worker without an S3 endpoint for local requests', async () => {
    // Another installation: the example policy allowing both, and no MOSAIC_LOCAL_S3_ENDPOINT (aws is there).
    const other = generateKeyPair();
    const plain = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/buckets_plain_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_AWS_REGION: 'eu-west-1',
      MOSAIC_AWS_ENDPOINT: moto.endpoint,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: other.publicKeyPem,
    });
    try {
      await apply(plain, other, fs.readFileSync(path.join(EXAMPLES, 'buckets.yaml'), 'utf8'));
      for (let i = 0; i < 6; i++) {
        // Large buckets: the policy prefers S3 for them, and still it is not a candidate here.
        const result = await (
          await plain.client.compose({ ...request(`big-${i}`, 'eu-west-1'), spec: { name: `big-${i}`, sizeGb: 500 } })
        ).result();
        expect(result.steps.find((s) => s.stage === 'provision')?.ref).toBe('provision-bucket@1');
      }
      // An aws request on the same worker has S3 as its only bucket.
      const onAws = await (await plain.client.compose(request('cloud', 'eu-west-1', 'aws'))).result();
      expect(onAws.steps.find((s) => s.stage === 'provision')?.ref).toBe('s3-bucket@1');
    } finally {
      await plain.stop();
    }
  }, 120_000);
});
