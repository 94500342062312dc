import { MockActivityEnvironment } from '@temporalio/testing';
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config';
import { createNegotiationActivities, type ProvisionedInstance } from '../../src/activities/negotiation';
import { BUILTIN_PERSONAS } from '../../src/negotiation/builtin-personas';
import { profileFromStructured } from '../../src/negotiation/capacity';
import { HOURS_PER_MONTH, INSTANCES_BY_NAME } from '../../src/negotiation/catalog';
import { protectionOf } from '../../src/negotiation/firewall';
import { solve, type Requirements } from '../../src/negotiation/solver';
import { AwsProvider, KEY_TAG, createAwsClients, destroyAwsClients, type AwsClients } from '../../src/providers/aws';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../harness/moto';

// What is proposed is what gets built: the agreed proposal's firewall (both
// ways), KMS key, IMDSv2 and storage layout, as EC2 (moto) holds them after
// the provisioning activity ran. eu-central-1: a region the catalog used not to have.
const region = 'eu-central-1';

describe('the agreed proposal as EC2 builds it (moto)', () => {
  let moto: Moto;
  let provider: AwsProvider;
  let aws: AwsClients;
  const connection = mongoose.createConnection();

  beforeAll(async () => {
    moto = await startMoto();
    const options = { region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    provider = new AwsProvider(options);
    aws = createAwsClients(options);
  });

  afterAll(async () => {
    provider?.close();
    if (aws) destroyAwsClients(aws);
    await moto?.stop();
    await connection.close();
  });

  it('applies security-group rules both ways, the KMS key, IMDSv2 and a RAID 10 assembled by user data', async () => {
    const payments = BUILTIN_PERSONAS.find((p) => p.name === 'payments-api')!;
    const egress = [
      { protocol: 'tcp' as const, port: 443, cidr: '0.0.0.0/0' },
      { protocol: 'tcp' as const, port: 5432, cidr: '10.0.0.0/16' },
    ];
    const req: Requirements = {
      profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 120, datasetGb: 40 }),
      headroom: 1.3,
      compliance: payments.security.compliance,
      cost: payments.cost,
      region,
      constraints: [{ kind: 'storage', kinds: ['raid10-gp3'] }],
      protection: protectionOf('web-server', { ingress: payments.security.ingress, egress }),
    };
    const result = solve(req, { k: 8 });
    if (!result.ok) throw new Error(`expected proposals: ${JSON.stringify(result.conflict.constraints)}`);
    // moto answers every instance with Tenancy "default": take a shared-tenancy proposal it can check.
    const agreed = result.proposals.find((p) => p.security.tenancy === 'default')!;
    expect(agreed).toMatchObject({ region, storage: { raid: 10, volumes: 4 }, security: { encryption: 'kms' } });

    const activities = createNegotiationActivities({
      connection,
      providers: { aws: provider },
      settings: {},
      cacheDir: loadConfig().cacheDir,
    });
    const negotiationId = `build-${Date.now()}`;
    const input = { negotiationId, provider: 'aws', proposal: agreed, ingress: [] };
    const env = new MockActivityEnvironment();
    const built: ProvisionedInstance = await env.run(activities.provisionInstance, input);
    // Provisioning is keyed by the negotiation: a retry builds nothing twice.
    const again: ProvisionedInstance = await env.run(activities.provisionInstance, input);
    expect(again.instance.id).toBe(built.instance.id);

    const instances = (
      (await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [`${negotiationId}/instance`] }] })))
        .Reservations ?? []
    ).flatMap((r) => r.Instances ?? []);
    expect(instances).toHaveLength(1);
    const instance = instances[0]!;
    expect(instance.InstanceType).toBe(agreed.instanceType);
    expect(instance.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 });

    const [group] = (await aws.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: instance.SecurityGroups!.map((g) => g.GroupId!) })))
      .SecurityGroups!;
    const rules = (ps: typeof group.IpPermissions) =>
      (ps ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort ?? ''} ${r.CidrIp}`)).sort();
    expect(rules(group!.IpPermissions)).toEqual(payments.security.ingress.map((r) => `${r.protocol} ${r.port} ${r.cidr}`).sort());
    // The agreed egress, and not EC2's default "all traffic anywhere".
    expect(rules(group!.IpPermissionsEgress)).toEqual(['tcp 443 0.0.0.0/0', 'tcp 5432 10.0.0.0/16']);

    const volumeIds = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs!.VolumeId!);
    const volumes = (await aws.ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }))).Volumes!.filter(
      (v) => v.Size === agreed.storage.sizeGbEach,
    );
    expect(volumes).toHaveLength(4);
    for (const v of volumes)
      expect(v).toMatchObject({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: built.key!.id, Iops: agreed.storage.iopsEach });
    // The root volume too, under the same customer-managed key.
    const root = instance.BlockDeviceMappings!.find((b) => b.DeviceName === instance.RootDeviceName)!;
    const [rootVolume] = (await aws.ec2.send(new DescribeVolumesCommand({ VolumeIds: [root.Ebs!.VolumeId!] }))).Volumes!;
    expect(rootVolume).toMatchObject({ Encrypted: true, VolumeType: 'gp3', KmsKeyId: built.key!.id });

    const attribute = await aws.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId!, Attribute: 'userData' }));
    const userData = Buffer.from(attribute.UserData!.Value!, 'base64').toString('utf8');
    expect(userData).toContain('mdadm --create /dev/md/mosaic-data --run --level=10 --raid-devices=4 /dev/sdf /dev/sdg /dev/sdh /dev/sdi');
    expect(userData).toContain('mkfs.xfs');
    expect(userData).toMatch(/mount \/data/);
  }, 120_000);

  it('builds a 99.99 % uptime agreement as a primary and a replica in two zones, priced as two', async () => {
    const payments = BUILTIN_PERSONAS.find((p) => p.name === 'payments-api')!;
    const req: Requirements = {
      profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 120, datasetGb: 40 }),
      headroom: 1.3,
      compliance: payments.security.compliance,
      cost: payments.cost,
      region,
      constraints: [],
      protection: protectionOf('web-server', { ingress: payments.security.ingress, egress: [] }),
      availability: { uptimePct: payments.lifecycle.expectedUptimePct },
    };
    const result = solve(req);
    if (!result.ok) throw new Error(`expected proposals: ${JSON.stringify(result.conflict.constraints)}`);
    const agreed = result.proposals.find((p) => p.security.tenancy === 'default')!;
    expect(agreed.availability).toEqual({ layout: 'primary-replica', instances: 2, zones: 2 });
    // Priced as two: both instances and both sets of volumes, one key.
    const type = INSTANCES_BY_NAME.get(agreed.instanceType)!;
    const key = agreed.security.encryption === 'kms' ? 1 : 0;
    expect(agreed.monthlyUsd).toBeCloseTo(2 * (type.hourlyUsd[region]! * HOURS_PER_MONTH + agreed.storage.monthlyUsd) + key, 1);

    const activities = createNegotiationActivities({
      connection,
      providers: { aws: provider },
      settings: {},
      cacheDir: loadConfig().cacheDir,
    });
    const negotiationId = `multi-az-${Date.now()}`;
    const input = { negotiationId, provider: 'aws', proposal: agreed, ingress: [] };
    const env = new MockActivityEnvironment();
    const built: ProvisionedInstance = await env.run(activities.provisionInstance, input);
    // A retry finds both again.
    const again: ProvisionedInstance = await env.run(activities.provisionInstance, input);
    expect([again.instance.id, again.replica?.id]).toEqual([built.instance.id, built.replica!.id]);

    const described = async (role: string) =>
      (
        (await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [`${negotiationId}/${role}`] }] })))
          .Reservations ?? []
      ).flatMap((r) => r.Instances ?? []);
    const [primary, replica] = [await described('instance'), await described('replica')];
    expect(primary).toHaveLength(1);
    expect(replica).toHaveLength(1);
    expect(replica[0]!.InstanceType).toBe(agreed.instanceType);
    const zones = [primary[0]!.Placement!.AvailabilityZone, replica[0]!.Placement!.AvailabilityZone];
    expect(new Set(zones).size).toBe(2);
    // Each in its zone's default subnet.
    const subnets = (await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [primary[0]!.SubnetId!, replica[0]!.SubnetId!] })))
      .Subnets!;
    expect(subnets.map((s) => s.AvailabilityZone).sort()).toEqual([...zones].sort());
    // The replica has the same encrypted data volumes as the primary.
    const dataVolumes = (i: typeof primary) => (i[0]!.BlockDeviceMappings ?? []).filter((b) => b.DeviceName !== i[0]!.RootDeviceName);
    expect(dataVolumes(replica)).toHaveLength(agreed.storage.volumes);
    expect(dataVolumes(primary)).toHaveLength(agreed.storage.volumes);
    const volumeIds = [...primary, ...replica].flatMap((i) => (i.BlockDeviceMappings ?? []).map((b) => b.Ebs!.VolumeId!));
    const volumes = (await aws.ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }))).Volumes!;
    // Each instance's root and data volumes, all encrypted, under the agreement's key when it has one.
    expect(volumes).toHaveLength(2 * (agreed.storage.volumes + 1));
    expect(volumes.every((v) => v.Encrypted)).toBe(true);
    if (agreed.security.encryption === 'kms') expect(volumes.every((v) => v.KmsKeyId === built.key!.id)).toBe(true);
  }, 120_000);
});
