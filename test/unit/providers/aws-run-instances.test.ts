import { runInstancesRequest } from '../../../src/providers/aws/instances';

// What RunInstances is asked for an agreed configuration: what moto does not keep (gp3 throughput) checked on the request itself.
describe('the RunInstances request of an agreed instance', () => {
  const image = {
    ImageId: 'ami-0123456789abcdef0',
    RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, SnapshotId: 'snap-1' } }],
  };
  const input = {
    key: 'n1/instance',
    name: 'negotiated-n1',
    instanceType: 'm6i.large',
    region: 'us-east-1',
    volumes: [
      { type: 'gp3' as const, sizeGb: 50, iops: 4000, throughputMBps: 125, kmsKeyId: 'key-1' },
      { type: 'st1' as const, sizeGb: 500, iops: 500, throughputMBps: 125, kmsKeyId: 'key-1' },
    ],
    rootVolume: { kmsKeyId: 'key-1' },
  };

  it('provisions gp3 throughput and the root volume as gp3 under the agreed KMS key, at the image root size', () => {
    const request = runInstancesRequest(input, image, { subnetId: 'subnet-b', groupId: 'sg-1' });
    expect(request.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { VolumeType: 'gp3', VolumeSize: 8, Encrypted: true, KmsKeyId: 'key-1', DeleteOnTermination: true } },
      {
        DeviceName: '/dev/sdf',
        Ebs: {
          VolumeType: 'gp3',
          VolumeSize: 50,
          Iops: 4000,
          Throughput: 125,
          Encrypted: true,
          KmsKeyId: 'key-1',
          DeleteOnTermination: true,
        },
      },
      // st1 has neither provisioned IOPS nor throughput.
      {
        DeviceName: '/dev/sdg',
        Ebs: { VolumeType: 'st1', VolumeSize: 500, Encrypted: true, KmsKeyId: 'key-1', DeleteOnTermination: true },
      },
    ]);
    expect(request).toMatchObject({ SubnetId: 'subnet-b', SecurityGroupIds: ['sg-1'], MetadataOptions: { HttpTokens: 'required' } });
  });

  it('leaves the root and the subnet to EC2 when the input does not fix them', () => {
    const request = runInstancesRequest({ ...input, rootVolume: undefined, volumes: [] }, image, {});
    expect(request.BlockDeviceMappings).toBeUndefined();
    expect(request.SubnetId).toBeUndefined();
  });
});
