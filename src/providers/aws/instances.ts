import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  DescribeInstancesCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
  type EC2Client,
  type Instance,
  type IpPermission,
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
  const imageId = input.image ?? (await defaultImage(ec2, input.region));
  const groupId = input.ingress || input.egress ? await securityGroup(ec2, input) : undefined;
  const out = await awsCall('RunInstances', `instance ${input.name} (${imageId})`, () =>
    ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: (input.instanceType ?? DEFAULT_INSTANCE_TYPE) as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        ClientToken: clientToken(input.key),
        TagSpecifications: [{ ResourceType: 'instance', Tags: resourceTags(input.key, input.name) }],
        // Data volumes from /dev/sdf on (the names the user data assembles), each encrypted; a KMS key id makes it a customer-managed key.
        BlockDeviceMappings: input.volumes?.map((v, i) => ({
          DeviceName: `/dev/sd${String.fromCharCode(102 + i)}`,
          Ebs: {
            VolumeType: v.type,
            VolumeSize: v.sizeGb,
            Iops: v.type === 'st1' ? undefined : v.iops,
            Encrypted: true,
            KmsKeyId: v.kmsKeyId,
            DeleteOnTermination: true,
          },
        })),
        Placement: input.tenancy ? { Tenancy: input.tenancy } : undefined,
        SecurityGroupIds: groupId ? [groupId] : undefined,
        UserData: input.userData === undefined ? undefined : Buffer.from(input.userData).toString('base64'),
        // IMDSv2 only, and not one hop further (a container on the instance cannot reach the instance's credentials).
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
      }),
    ),
  );
  return out.Instances![0]!;
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

/** The newest Amazon Linux 2023 for x86_64 (what t3.micro runs): AMI ids differ by region, so none is hard-coded. */
async function defaultImage(ec2: EC2Client, region: string): Promise<string> {
  const out = await awsCall('DescribeImages', `Amazon Linux 2023 images in ${region}`, () =>
    ec2.send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [
          { Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    ),
  );
  const newest = (out.Images ?? [])
    .map((i) => ({ id: i.ImageId, order: `${i.CreationDate ?? ''} ${i.Name ?? ''}` }))
    .sort((a, b) => b.order.localeCompare(a.order))[0];
  if (!newest?.id) {
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'DescribeImages',
      resource: `Amazon Linux 2023 images in ${region}`,
      code: 'NoDefaultImage',
      detail: 'no image found; name one in the request',
    });
  }
  return newest.id;
}

/** Terminating is idempotent in EC2; an instance already gone from the listings is as good. */
export async function stopInstance(ec2: EC2Client, ref: ResourceRef): Promise<void> {
  await awsCall('TerminateInstances', ref.id, () =>
    ec2.send(new TerminateInstancesCommand({ InstanceIds: [ref.id] })).catch(tolerate('InvalidInstanceID.NotFound')),
  );
}
