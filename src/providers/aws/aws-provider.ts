import type {
  BucketInput,
  DatabaseInput,
  InstanceFacts,
  KeyInput,
  ObservationWindow,
  Provider,
  ResourceRef,
  ServiceInput,
} from '../provider';
import { createBucket, deleteBucket, findBucket } from './buckets';
import { createDbInstance, deleteDbInstance, findDbInstance } from './databases';
import { createAwsClients, destroyAwsClients, type AwsClientOptions, type AwsClients } from './clients';
import { findLiveInstance, startInstance, stopInstance } from './instances';
import { observeInstance } from './metrics';
import { createKmsKey, decrypt, deleteKmsKey, encrypt, findKmsKey } from './keys';
import { captureInstance, deleteCaptureSnapshots } from './snapshots';
import { deleteRestoredVolumes, restoreVolume } from './volumes';

/**
 * Buckets in S3, databases as PostgreSQL RDS instances, services as EC2 instances, keys in KMS,
 * usage from CloudWatch. Failures come out as ProviderUnavailable (retry) or ProviderRejected (do not).
 */
export class AwsProvider implements Provider {
  readonly name = 'aws' as const;
  private readonly regions = new Map<string, AwsClients>();

  /** `region` is where refs that do not record one are looked for; each request names its own. */
  constructor(private readonly options: AwsClientOptions) {}

  /** A resource lives in the region its request named, and AWS clients are per region. */
  private clients(region: string): AwsClients {
    let clients = this.regions.get(region);
    if (!clients) {
      clients = createAwsClients({ ...this.options, region });
      this.regions.set(region, clients);
    }
    return clients;
  }

  private clientsOf(ref: ResourceRef): AwsClients {
    return this.clients(ref.attributes.region ?? this.options.region);
  }

  createBucket(input: BucketInput): Promise<ResourceRef> {
    return createBucket(this.clients(input.region).s3, input);
  }

  deleteBucket(ref: ResourceRef): Promise<void> {
    return deleteBucket(this.clientsOf(ref).s3, ref);
  }

  /** In the region the request named (see databases.ts). */
  createDatabase(input: DatabaseInput): Promise<ResourceRef> {
    const region = input.region ?? this.options.region;
    return createDbInstance(this.clients(region).rds, { ...input, region });
  }

  deleteDatabase(ref: ResourceRef): Promise<void> {
    return deleteDbInstance(this.clientsOf(ref).rds, ref);
  }

  startService(input: ServiceInput): Promise<ResourceRef> {
    return startInstance(this.clients(input.region).ec2, input);
  }

  stopService(ref: ResourceRef): Promise<void> {
    return stopInstance(this.clientsOf(ref).ec2, ref);
  }

  createKey(input: KeyInput): Promise<ResourceRef> {
    return createKmsKey(this.clients(input.region).kms, input);
  }

  deleteKey(ref: ResourceRef): Promise<void> {
    return deleteKmsKey(this.clientsOf(ref).kms, ref);
  }

  encrypt(keyRef: ResourceRef, plaintext: string): Promise<string> {
    return encrypt(this.clientsOf(keyRef).kms, keyRef, plaintext);
  }

  decrypt(keyRef: ResourceRef, ciphertext: string): Promise<string> {
    return decrypt(this.clientsOf(keyRef).kms, keyRef, ciphertext);
  }

  /** By the names and tags derived from the key: the bucket's name, the database's identifier, the instance's `mosaic:key` tag, the key's alias. */
  async findByKey(key: string, region: string): Promise<ResourceRef[]> {
    const { s3, ec2, kms, rds } = this.clients(region);
    const found = await Promise.all([
      findBucket(s3, key, region),
      findDbInstance(rds, key, region),
      findLiveInstance(ec2, key, region),
      findKmsKey(kms, key, region),
    ]);
    return found.filter((r): r is ResourceRef => r !== undefined);
  }

  /** An instance's peak from CloudWatch: a percentile of its periods (see metrics.ts). */
  observeUsage(ref: ResourceRef, window: ObservationWindow, facts: InstanceFacts) {
    return observeInstance(this.clientsOf(ref).cloudwatch, ref, window, facts);
  }

  /** A live host for snapshot composition: EBS snapshots of its volumes and its tags (see snapshots.ts). */
  captureInstance(region: string, input: Parameters<typeof captureInstance>[1]) {
    return captureInstance(this.clients(region).ec2, input);
  }

  deleteCaptureSnapshots(region: string, key: string): Promise<number> {
    return deleteCaptureSnapshots(this.clients(region).ec2, key);
  }

  /** A volume made from a capture's EBS snapshot and attached to an instance (see volumes.ts). */
  restoreVolume(region: string, input: Parameters<typeof restoreVolume>[1]) {
    return restoreVolume(this.clients(region).ec2, input);
  }

  deleteRestoredVolumes(region: string, prefix: string): Promise<number> {
    return deleteRestoredVolumes(this.clients(region).ec2, prefix);
  }

  /** Closes every client's sockets; the provider makes new ones if used again. */
  close(): void {
    for (const clients of this.regions.values()) destroyAwsClients(clients);
    this.regions.clear();
  }
}
