import instanceData from './data/ec2-instance-types.json';
import priceData from './data/ec2-prices.json';

/** One EC2 instance type with its facts, the regions that offer it and its price per region (where a source gives one). */
export interface InstanceType {
  name: string;
  family: string;
  size: string;
  vcpu: number;
  memoryGb: number;
  arch: 'x86_64' | 'arm64';
  burstable: boolean;
  currentGeneration: boolean;
  bareMetal: boolean;
  /** Baseline and burst network bandwidth. */
  networkGbps: number;
  networkPeakGbps: number;
  networkPerformance: string;
  /** What EBS can deliver to this type at most, whatever the volumes. */
  ebsMaxIops: number;
  ebsBaselineIops: number;
  ebsMaxThroughputMBps: number;
  ebsMaxVolumes: number;
  instanceStorageGb: number;
  instanceStorageDisks?: number;
  instanceStorageType?: string;
  gpus?: number;
  gpuModel?: string;
  gpuMemoryGb?: number;
  /** Other accelerators (Inferentia, Trainium, FPGAs, media), as `count× name`. */
  accelerators?: string;
  dedicated: boolean;
  /** Regions that offer this type. */
  regions: string[];
  /** On-demand Linux USD/hour, only in regions whose price table lists the type. */
  hourlyUsd: Record<string, number>;
  /** Effective USD/hour of a 1-year standard no-upfront reservation, where the price source gives one. */
  reservedHourlyUsd: Record<string, number>;
}

/** A region's price table: where it came from, when, and the prices it lists. */
export interface RegionPrices {
  source: string;
  asOf: string;
  onDemand: Record<string, number>;
  reserved1yr?: Record<string, number>;
  /** EBS list prices of the region, when the source gave them. */
  ebs?: EbsPrices;
}

/** USD per GB-month of each volume type and per provisioned IOPS-month. */
export interface EbsPrices {
  gp3Gb: number;
  gp3Iops: number;
  io2Gb: number;
  io2Iops: number;
  st1Gb: number;
}

export interface PriceTable {
  regions: Record<string, RegionPrices>;
}

interface InstanceFacts extends Omit<InstanceType, 'regions' | 'hourlyUsd' | 'reservedHourlyUsd'> {
  regions: number[];
}

const FACTS = instanceData as unknown as { source: Record<string, string>; regions: string[]; instances: InstanceFacts[] };
export const PRICES = priceData as unknown as PriceTable;

/** The catalog: the shipped instance facts joined with a price table. */
export function buildCatalog(prices: PriceTable) {
  const instances: InstanceType[] = FACTS.instances.map((f) => {
    const regions = f.regions.map((i) => FACTS.regions[i]!);
    const pick = (table: (p: RegionPrices) => Record<string, number> | undefined) =>
      Object.fromEntries(
        regions.flatMap((r) => {
          const usd = table(prices.regions[r] ?? { source: '', asOf: '', onDemand: {} })?.[f.name];
          return usd === undefined ? [] : [[r, usd]];
        }),
      );
    return { ...f, regions, hourlyUsd: pick((p) => p.onDemand), reservedHourlyUsd: pick((p) => p.reserved1yr) };
  });
  return {
    source: FACTS.source,
    regions: FACTS.regions,
    families: [...new Set(instances.map((i) => i.family))].sort(),
    prices,
    instances,
  };
}

export type Catalog = ReturnType<typeof buildCatalog>;

/**
 * The first EC2 generations (Xen, no ENA, magnetic-era storage) that AWS's
 * previous-generation page tells new workloads to move off. Proposed only
 * when a person names the family. DescribeInstanceTypes' `CurrentGeneration`
 * is not the test: it is false for m5, m6i, r6i or r7g too, which are much of
 * what fleets run today.
 */
export const FIRST_GENERATION_FAMILIES: ReadonlySet<string> = new Set([
  't1',
  'm1',
  'm2',
  'm3',
  'c1',
  'c3',
  'r3',
  'i2',
  'g2',
  'cc2',
  'cr1',
  'hs1',
]);

export const CATALOG = buildCatalog(PRICES);
/** Every region the EC2 data knows, priced or not. */
export const REGIONS = CATALOG.regions;
/** Regions whose price table lists at least one type. */
export const PRICED_REGIONS = REGIONS.filter((r) => Object.keys(PRICES.regions[r]?.onDemand ?? {}).length > 0);
export const INSTANCES_BY_NAME = new Map(CATALOG.instances.map((i) => [i.name, i]));

/** How a missing price is shown, wherever it is shown. */
export const NO_PRICE_DATA = 'no price data';

/** A sentence on where a region's prices come from, or that it has none. */
export function priceSourceOf(region: string): string {
  const p = PRICES.regions[region];
  return p && Object.keys(p.onDemand).length
    ? `${Object.keys(p.onDemand).length} types priced, as of ${p.asOf}: ${p.source}`
    : `${NO_PRICE_DATA} (run \`mosaic catalog refresh\` with the AWS Price List offer file for ${region})`;
}

export const HOURS_PER_MONTH = 730;
/** Burstable types earn CPU credits at roughly this share of each vCPU (t3.medium to t3.2xlarge: 20–40 %). */
export const BURSTABLE_BASELINE = 0.3;

/** EBS list prices of the shipped regions (USD per GB-month and per provisioned IOPS-month), transcribed as the shipped instance prices. */
const EBS: Record<string, EbsPrices> = {
  'us-east-1': { gp3Gb: 0.08, gp3Iops: 0.005, io2Gb: 0.125, io2Iops: 0.065, st1Gb: 0.045 },
  'eu-west-1': { gp3Gb: 0.088, gp3Iops: 0.0055, io2Gb: 0.138, io2Iops: 0.072, st1Gb: 0.05 },
  'eu-central-1': { gp3Gb: 0.0952, gp3Iops: 0.006, io2Gb: 0.149, io2Iops: 0.078, st1Gb: 0.054 },
};
/** Every gp3 volume includes 3,000 IOPS and 125 MiB/s in its GB price; IOPS above are priced, throughput above is not offered. */
const GP3 = { baseIops: 3000, maxIops: 16000, baseThroughputMBps: 125 };
const IO2 = { maxIops: 64000, iopsPerGb: 500 };
/** st1 is throughput-optimised HDD: 500 MiB/s at most, ~500 large sequential operations per second. */
const ST1 = { iops: 500, minGb: 125 };
/** KMS customer-managed key: USD 1 per month. Dedicated instances: 10 % on the hourly price and USD 2/hour per region. */
const KMS_KEY_MONTHLY = 1;
const DEDICATED_MARKUP = 1.1;
const DEDICATED_REGION_FEE_HOURLY = 2;

export const STORAGE_KINDS = ['gp3', 'io2', 'st1', 'raid0-gp3', 'raid1-gp3', 'raid10-gp3'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export interface StorageOption {
  kind: StorageKind;
  medium: 'ssd' | 'hdd';
  volumeType: 'gp3' | 'io2' | 'st1';
  raid?: 0 | 1 | 10;
  volumes: number;
  sizeGbEach: number;
  iopsEach: number;
  /** gp3 only: the MiB/s each volume is provisioned with (the baseline its price includes); older proposals have none. */
  throughputMBpsEach?: number;
  /** What the array delivers: striping adds, mirroring does not for writes. */
  iops: number;
  /** Survives the loss of one volume. */
  redundant: boolean;
  monthlyUsd: number;
  /** Set when the region has no EBS price data and another region's prices stood in: which one. */
  pricedAs?: string;
}

export const SECURITY_LEVELS = ['standard', 'kms', 'dedicated'] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];

export interface SecurityOption {
  level: SecurityLevel;
  /** 1 standard (EBS encryption, AWS-managed key), 2 customer-managed KMS key + IMDSv2, 3 also dedicated tenancy. */
  rank: number;
  encryption: 'aws-managed' | 'kms';
  tenancy: 'default' | 'dedicated';
}

export const SECURITY_OPTIONS: SecurityOption[] = [
  { level: 'standard', rank: 1, encryption: 'aws-managed', tenancy: 'default' },
  { level: 'kms', rank: 2, encryption: 'kms', tenancy: 'default' },
  { level: 'dedicated', rank: 3, encryption: 'kms', tenancy: 'dedicated' },
];

const money = (v: number) => Math.round(v * 100) / 100;

/** A region's EBS prices: from its price table, else the shipped ones, else us-east-1's (said in `pricedAs`). */
export function ebsPricesOf(region: string): { prices: EbsPrices; pricedAs?: string } {
  const prices = PRICES.regions[region]?.ebs ?? EBS[region];
  return prices ? { prices } : { prices: EBS['us-east-1']!, pricedAs: 'us-east-1' };
}

/** One volume or array of the given kind, sized for the data and provisioned for the IOPS asked (within what the kind can do). */
export function storageOption(kind: StorageKind, region: string, storageGb: number, iopsWanted: number): StorageOption {
  const option = layoutOf(kind, region, storageGb, iopsWanted);
  const { pricedAs } = ebsPricesOf(region);
  return pricedAs ? { ...option, pricedAs } : option;
}

function layoutOf(kind: StorageKind, region: string, storageGb: number, iopsWanted: number): StorageOption {
  const p = ebsPricesOf(region).prices;
  const gp3 = (gb: number, iops: number) => {
    const provisioned = Math.min(GP3.maxIops, Math.max(GP3.baseIops, Math.ceil(iops)));
    return {
      gb: Math.max(1, Math.ceil(gb)),
      iops: provisioned,
      usd: Math.max(1, Math.ceil(gb)) * p.gp3Gb + (provisioned - GP3.baseIops) * p.gp3Iops,
    };
  };
  const array = (raid: 0 | 1 | 10, volumes: number): StorageOption => {
    const stripes = raid === 1 ? 1 : raid === 10 ? volumes / 2 : volumes;
    const each = gp3(storageGb / stripes, iopsWanted / stripes);
    return {
      kind,
      medium: 'ssd',
      volumeType: 'gp3',
      raid,
      volumes,
      sizeGbEach: each.gb,
      iopsEach: each.iops,
      throughputMBpsEach: GP3.baseThroughputMBps,
      iops: each.iops * stripes,
      redundant: raid !== 0,
      monthlyUsd: money(each.usd * volumes),
    };
  };
  switch (kind) {
    case 'gp3': {
      const v = gp3(storageGb, iopsWanted);
      return {
        kind,
        medium: 'ssd',
        volumeType: 'gp3',
        volumes: 1,
        sizeGbEach: v.gb,
        iopsEach: v.iops,
        throughputMBpsEach: GP3.baseThroughputMBps,
        iops: v.iops,
        redundant: false,
        monthlyUsd: money(v.usd),
      };
    }
    case 'io2': {
      const iops = Math.min(IO2.maxIops, Math.max(100, Math.ceil(iopsWanted)));
      const gb = Math.max(Math.ceil(storageGb), Math.ceil(iops / IO2.iopsPerGb), 4);
      return {
        kind,
        medium: 'ssd',
        volumeType: 'io2',
        volumes: 1,
        sizeGbEach: gb,
        iopsEach: iops,
        iops,
        redundant: false,
        monthlyUsd: money(gb * p.io2Gb + iops * p.io2Iops),
      };
    }
    case 'st1': {
      const gb = Math.max(ST1.minGb, Math.ceil(storageGb));
      return {
        kind,
        medium: 'hdd',
        volumeType: 'st1',
        volumes: 1,
        sizeGbEach: gb,
        iopsEach: ST1.iops,
        iops: ST1.iops,
        redundant: false,
        monthlyUsd: money(gb * p.st1Gb),
      };
    }
    case 'raid0-gp3':
      return array(0, 2);
    case 'raid1-gp3':
      return array(1, 2);
    case 'raid10-gp3':
      return array(10, 4);
  }
}

/**
 * A primary and a replica of the same configuration in two availability
 * zones: what a 99.99 % uptime needs, as EC2's SLA covers one instance for
 * 99.5 % and instances in two or more zones of a region for 99.99 %.
 */
export interface MultiAzLayout {
  layout: 'primary-replica';
  instances: 2;
  zones: 2;
}

export const MULTI_AZ: MultiAzLayout = { layout: 'primary-replica', instances: 2, zones: 2 };

/** Instance price for a tenancy, per hour and instance; dedicated adds its per-region fee (see `monthlyCost`). */
function instanceHourly(base: number, security: SecurityOption): number {
  return security.tenancy === 'dedicated' ? base * DEDICATED_MARKUP : base;
}

/**
 * What the configuration costs: every instance of the layout with its own
 * volumes, one KMS key for all, and (dedicated) one region fee. Undefined
 * when the region's price table does not list the type.
 */
export function monthlyCost(
  instance: InstanceType,
  region: string,
  storage: StorageOption,
  security: SecurityOption,
  availability?: MultiAzLayout,
): { hourlyUsd: number; monthlyUsd: number } | undefined {
  const base = instance.hourlyUsd[region];
  if (base === undefined) return undefined;
  return costOf(base, storage, security, availability);
}

/**
 * The monthly cost with the instances under a 1-year standard no-upfront
 * reservation, where the region's price table gives one (shared tenancy only:
 * dedicated reservations are priced otherwise).
 */
export function reservedMonthlyCost(
  instance: InstanceType,
  region: string,
  storage: StorageOption,
  security: SecurityOption,
  availability?: MultiAzLayout,
): number | undefined {
  const hourly = instance.reservedHourlyUsd[region];
  if (hourly === undefined || security.tenancy !== 'default') return undefined;
  return costOf(hourly, storage, security, availability).monthlyUsd;
}

/** What is known of the cost of a type with no price data in a region: its storage and key, the instances left out. */
export function costWithoutInstance(
  storage: StorageOption,
  security: SecurityOption,
  availability?: MultiAzLayout,
): { hourlyUsd: number; monthlyUsd: number } {
  return costOf(0, storage, security, availability);
}

function costOf(base: number, storage: StorageOption, security: SecurityOption, availability?: MultiAzLayout) {
  const instances = availability?.instances ?? 1;
  const regionFee = security.tenancy === 'dedicated' && base > 0 ? DEDICATED_REGION_FEE_HOURLY : 0;
  const monthly =
    (instanceHourly(base, security) * instances + regionFee) * HOURS_PER_MONTH +
    storage.monthlyUsd * instances +
    (security.encryption === 'kms' ? KMS_KEY_MONTHLY : 0);
  return { hourlyUsd: Math.round((monthly / HOURS_PER_MONTH) * 1e4) / 1e4, monthlyUsd: money(monthly) };
}
