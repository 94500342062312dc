import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
  type EC2Client,
  type Image,
  type Instance,
  type IpPermission,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { ProviderRejected } from '../errors';
import type { NetworkRuleInput, ResourceRef, ServiceInput } from '../provider';
import { awsCall, tolerate } from './errors';
import { KEY_TAG, clientToken, resourceTags, securityGroupName } from './naming';

const DEFAULT_INSTANCE_TYPE = 't3.micro';
const GONE = new Set(['shutting-down', 'terminated']);

/**
 * One instance per key. EC2 makes RunInstances idempotent by ClientToken,
 * even against a concurrent duplicate; the lookup by tag first spares the
 * image lookup on a retry and gives the same answer where the token is
 * ignored (moto).
 */
export async function startInstance(ec2: EC2Client, input: ServiceInput): Promise<ResourceRef> {
  const instance = (await findInstance(ec2, input.key)) ?? (await runInstance(ec2, input));
  if (GONE.has(instance.State?.Name ?? '')) {
    // A key names one side effect: once stopped, starting again is a new request with a new key.
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'RunInstances',
      resource: instance.InstanceId!,
      code: 'InstanceTerminated',
      detail: `the instance started for key ${input.key} has been terminated`,
    });
  }
  return {
    provider: 'aws',
    kind: 'service',
    id: instance.InstanceId!,
    key: input.key,
    attributes: {
      instanceId: instance.InstanceId!,
      name: input.name,
      region: input.region,
      imageId: instance.ImageId!,
      instanceType: instance.InstanceType!,
    },
  };
}

/** The live instance started with this key, if any (found by its key tag). */
export async function findLiveInstance(ec2: EC2Client, key: string, region: string): Promise<ResourceRef | undefined> {
  const instance = await findInstance(ec2, key);
  if (!instance || GONE.has(instance.State?.Name ?? '')) return undefined;
  return { provider: 'aws', kind: 'service', id: instance.InstanceId!, key, attributes: { instanceId: instance.InstanceId!, region } };
}

async function findInstance(ec2: EC2Client, key: string): Promise<Instance | undefined> {
  const out = await awsCall('DescribeInstances', `instances tagged ${KEY_TAG}=${key}`, () =>
    ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [key] }] })),
  );
  const instances = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
  return instances.find((i) => !GONE.has(i.State?.Name ?? '')) ?? instances[0];
}

async function runInstance(ec2: EC2Client, input: ServiceInput): Promise<Instance> {
  const image = await imageOf(ec2, input);
  const groupId = input.ingress || input.egress ? await securityGroup(ec2, input) : undefined;
  const subnetId = input.zone === undefined ? undefined : await zoneSubnet(ec2, input.region, input.zone);
  const out = await awsCall('RunInstances', `instance ${input.name} (${image.ImageId})`, () =>
    ec2.send(new RunInstancesCommand(runInstancesRequest(input, image, { groupId, subnetId }))),
  );
  return out.Instances![0]!;
}

/** What RunInstances is asked for the service: everything the agreement fixed, nothing EC2 would choose otherwise. */
export function runInstancesRequest(
  input: ServiceInput,
  image: Pick<Image, 'ImageId' | 'RootDeviceName' | 'BlockDeviceMappings'>,
  placed: { groupId?: string; subnetId?: string },
): RunInstancesCommandInput {
  // The root volume as the image has it (its size, its snapshot), but gp3 and encrypted: only its mapping is restated.
  const root = image.BlockDeviceMappings?.find((b) => b.DeviceName === image.RootDeviceName)?.Ebs;
  const mappings = [
    ...(input.rootVolume && image.RootDeviceName
      ? [
          {
            DeviceName: image.RootDeviceName,
            Ebs: {
              VolumeType: 'gp3' as const,
              VolumeSize: root?.VolumeSize,
              Encrypted: true,
              KmsKeyId: input.rootVolume.kmsKeyId,
              DeleteOnTermination: true,
            },
          },
        ]
      : []),
    // Data volumes from /dev/sdf on (the names the user data assembles), each encrypted; a KMS key id makes it a customer-managed key.
    ...(input.volumes ?? []).map((v, i) => ({
      DeviceName: `/dev/sd${String.fromCharCode(102 + i)}`,
      Ebs: {
        VolumeType: v.type,
        VolumeSize: v.sizeGb,
        Iops: v.type === 'st1' ? undefined : v.iops,
        Throughput: v.type === 'gp3' ? v.throughputMBps : undefined,
        Encrypted: true,
        KmsKeyId: v.kmsKeyId,
        DeleteOnTermination: true,
      },
    })),
  ];
  return {
    ImageId: image.ImageId,
    InstanceType: (input.instanceType ?? DEFAULT_INSTANCE_TYPE) as _InstanceType,
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken(input.key),
    TagSpecifications: [{ ResourceType: 'instance', Tags: resourceTags(input.key, input.name) }],
    // None at all, not an empty list: EC2 then maps the image's own root volume.
    BlockDeviceMappings: mappings.length ? mappings : undefined,
    Placement: input.tenancy ? { Tenancy: input.tenancy } : undefined,
    SubnetId: placed.subnetId,
    SecurityGroupIds: placed.groupId ? [placed.groupId] : undefined,
    UserData: input.userData === undefined ? undefined : Buffer.from(input.userData).toString('base64'),
    // IMDSv2 only, and not one hop further (a container on the instance cannot reach the instance's credentials).
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
  };
}

/**
 * The default subnet of the region's n-th availability zone (zones in name
 * order, so the same n is the same zone on every retry). A region with fewer
 * zones than asked is refused: a replica in the primary's zone is not what
 * was agreed.
 */
async function zoneSubnet(ec2: EC2Client, region: string, zone: number): Promise<string> {
  const out = await awsCall('DescribeSubnets', `default subnets in ${region}`, () =>
    ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] })),
  );
  const subnets = (out.Subnets ?? []).sort((a, b) => (a.AvailabilityZone ?? '').localeCompare(b.AvailabilityZone ?? ''));
  const subnet = subnets[zone];
  if (!subnet?.SubnetId) {
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'DescribeSubnets',
      resource: `default subnets in ${region}`,
      code: 'NoSubnetInZone',
      detail: `zone ${zone + 1} of the region was asked for, but ${region} has default subnets in ${subnets.length} zone(s); create a default subnet per zone (aws ec2 create-default-subnet --availability-zone …)`,
    });
  }
  return subnet.SubnetId;
}

const permissions = (rules: NetworkRuleInput[]): IpPermission[] =>
  rules.map((r) => ({
    IpProtocol: r.protocol === 'all' ? '-1' : r.protocol,
    FromPort: r.protocol === 'all' ? undefined : r.port,
    ToPort: r.protocol === 'all' ? undefined : r.port,
    IpRanges: [{ CidrIp: r.cidr }],
  }));

/** What EC2 gives a new group: all traffic out to anywhere. */
const DEFAULT_EGRESS: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const isDefaultEgress = (r: NetworkRuleInput) => r.protocol === 'all' && r.cidr === '0.0.0.0/0';

/**
 * A security group named after the key with the requested rules both ways;
 * a retry finds it and its rules again. Egress that does not include EC2's
 * default rule (all traffic anywhere) has it revoked, so nothing leaves that
 * was not agreed.
 */
async function securityGroup(ec2: EC2Client, input: ServiceInput): Promise<string> {
  const name = securityGroupName(input.key);
  const found = await awsCall('DescribeSecurityGroups', name, () =>
    ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] })),
  );
  const groupId =
    found.SecurityGroups?.[0]?.GroupId ??
    (
      await awsCall('CreateSecurityGroup', name, () =>
        ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: name,
            Description: `firewall of ${input.name}`,
            TagSpecifications: [{ ResourceType: 'security-group', Tags: resourceTags(input.key, input.name) }],
          }),
        ),
      )
    ).GroupId!;
  if (input.ingress?.length) {
    await awsCall('AuthorizeSecurityGroupIngress', name, () =>
      ec2
        .send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: permissions(input.ingress!) }))
        .catch(tolerate('InvalidPermission.Duplicate')),
    );
  }
  if (input.egress) {
    const extra = input.egress.filter((r) => !isDefaultEgress(r));
    if (extra.length) {
      await awsCall('AuthorizeSecurityGroupEgress', name, () =>
        ec2
          .send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: permissions(extra) }))
          .catch(tolerate('InvalidPermission.Duplicate')),
      );
    }
    if (extra.length === input.egress.length) {
      await awsCall('RevokeSecurityGroupEgress', name, () =>
        ec2
          .send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [DEFAULT_EGRESS] }))
          .catch(tolerate('InvalidPermission.NotFound')),
      );
    }
  }
  return groupId;
}

/** The image asked for, or the newest Amazon Linux 2023 for x86_64 (what t3.micro runs): AMI ids differ by region, so none is hard-coded. */
async function imageOf(ec2: EC2Client, input: ServiceInput): Promise<Image> {
  const resource = input.image ?? `Amazon Linux 2023 images in ${input.region}`;
  const out = await awsCall('DescribeImages', resource, () =>
    ec2.send(
      new DescribeImagesCommand(
        input.image
          ? { ImageIds: [input.image] }
          : {
              Owners: ['amazon'],
              Filters: [
                { Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] },
                { Name: 'state', Values: ['available'] },
              ],
            },
      ),
    ),
  );
  const order = (i: Image) => `${i.CreationDate ?? ''} ${i.Name ?? ''}`;
  const newest = (out.Images ?? []).filter((i) => i.ImageId).sort((a, b) => order(b).localeCompare(order(a)))[0];
  if (!newest) {
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'DescribeImages',
      resource,
      code: input.image ? 'ImageNotFound' : 'NoDefaultImage',
      detail: input.image
        ? `no image ${input.image} in ${input.region}; name one the region has`
        : 'no image found; name one in the request',
    });
  }
  return newest;
}

/** Terminating is idempotent in EC2; an instance already gone from the listings is as good. */
export async function stopInstance(ec2: EC2Client, ref: ResourceRef): Promise<void> {
  await awsCall('TerminateInstances', ref.id, () =>
    ec2.send(new TerminateInstancesCommand({ InstanceIds: [ref.id] })).catch(tolerate('InvalidInstanceID.NotFound')),
  );
}
