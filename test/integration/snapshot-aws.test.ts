import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateTagsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { AwsProvider, createAwsClients, destroyAwsClients, type AwsClients } from '../../src/providers/aws';
import { failureOf } from '../harness/failures';
import { MOTO_CREDENTIALS, startMoto, useMotoCredentials, type Moto } from '../harness/moto';
import { startTestWorker, type TestWorker } from '../harness/worker';
import { generateKeyPair } from '../../src/security/keys';
import { registerHost } from '../harness/governed';

const region = 'eu-west-1';

// A live source on AWS: the provider snapshots the instance's EBS volumes and
// reads its tags; the composition tears the snapshots down with the rest.
describe('snapshot capture on the aws provider (moto)', () => {
  const admin = generateKeyPair();
  let moto: Moto;
  let w: TestWorker;
  let aws: AwsClients;
  let provider: AwsProvider;
  let instanceId: string;
  let dataDir: string;
  let restoreCredentials: () => void = () => {};

  beforeAll(async () => {
    moto = await startMoto();
    restoreCredentials = useMotoCredentials();
    const options = { region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    aws = createAwsClients(options);
    provider = new AwsProvider(options);
    instanceId = (await provider.startService({ key: `host-${randomUUID()}`, name: 'reporting-db', region })).id;
    await aws.ec2.send(
      new CreateTagsCommand({
        Resources: [instanceId],
        Tags: [
          { Key: 'env:DB_HOST', Value: '10.0.0.5' },
          { Key: 'package:postgres', Value: '15.4.0' },
          { Key: 'team', Value: 'data' },
        ],
      }),
    );
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-snapshot-aws-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/snapaws_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_AWS_REGION: region,
      MOSAIC_AWS_ENDPOINT: moto.endpoint,
      MOSAIC_SNAPSHOT_MONITOR_SECONDS: '1',
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    provider?.close();
    if (aws) destroyAwsClients(aws);
    await moto?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    restoreCredentials();
  });

  const mosaicSnapshots = async () =>
    (await aws.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag-key', Values: ['mosaic:key'] }] })))
      .Snapshots ?? [];

  it('snapshots each volume once per key and reads the tags as resources', async () => {
    const key = `capture-${randomUUID()}`;
    const first = await provider.captureInstance(region, { instanceId, key, name: 'reporting-db' });
    const again = await provider.captureInstance(region, { instanceId, key, name: 'reporting-db' });
    expect(again.snapshotIds).toEqual(first.snapshotIds);
    expect(first.snapshotIds.length).toBeGreaterThan(0);
    expect(first.resources).toEqual(
      expect.arrayContaining([
        { kind: 'env', name: 'DB_HOST', value: '10.0.0.5', dependsOn: [] },
        { kind: 'package', name: 'postgres', version: '15.4.0', dependsOn: [] },
        expect.objectContaining({ kind: 'volume', origin: `aws:${first.snapshotIds[0]}` }),
      ]),
    );
    expect(await provider.deleteCaptureSnapshots(region, key)).toBe(first.snapshotIds.length);
    expect(await provider.deleteCaptureSnapshots(region, key)).toBe(0);
  });

  it('composes from an AWS host and deletes its EBS snapshots on cancel', async () => {
    await registerHost(w.client, admin, { name: 'reporting_db', provider: 'aws', instanceId, region });
    await w.client.snapshots.catalog({
      operation: 'template.create',
      template: { id: 'base', resources: [{ kind: 'env', name: 'DB_HOST', value: '127.0.0.1' }] },
    });
    const handle = await w.client.snapshots.compose({
      name: 'with aws',
      sources: [
        { type: 'template', id: 'base', priority: 0 },
        { type: 'live', host: 'reporting_db', path: '/', priority: 1 },
      ],
      conflict_resolution: 'PRIORITY',
    });
    const status = await w.client.snapshots.waitFor(handle, ['running', 'degraded']);
    expect(status.resolution!.decisions).toEqual([
      expect.objectContaining({ key: 'env:DB_HOST', winner: 'reporting_db', discarded: ['base'] }),
    ]);
    expect(status.provisioned!.volumes).toBeGreaterThan(0);
    const before = (await mosaicSnapshots()).length;
    expect(before).toBeGreaterThan(0);
    // Each captured volume is restored: a new EBS volume made from its snapshot, attached to the host at a free device.
    const restored = status.provisioned!.restored!;
    expect(restored).toHaveLength(before);
    const snapshotIds = new Set((await mosaicSnapshots()).map((x) => x.SnapshotId));
    const volumes = (await aws.ec2.send(new DescribeVolumesCommand({ VolumeIds: restored.map((r) => r.volumeId) }))).Volumes!;
    for (const r of restored) {
      const v = volumes.find((x) => x.VolumeId === r.volumeId)!;
      expect(snapshotIds.has(v.SnapshotId)).toBe(true);
      expect(v.SnapshotId).toBe(r.snapshotId);
      expect(v.Attachments).toEqual([expect.objectContaining({ InstanceId: instanceId, Device: r.device })]);
      expect(r.device).toMatch(/^\/dev\/sd[f-p]$/);
    }
    const final = await w.client.snapshots.cancel(handle.workflowId);
    expect(final.teardown!.snapshotsDeleted).toBe(before);
    expect(final.teardown!.volumesDeleted).toBe(restored.length);
    expect(await mosaicSnapshots()).toEqual([]);
    const left = (await aws.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag-key', Values: ['mosaic:key'] }] }))).Volumes!;
    expect(left.filter((v) => v.State !== 'deleted')).toEqual([]);
  });

  it('says when the instance does not exist', async () => {
    await registerHost(w.client, admin, { name: 'gone', provider: 'aws', instanceId: 'i-0123456789abcdef0', region });
    const handle = await w.client.snapshots.compose({ name: 'x', sources: [{ type: 'live', host: 'gone', path: '/' }] });
    expect(await failureOf(handle.result())).toMatchObject({
      type: 'HostUnavailable',
      message: expect.stringMatching(/^host gone \(i-0123456789abcdef0\) cannot be captured/),
    });
  });
});
