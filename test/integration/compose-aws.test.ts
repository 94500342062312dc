import { randomUUID } from 'node:crypto';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { generateKeyPair } from '../../src/security/keys';
import { MOTO_CREDENTIALS, startMoto, useMotoCredentials, type Moto } from '../harness/moto';
import { startTestWorker, type TestWorker } from '../harness/worker';
import { applyDefaultPolicy } from '../harness/policies';

// The same workflow and handlers as on the local provider, with the bucket in
// S3: only the request's `provider` differs.
describe('composeResource on the aws provider (moto)', () => {
  let moto: Moto;
  let w: TestWorker;
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/aws_${randomUUID().slice(0, 8)}`;
  let restoreCredentials: () => void = () => {};
  const admin = generateKeyPair();

  beforeAll(async () => {
    moto = await startMoto();
    // The worker's provider takes credentials from the SDK's default chain, as in production.
    restoreCredentials = useMotoCredentials();
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_AWS_REGION: 'eu-west-1',
      MOSAIC_AWS_ENDPOINT: moto.endpoint,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    await applyDefaultPolicy(w.client, admin);
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    await moto?.stop();
    restoreCredentials();
  });

  it('creates the bucket in S3 once, even when the request is started twice', async () => {
    const request = {
      requestId: `s3-${randomUUID().slice(0, 8)}`,
      user: 'alice',
      account: 'acme',
      region: 'eu-west-1',
      resourceType: 'bucket' as const,
      spec: { name: 'invoices' },
      provider: 'aws' as const,
    };
    const result = await (await w.client.compose(request)).result();
    await (await w.client.compose(request)).result();
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
    expect(buckets.map((b) => b.Name)).toEqual([result.outputs.bucket]);
    expect(result.resources).toEqual([expect.objectContaining({ provider: 'aws', kind: 'bucket' })]);
    s3.destroy();
  });

  it('says which variable enables a provider the worker lacks', async () => {
    // Same store, policies and root key, but a worker without MOSAIC_AWS_REGION.
    const other = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    try {
      const handle = await other.client.compose({
        requestId: `s3-${randomUUID().slice(0, 8)}`,
        user: 'a',
        account: 'b',
        region: 'eu-west-1',
        resourceType: 'bucket',
        spec: { name: 'x' },
        provider: 'aws',
      });
      await expect(handle.result()).rejects.toThrow();
      const progress = await handle.progress();
      // The first step already needs the provider, so the run stops there, before anything is made.
      expect(progress.steps.filter((s) => s.status !== 'pending')).toEqual([
        expect.objectContaining({
          stage: 'validate',
          status: 'failed',
          error: expect.stringContaining('provider aws is not configured on this worker; set MOSAIC_AWS_REGION'),
        }),
      ]);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
