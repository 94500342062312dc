import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  type EC2Client,
  type Volume,
} from '@aws-sdk/client-ec2';
import { ProviderRejected } from '../errors';
import { awsCall, tolerate } from './errors';
import { KEY_TAG, resourceTags } from './naming';

/** A volume made from a capture's EBS snapshot and attached to an instance. */
export interface RestoredVolume {
  name: string;
  snapshotId: string;
  volumeId: string;
  instanceId: string;
  device: string;
}

/** Devices EC2 documents for EBS data volumes on Linux; the first free one is used. */
const DEVICES = 'fghijklmnop'.split('').map((c) => `/dev/sd${c}`);
const POLLS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function volumeByKey(ec2: EC2Client, key: string): Promise<Volume | undefined> {
  const found = await awsCall('DescribeVolumes', `volumes tagged ${KEY_TAG}=${key}`, () =>
    ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [key] }] })),
  );
  return found.Volumes?.find((v) => v.State !== 'deleting' && v.State !== 'deleted');
}

async function waitForState(ec2: EC2Client, volumeId: string, wanted: string): Promise<Volume> {
  for (let i = 0; i < POLLS; i++) {
    const v = (await awsCall('DescribeVolumes', volumeId, () => ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))))
      .Volumes?.[0];
    if (v?.State === wanted) return v;
    if (v?.State === 'error')
      throw new ProviderRejected({
        provider: 'aws',
        operation: 'CreateVolume',
        resource: volumeId,
        code: 'VolumeError',
        detail: 'the volume is in state error',
      });
    await sleep(1000);
  }
  throw new Error(`volume ${volumeId} did not become ${wanted} within ${POLLS} s`);
}

/**
 * The volume restored from `snapshotId` under `key`: created in the
 * instance's availability zone (found again by its key tag on a retry, so
 * never made twice) and attached to the instance at the first free device.
 */
export async function restoreVolume(
  ec2: EC2Client,
  input: { key: string; name: string; snapshotId: string; instanceId: string },
): Promise<RestoredVolume> {
  const described = await awsCall('DescribeInstances', input.instanceId, () =>
    ec2.send(new DescribeInstancesCommand({ InstanceIds: [input.instanceId] })),
  );
  const instance = described.Reservations?.[0]?.Instances?.[0];
  const zone = instance?.Placement?.AvailabilityZone;
  if (!instance || !zone)
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'DescribeInstances',
      resource: input.instanceId,
      code: 'InstanceNotFound',
      detail: 'the instance to restore volumes to was not found',
    });
  let volume = await volumeByKey(ec2, input.key);
  if (!volume) {
    const created = await awsCall('CreateVolume', input.snapshotId, () =>
      ec2.send(
        new CreateVolumeCommand({
          SnapshotId: input.snapshotId,
          AvailabilityZone: zone,
          TagSpecifications: [{ ResourceType: 'volume', Tags: resourceTags(input.key, input.name) }],
        }),
      ),
    );
    volume = await waitForState(ec2, created.VolumeId!, 'available');
  }
  const attached = volume.Attachments?.find((a) => a.InstanceId === input.instanceId && a.State !== 'detached');
  if (attached) return { ...input, volumeId: volume.VolumeId!, device: attached.Device! };
  const used = new Set((instance.BlockDeviceMappings ?? []).map((m) => m.DeviceName));
  const device = DEVICES.find((d) => !used.has(d) && !used.has(d.replace('/dev/sd', '/dev/xvd')));
  if (!device)
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'AttachVolume',
      resource: input.instanceId,
      code: 'NoFreeDevice',
      detail: `every device ${DEVICES[0]}–${DEVICES.at(-1)} is in use`,
    });
  await awsCall('AttachVolume', volume.VolumeId!, () =>
    ec2.send(new AttachVolumeCommand({ VolumeId: volume.VolumeId, InstanceId: input.instanceId, Device: device })),
  );
  return { name: input.name, snapshotId: input.snapshotId, volumeId: volume.VolumeId!, instanceId: input.instanceId, device };
}

/** Detaches and deletes every volume restored under `prefix/…`; gone already is fine. Returns how many were deleted. */
export async function deleteRestoredVolumes(ec2: EC2Client, prefix: string): Promise<number> {
  const found = await awsCall('DescribeVolumes', `volumes of ${prefix}`, () =>
    ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [`${prefix}/*`] }] })),
  );
  let deleted = 0;
  for (const v of found.Volumes ?? []) {
    if (v.State === 'deleting' || v.State === 'deleted') continue;
    const attachment = v.Attachments?.find((a) => a.State !== 'detached');
    if (attachment) {
      // Naming the instance and device too: some EC2-compatible endpoints (moto) need them.
      await awsCall('DetachVolume', v.VolumeId!, () =>
        ec2
          .send(new DetachVolumeCommand({ VolumeId: v.VolumeId, InstanceId: attachment.InstanceId, Device: attachment.Device }))
          .catch(tolerate('IncorrectState', 'InvalidAttachment.NotFound')),
      );
      await waitForState(ec2, v.VolumeId!, 'available');
    }
    await awsCall('DeleteVolume', v.VolumeId!, () =>
      ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId })).catch(tolerate('InvalidVolume.NotFound')),
    );
    deleted++;
  }
  return deleted;
}
