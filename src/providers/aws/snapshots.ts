import {
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Resource } from '../../snapshot/resources';
import { awsCall, tolerate } from './errors';
import { KEY_TAG, resourceTags } from './naming';

const GiB = 2 ** 30;

/** Instance tags that become resources: `env:NAME` → an environment variable, `package:NAME` → a package at the tag's value. */
function tagResources(tags: { Key?: string; Value?: string }[]): Resource[] {
  const out: Resource[] = [];
  for (const { Key = '', Value = '' } of tags) {
    const [kind, name] = [Key.slice(0, Key.indexOf(':')), Key.slice(Key.indexOf(':') + 1)];
    if (kind === 'env' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) out.push({ kind: 'env', name, value: Value, dependsOn: [] });
    if (kind === 'package' && name && Value) out.push({ kind: 'package', name, version: Value, dependsOn: [] });
  }
  return out;
}

/**
 * A live EC2 host as a snapshot: one EBS snapshot per attached volume (found
 * again by its key tag on a retry, so never made twice) and the instance's
 * tags read as resources. Volumes come back as volume resources whose origin
 * is their snapshot.
 */
export async function captureInstance(
  ec2: EC2Client,
  input: { instanceId: string; key: string; name: string },
): Promise<{ resources: Resource[]; snapshotIds: string[] }> {
  const described = await awsCall('DescribeInstances', input.instanceId, () =>
    ec2.send(new DescribeInstancesCommand({ InstanceIds: [input.instanceId] })),
  );
  const instance = described.Reservations?.[0]?.Instances?.[0];
  const volumeIds = (instance?.BlockDeviceMappings ?? []).flatMap((m) =>
    m.Ebs?.VolumeId ? [{ id: m.Ebs.VolumeId, device: m.DeviceName ?? m.Ebs.VolumeId }] : [],
  );
  const volumes = volumeIds.length
    ? ((
        await awsCall('DescribeVolumes', input.instanceId, () =>
          ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds.map((v) => v.id) })),
        )
      ).Volumes ?? [])
    : [];
  const resources: Resource[] = tagResources(instance?.Tags ?? []);
  const snapshotIds: string[] = [];
  for (const { id, device } of volumeIds) {
    const key = `${input.key}/${id}`;
    const found = await awsCall('DescribeSnapshots', `snapshots tagged ${KEY_TAG}=${key}`, () =>
      ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${KEY_TAG}`, Values: [key] }] })),
    );
    const snapshotId =
      found.Snapshots?.[0]?.SnapshotId ??
      (
        await awsCall('CreateSnapshot', id, () =>
          ec2.send(
            new CreateSnapshotCommand({
              VolumeId: id,
              Description: `mosaic capture of ${input.name} (${input.instanceId} ${device})`,
              TagSpecifications: [{ ResourceType: 'snapshot', Tags: resourceTags(key, `${input.name}-${device}`) }],
            }),
          ),
        )
      ).SnapshotId!;
    snapshotIds.push(snapshotId);
    const size = (volumes.find((v) => v.VolumeId === id)?.Size ?? 0) * GiB;
    const name = device
      .replace(/^\/dev\//, '')
      .replace(/[^a-z0-9_-]/gi, '-')
      .toLowerCase();
    resources.push({
      kind: 'volume',
      name: `${input.name.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}-${name}`,
      size,
      optional: false,
      origin: `aws:${snapshotId}`,
      dependsOn: [],
    });
  }
  return { resources, snapshotIds };
}

/** Deletes the EBS snapshots a capture made under `key`; gone already is fine. */
export async function deleteCaptureSnapshots(ec2: EC2Client, key: string): Promise<number> {
  const found = await awsCall('DescribeSnapshots', `snapshots of ${key}`, () =>
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${KEY_TAG}`, Values: [`${key}/*`] }] })),
  );
  for (const s of found.Snapshots ?? []) {
    await awsCall('DeleteSnapshot', s.SnapshotId!, () =>
      ec2.send(new DeleteSnapshotCommand({ SnapshotId: s.SnapshotId })).catch(tolerate('InvalidSnapshot.NotFound')),
    );
  }
  return found.Snapshots?.length ?? 0;
}
