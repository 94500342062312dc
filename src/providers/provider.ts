import type { MetricObservation } from '../negotiation/metric-usage';
import type { Allocation } from './service-limits';

/**
 * Where resources really go. Every create takes an idempotency `key` derived
 * from the workflow and step: calling it again with the same key returns the
 * resource made the first time instead of making another. Every delete of a
 * resource that is already gone succeeds, so compensation can be retried.
 */
export interface ResourceRef {
  provider: 'local' | 'aws';
  kind: 'bucket' | 'database' | 'service' | 'secret' | 'key' | 'inventory';
  /** The provider's own id: a path, a bucket name, an instance id, a key ARN… */
  id: string;
  key: string;
  attributes: Record<string, string>;
}

export interface BucketInput {
  key: string;
  name: string;
  region: string;
  tags?: Record<string, string>;
}

export interface DatabaseInput {
  key: string;
  name: string;
  engine: string;
  sizeGb: number;
  /** AWS: the region the instance goes in (unset: the provider's). Local: one machine, ignored. */
  region?: string;
}

export interface ServiceInput {
  key: string;
  name: string;
  /** Local: the program to run; AWS: ignored (an instance is started from `image`). */
  command?: string[];
  image?: string;
  instanceType?: string;
  region: string;
  /** Local: the CPU and memory the process is held to (unset: its instance type's, else the default; service-allocation.ts). */
  allocation?: Allocation;
  /**
   * Local: how the allocation is enforced. `rlimit` (the default): rlimits on
   * the process, memory only. `cgroup`: memory and CPU capped by the kernel
   * in a group of its own, refused (CgroupUnavailable) where the machine
   * lets Mosaic make none. AWS: the instance type is the limit.
   */
  confinement?: 'rlimit' | 'cgroup';
  /** AWS: data volumes attached at launch, encrypted (with kmsKeyId when given). Local: recorded only. */
  volumes?: VolumeInput[];
  tenancy?: 'default' | 'dedicated';
  /** AWS: the region's n-th availability zone in name order (0 first), by its default subnet; unset: EC2 picks. */
  zone?: number;
  /** AWS: the image's root volume as gp3, encrypted (with kmsKeyId when given, else the AWS-managed key). */
  rootVolume?: { kmsKeyId?: string };
  /** AWS: a security group of its own with these ingress rules. */
  ingress?: NetworkRuleInput[];
  /** AWS: that group's egress rules instead of EC2's default (all traffic to 0.0.0.0/0). */
  egress?: NetworkRuleInput[];
  /** AWS: the script cloud-init runs at first boot (assembles and mounts the data volumes). Local: not run. */
  userData?: string;
}

export interface NetworkRuleInput {
  protocol: 'tcp' | 'udp' | 'all';
  port: number;
  cidr: string;
}

export interface VolumeInput {
  type: 'gp3' | 'io2' | 'st1';
  sizeGb: number;
  iops?: number;
  /** gp3 only: MiB/s provisioned. */
  throughputMBps?: number;
  kmsKeyId?: string;
}

export interface KeyInput {
  key: string;
  alias: string;
  region: string;
}

/** The span an agreed instance is observed over. */
export interface ObservationWindow {
  since: Date;
  until: Date;
}

/** What the agreed type has, to turn percentages into vCPUs and GiB. */
export interface InstanceFacts {
  vcpu: number;
  memoryGb: number;
}

export interface Provider {
  readonly name: ResourceRef['provider'];
  createBucket(input: BucketInput): Promise<ResourceRef>;
  deleteBucket(ref: ResourceRef): Promise<void>;
  createDatabase(input: DatabaseInput): Promise<ResourceRef>;
  deleteDatabase(ref: ResourceRef): Promise<void>;
  startService(input: ServiceInput): Promise<ResourceRef>;
  stopService(ref: ResourceRef): Promise<void>;
  createKey(input: KeyInput): Promise<ResourceRef>;
  deleteKey(ref: ResourceRef): Promise<void>;
  /** Encrypts with a key made by createKey; the result is opaque text safe to store. */
  encrypt(keyRef: ResourceRef, plaintext: string): Promise<string>;
  decrypt(keyRef: ResourceRef, ciphertext: string): Promise<string>;
  /**
   * What this provider holds that a create with this idempotency key made,
   * complete or not: an attempt that failed after its side effect (a bucket
   * whose metadata write failed) reported nothing, and compensation finds it
   * here, in the region the request named. Providers that cannot look
   * resources up by key leave it out.
   */
  findByKey?(key: string, region: string): Promise<ResourceRef[]>;
  /**
   * What a service really used over the window, from the provider's own
   * measurements, or why nothing was measured. Never the figures of a
   * stand-in: only a workload that really ran is observed.
   */
  observeUsage?(ref: ResourceRef, window: ObservationWindow, facts: InstanceFacts): Promise<MetricObservation>;
}

/** An operation this provider cannot do; not worth retrying. */
export class ProviderUnsupported extends Error {
  readonly type = 'ProviderUnsupported';
  constructor(provider: string, operation: string) {
    super(`the ${provider} provider cannot ${operation}`);
    this.name = 'ProviderUnsupported';
  }
}
