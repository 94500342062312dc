import { randomUUID } from 'node:crypto';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { NegotiationRequestInput } from '../../src/negotiation/request';
import { freePort } from '../../src/stack/ports';
import { KEY_TAG } from '../../src/providers/aws';
import { MOTO_CREDENTIALS, startMoto, useMotoCredentials, type Moto } from '../harness/moto';
import { recordHistory } from '../harness/histories';
import { startTestWorker, type TestWorker } from '../harness/worker';

// The agreed instance as EC2 makes it: RunInstances with the agreed type,
// encrypted volumes under a KMS key, tenancy and a security group, on moto.
describe('negotiateInstance on the aws provider (moto)', () => {
  let moto: Moto | undefined;
  let w: TestWorker;
  let port: number;
  let restoreCredentials: () => void = () => {};

  beforeAll(async () => {
    restoreCredentials = useMotoCredentials();
    // moto is not up yet: the first provisioning attempts find nobody at the endpoint.
    port = await freePort();
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/negaws_${randomUUID().slice(0, 8)}`,
      MOSAIC_AWS_REGION: 'us-east-1',
      MOSAIC_AWS_ENDPOINT: `http://127.0.0.1:${port}`,
    });
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    await moto?.stop();
    restoreCredentials();
  });

  it('provisions the agreed PCI DSS configuration exactly once, retrying through a provider outage', async () => {
    const n = w.client.negotiations;
    const request: NegotiationRequestInput = {
      negotiationId: `aws-${randomUUID().slice(0, 8)}`,
      user: 'bob',
      account: 'payments',
      region: 'us-east-1',
      provider: 'aws',
      basePersona: 'payments-api',
      workload: { kind: 'structured', workload: { role: 'web-server', requestsPerSecond: 120, datasetGb: 40 } },
      constraints: ['no burstable types', 'storage raid1-gp3, raid10-gp3, gp3'],
      observe: { window: '1 second', threshold: 0.3 },
    };
    const { workflowId } = await n.start(request);
    let view = await n.show(workflowId);
    while (view.status !== 'awaiting-feedback') view = await n.show(workflowId);
    // moto answers every instance with Tenancy "default", so the test takes a shared-tenancy proposal it can check.
    const shared = view.proposals.filter((p) => p.security.tenancy === 'default');
    const chosen = shared.find((p) => p.storage.volumes > 1) ?? shared[0]!;
    expect(chosen.security.encryption).toBe('kms');

    await n.feedback(workflowId, 'accept', { proposalId: chosen.id });
    // Provisioning fails while the endpoint is down and is retried; then AWS (moto) comes up.
    let failing = await w.client.temporal.workflow.getHandle(workflowId).describe();
    while (!failing.raw.pendingActivities?.some((a) => (a.attempt ?? 0) >= 2))
      failing = await w.client.temporal.workflow.getHandle(workflowId).describe();
    moto = await startMoto(30_000, port);
    // A second accept with the same meaning changes nothing: the negotiation has agreed.
    await expect(n.feedback(workflowId, 'accept', { proposalId: chosen.id })).rejects.toThrow();
    // The application reports its usage: it matches the prediction closely, so no persona change.
    const profile = view.analysis!.profile;
    await n.reportUsage(workflowId, {
      cpu: profile.cpu.peak,
      memoryGb: profile.memoryGb.peak,
      iops: profile.iops.peak,
      networkGbps: profile.networkGbps.peak,
    });
    const done = await n.result(workflowId);
    expect(done.status).toBe('completed');
    expect(done.review?.evolution).toMatchObject({ differs: false });

    const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const key = `${workflowId}/instance`;
    const instances = (
      (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [key] }] }))).Reservations ?? []
    ).flatMap((r) => r.Instances ?? []);
    expect(instances).toHaveLength(1);
    const instance = instances[0]!;
    expect(instance.InstanceType).toBe(chosen.instanceType);
    expect(instance.InstanceId).toBe(done.provisioned?.instance.id);
    expect(instance.Placement?.Tenancy).toBe('default');
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: instance.SecurityGroups!.map((g) => g.GroupId!) })))
      .SecurityGroups!;
    expect(groups[0]!.IpPermissions).toEqual([
      expect.objectContaining({ FromPort: 443, ToPort: 443, IpRanges: [expect.objectContaining({ CidrIp: '0.0.0.0/0' })] }),
    ]);
    const volumeIds = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs!.VolumeId!);
    const volumes = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }))).Volumes!.filter(
      (v) => v.Size === chosen.storage.sizeGbEach,
    );
    expect(volumes).toHaveLength(chosen.storage.volumes);
    for (const v of volumes) expect(v).toMatchObject({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: done.provisioned?.key?.id });
    // payments-api expects 99.99 % uptime: the replica was built once too, in another zone, with the same type.
    expect(chosen.availability).toMatchObject({ layout: 'primary-replica', zones: 2 });
    const replicas = (
      (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [`${workflowId}/replica`] }] })))
        .Reservations ?? []
    ).flatMap((r) => r.Instances ?? []);
    expect(replicas).toHaveLength(1);
    expect(replicas[0]).toMatchObject({ InstanceId: done.provisioned?.replica?.id, InstanceType: chosen.instanceType });
    expect(replicas[0]!.Placement?.AvailabilityZone).not.toBe(instance.Placement?.AvailabilityZone);
    ec2.destroy();
    await recordHistory(w.client.temporal, workflowId, 'aws');
  }, 180_000);
});
