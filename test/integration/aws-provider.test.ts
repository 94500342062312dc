import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetBucketTaggingCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { removeResources } from '../../src/activities/resources';
import { ProviderRejected, ProviderUnavailable } from '../../src/providers/errors';
import { AwsProvider, KEY_TAG, createAwsClients, destroyAwsClients, type AwsClients } from '../../src/providers/aws';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../harness/moto';

// Not us-east-1: elsewhere S3 needs a location constraint, which this exercises.
const region = 'eu-west-1';

describe('AWS provider against moto', () => {
  let moto: Moto;
  let provider: AwsProvider;
  // A second set of clients to check what the provider did, the way a person would.
  let aws: AwsClients;

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
  });

  const bucketCount = async () => (await aws.s3.send(new ListBucketsCommand({}))).Buckets?.length ?? 0;

  it('finds the bucket, instance and key made with a key, nothing of another, and nothing once removed', async () => {
    const step = `compose-find-${Date.now()}/provision/step@1`;
    const made = [
      await provider.createBucket({ key: step, name: 'found', region }),
      await provider.startService({ key: step, name: 'found', region }),
      await provider.createKey({ key: step, alias: 'mosaic/found', region }),
    ];
    const found = await provider.findByKey(step, region);
    expect(found.map((r) => [r.kind, r.id])).toEqual(made.map((r) => [r.kind, r.id]));
    expect(await provider.findByKey(`${step}/other`, region)).toEqual([]);

    // The compensation of an attempt that reported nothing.
    await removeResources({ provider, key: step, request: { region } }, []);
    expect(await provider.findByKey(step, region)).toEqual([]);
  });

  it('creates one bucket per key, tagged with it, and deletes it with its objects, twice', async () => {
    const before = await bucketCount();
    const input = { key: 'compose-b1/provision/provision-bucket@1', name: 'orders', region, tags: { team: 'payments' } };

    const first = await provider.createBucket(input);
    const second = await provider.createBucket(input);

    expect(second).toEqual(first);
    expect(first).toMatchObject({ provider: 'aws', kind: 'bucket', attributes: { region, name: 'orders' } });
    expect(first.id).toMatch(/^mosaic-[0-9a-f]{40}$/);
    expect(await bucketCount()).toBe(before + 1);
    const { TagSet } = await aws.s3.send(new GetBucketTaggingCommand({ Bucket: first.id }));
    expect(TagSet).toEqual(
      expect.arrayContaining([
        { Key: KEY_TAG, Value: input.key },
        { Key: 'Name', Value: 'orders' },
        { Key: 'team', Value: 'payments' },
      ]),
    );

    await aws.s3.send(new PutObjectCommand({ Bucket: first.id, Key: 'a/b.txt', Body: 'data' }));
    await provider.deleteBucket(first);
    await provider.deleteBucket(first);
    expect(await bucketCount()).toBe(before);
  });

  it('starts one instance per key and terminates it, twice', async () => {
    const input = { key: 'compose-s1/provision/provision-service@1', name: 'api', region };
    const tagged = async () =>
      (
        await aws.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: [input.key] }] }))
      ).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];

    const first = await provider.startService(input);
    const second = await provider.startService(input);

    expect(second).toEqual(first);
    expect(first).toMatchObject({ provider: 'aws', kind: 'service', attributes: { instanceType: 't3.micro', region } });
    // No image in the request: the newest Amazon Linux 2023 of the region.
    expect(first.attributes.imageId).toMatch(/^ami-/);
    const instances = await tagged();
    expect(instances.map((i) => i.InstanceId)).toEqual([first.id]);
    expect(instances[0]!.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'api' }]));

    await provider.stopService(first);
    await provider.stopService(first);
    expect((await tagged()).map((i) => i.State?.Name)).toEqual(['terminated']);

    // The key named that one instance; starting again needs a new key.
    await expect(provider.startService(input)).rejects.toMatchObject({ type: 'ProviderRejected', fault: { code: 'InstanceTerminated' } });
  });

  it('creates one KMS key per key, encrypts and decrypts with it, and schedules its deletion, twice', async () => {
    const keyCount = async () => (await aws.kms.send(new ListKeysCommand({}))).Keys?.length ?? 0;
    const before = await keyCount();
    const input = { key: 'compose-k1/secure/encrypt-at-rest@1', alias: 'orders-data', region };

    const first = await provider.createKey(input);
    const second = await provider.createKey(input);

    expect(second).toEqual(first);
    expect(first.id).toMatch(/^arn:aws:kms:eu-west-1:\d+:key\//);
    expect(await keyCount()).toBe(before + 1);

    const ciphertext = await provider.encrypt(first, 'the secret');
    expect(Buffer.from(ciphertext, 'base64').toString('base64')).toBe(ciphertext);
    expect(ciphertext).not.toContain('the secret');
    expect(await provider.decrypt(first, ciphertext)).toBe('the secret');

    await provider.deleteKey(first);
    await provider.deleteKey(first);
    const { KeyMetadata } = await aws.kms.send(new DescribeKeyCommand({ KeyId: first.id }));
    expect(KeyMetadata?.KeyState).toBe('PendingDeletion');
    const { Aliases } = await aws.kms.send(new ListAliasesCommand({}));
    expect(Aliases?.map((a) => a.AliasName)).not.toContain(first.attributes.alias);
  });

  it("reads an instance's busiest period from CloudWatch GetMetricData, and none of another instance's figures", async () => {
    const instance = await provider.startService({ key: `negotiate-cw-${Date.now()}/instance`, name: 'observed', region });
    const since = new Date(Date.now() - 3_600_000);
    const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000);
    const put = (id: string, namespace: string, data: [string, number, number][]) =>
      aws.cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: data.map(([name, minute, value]) => ({
            MetricName: name,
            Dimensions: [{ Name: 'InstanceId', Value: id }],
            Timestamp: at(minute),
            Value: value,
          })),
        }),
      );
    await put(instance.id, 'AWS/EC2', [
      ['CPUUtilization', 1, 20],
      ['CPUUtilization', 6, 80],
      ['NetworkIn', 1, 1.5e9],
      ['NetworkOut', 1, 2.25e9],
      ['EBSReadOps', 6, 45_000],
      ['EBSWriteOps', 6, 15_000],
    ]);
    await put(instance.id, 'CWAgent', [['mem_used_percent', 6, 50]]);
    await put('i-0someoneelse', 'AWS/EC2', [['CPUUtilization', 6, 100]]);
    try {
      const seen = await provider.observeUsage(instance, { since, until: at(30) }, { vcpu: 2, memoryGb: 1 });
      // t3.micro-sized: 80 % of 2 vCPUs; (45,000 + 15,000) ops in the five minutes; 3.75 GB in five minutes is 0.1 Gbit/s.
      expect(seen).toEqual({ usage: { source: 'provider', cpu: 1.6, memoryGb: 0.5, iops: 200, networkGbps: 0.1, seconds: 1800 } });
      const before = await provider.observeUsage(instance, { since: at(-60), until: since }, { vcpu: 2, memoryGb: 1 });
      expect(before).toEqual({ unobserved: expect.stringMatching(/no CPUUtilization/) });
    } finally {
      await provider.stopService(instance);
    }
  });

  it('makes a database as an encrypted, private PostgreSQL RDS instance, once per key, and deletes it', async () => {
    const key = `compose-rds-${Date.now()}/provision/rds@1`;
    const input = { key, name: 'orders-db', engine: 'postgres', sizeGb: 5, region };
    const made = await provider.createDatabase(input);
    // A retry of the same step: the same instance, no second one.
    expect((await provider.createDatabase(input)).id).toBe(made.id);
    const [instance] = (await aws.rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.filter(
      (i) => i.DBInstanceIdentifier === made.id,
    );
    expect(instance).toMatchObject({
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DBName: 'orders_db',
    });
    // RDS keeps the password; Mosaic only points at it.
    expect(made.attributes.passwordSecretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:/);
    expect(instance!.TagList).toEqual(expect.arrayContaining([{ Key: KEY_TAG, Value: key }]));
    expect((await provider.findByKey(key, region)).map((r) => [r.kind, r.id])).toEqual([['database', made.id]]);

    await removeResources({ provider, key, request: { region } }, [made]);
    expect(await provider.findByKey(key, region)).toEqual([]);
    // Already gone: compensation retried succeeds.
    await provider.deleteDatabase(made);
  });

  it('reports what AWS refuses as ProviderRejected naming the operation and the resource', async () => {
    const input = { key: 'compose-e1/provision/provision-service@1', name: 'api', region, instanceType: 'm0.tiny' };
    const refused = await provider.startService(input).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ProviderRejected);
    expect(refused).toMatchObject({ type: 'ProviderRejected', fault: { provider: 'aws', operation: 'RunInstances', httpStatus: 400 } });
    expect((refused as Error).message).toMatch(/^aws RunInstances of instance api \(ami-\w+\) was rejected \(InvalidInstanceType/);
    expect((refused as Error).message).toContain('m0.tiny');

    const key = await provider.createKey({ key: 'compose-e2/secure/encrypt-at-rest@1', alias: 'x', region });
    await expect(provider.decrypt(key, Buffer.from('not a ciphertext').toString('base64'))).rejects.toMatchObject({
      type: 'ProviderRejected',
      fault: { operation: 'Decrypt', resource: key.id },
    });
  });

  it('reports AWS failing inside as ProviderUnavailable, after three attempts', async () => {
    // moto cannot be made to fail, so a stand-in answers every request as S3 does when overloaded.
    let requests = 0;
    const overloaded = http.createServer((_req, res) => {
      requests += 1;
      res
        .writeHead(503, { 'content-type': 'application/xml' })
        .end('<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>');
    });
    await new Promise<void>((resolve) => overloaded.listen(0, '127.0.0.1', resolve));
    const { port } = overloaded.address() as AddressInfo;
    const unlucky = new AwsProvider({ region, endpoint: `http://127.0.0.1:${port}`, credentials: MOTO_CREDENTIALS });
    try {
      const err = await unlucky.createBucket({ key: 'k', name: 'n', region }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderUnavailable);
      expect(err).toMatchObject({
        type: 'ProviderUnavailable',
        fault: { operation: 'CreateBucket', code: 'ServiceUnavailable', httpStatus: 503 },
      });
      expect(requests).toBe(3);
    } finally {
      unlucky.close();
      overloaded.close();
    }
  });
});
