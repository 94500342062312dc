/**
 * Writes the shipped EC2 catalog, in two files:
 * - src/negotiation/data/ec2-instance-types.json: every instance type and
 *   every region of the EC2 data moto ships (itself a dump of
 *   DescribeInstanceTypes and DescribeInstanceTypeOfferings), with the facts
 *   proposals use;
 * - src/negotiation/data/ec2-prices.json: the price table the project ships
 *   before anyone runs `mosaic catalog refresh` (which replaces a region's
 *   table from the AWS Price List): Linux on-demand list prices transcribed
 *   by hand, for the regions and types below only. Everything else is
 *   "no price data", shown as such, never guessed.
 *
 *   npx tsx scripts/build-ec2-catalog.ts [path/to/moto/ec2/resources]
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../src/config';

const TRANSCRIBED = '2026-12-03';
const PRICE_SOURCE =
  'Linux on-demand list prices (shared tenancy) from https://aws.amazon.com/ec2/pricing/on-demand/, transcribed by hand (this machine cannot reach AWS): each family’s .large size, other sizes in proportion as AWS prices them, GPU/high-memory/storage-dense types one by one; no reserved or spot prices; run `mosaic catalog refresh` with the Price List offer file to replace';

/** USD/hour of each family's `.large` size, per region. */
const LARGE_PRICE: Record<string, Record<string, number>> = {
  t3: { 'us-east-1': 0.0832, 'eu-west-1': 0.0912, 'eu-central-1': 0.096 },
  t3a: { 'us-east-1': 0.0752, 'eu-west-1': 0.0816, 'eu-central-1': 0.0864 },
  t4g: { 'us-east-1': 0.0672, 'eu-west-1': 0.0736, 'eu-central-1': 0.0768 },
  m5: { 'us-east-1': 0.096, 'eu-west-1': 0.107, 'eu-central-1': 0.115 },
  m5a: { 'us-east-1': 0.086, 'eu-west-1': 0.096, 'eu-central-1': 0.104 },
  m6i: { 'us-east-1': 0.096, 'eu-west-1': 0.107, 'eu-central-1': 0.115 },
  m6g: { 'us-east-1': 0.077, 'eu-west-1': 0.086, 'eu-central-1': 0.092 },
  m7g: { 'us-east-1': 0.0816, 'eu-west-1': 0.0912, 'eu-central-1': 0.0976 },
  m7i: { 'us-east-1': 0.1008, 'eu-west-1': 0.1124, 'eu-central-1': 0.1208 },
  c5: { 'us-east-1': 0.085, 'eu-west-1': 0.096, 'eu-central-1': 0.097 },
  c6i: { 'us-east-1': 0.085, 'eu-west-1': 0.096, 'eu-central-1': 0.097 },
  c6g: { 'us-east-1': 0.068, 'eu-west-1': 0.077, 'eu-central-1': 0.0776 },
  c7g: { 'us-east-1': 0.0725, 'eu-west-1': 0.0816, 'eu-central-1': 0.0826 },
  r5: { 'us-east-1': 0.126, 'eu-west-1': 0.141, 'eu-central-1': 0.152 },
  r6i: { 'us-east-1': 0.126, 'eu-west-1': 0.141, 'eu-central-1': 0.152 },
  r6g: { 'us-east-1': 0.1008, 'eu-west-1': 0.1128, 'eu-central-1': 0.1216 },
  i3: { 'us-east-1': 0.156, 'eu-west-1': 0.172, 'eu-central-1': 0.186 },
  i3en: { 'us-east-1': 0.226, 'eu-west-1': 0.247, 'eu-central-1': 0.27 },
  z1d: { 'us-east-1': 0.186, 'eu-west-1': 0.208, 'eu-central-1': 0.226 },
};

/** Types AWS does not price in proportion to size (GPUs, high memory, dense storage): USD/hour in us-east-1. */
const TYPE_PRICE: Record<string, Record<string, number>> = {
  'us-east-1': {
    'g4dn.xlarge': 0.526,
    'g4dn.2xlarge': 0.752,
    'g4dn.4xlarge': 1.204,
    'g4dn.8xlarge': 2.176,
    'g4dn.12xlarge': 3.912,
    'g4dn.16xlarge': 4.352,
    'g5.xlarge': 1.006,
    'g5.2xlarge': 1.212,
    'g5.4xlarge': 1.624,
    'g5.8xlarge': 2.448,
    'g5.12xlarge': 5.672,
    'g5.16xlarge': 4.096,
    'g5.24xlarge': 8.144,
    'g5.48xlarge': 16.288,
    'p3.2xlarge': 3.06,
    'p3.8xlarge': 12.24,
    'p3.16xlarge': 24.48,
    'x1.16xlarge': 6.669,
    'x1.32xlarge': 13.338,
    'x1e.xlarge': 0.834,
    'x1e.2xlarge': 1.668,
    'x1e.4xlarge': 3.336,
    'd3.xlarge': 0.499,
    'd3.2xlarge': 0.999,
    'd3.4xlarge': 1.998,
    'd3.8xlarge': 3.995,
  },
};

/** Size units relative to `.large`; `.metal` sizes are left out (priced individually). */
function sizeUnits(size: string): number | undefined {
  const fixed: Record<string, number> = { nano: 1 / 16, micro: 1 / 8, small: 1 / 4, medium: 1 / 2, large: 1, xlarge: 2 };
  if (size in fixed) return fixed[size];
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 2 * Number(m[1]) : undefined;
}

interface MotoType {
  InstanceType: string;
  CurrentGeneration: boolean;
  BareMetal: boolean;
  BurstablePerformanceSupported: boolean;
  VCpuInfo: { DefaultVCpus: number };
  MemoryInfo: { SizeInMiB: number };
  ProcessorInfo: { SupportedArchitectures: string[] };
  NetworkInfo: { NetworkPerformance: string; NetworkCards?: { BaselineBandwidthInGbps?: number; PeakBandwidthInGbps?: number }[] };
  EbsInfo?: {
    MaximumEbsAttachments?: number;
    EbsOptimizedInfo?: { MaximumIops?: number; BaselineIops?: number; MaximumThroughputInMBps?: number };
  };
  InstanceStorageInfo?: { TotalSizeInGB: number; Disks: { Type: string; Count: number }[] };
  DedicatedHostsSupported?: boolean;
  GpuInfo?: { Gpus: { Count: number; Name: string; Manufacturer: string }[]; TotalGpuMemoryInMiB?: number };
  NeuronInfo?: { NeuronDevices: { Count: number; Name: string }[] };
  InferenceAcceleratorInfo?: { Accelerators: { Count: number; Name: string }[] };
  FpgaInfo?: { Fpgas: { Count: number; Name: string }[] };
  MediaAcceleratorInfo?: { Accelerators: { Count: number; Name: string }[] };
}

const readGz = (file: string) => JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8'));
const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/** Non-GPU accelerators (Inferentia/Trainium, Elastic Inference, FPGAs, media) as `count× name`. */
function accelerators(t: MotoType): { name: string; count: number }[] {
  const lists = [
    t.NeuronInfo?.NeuronDevices,
    t.InferenceAcceleratorInfo?.Accelerators,
    t.FpgaInfo?.Fpgas,
    t.MediaAcceleratorInfo?.Accelerators,
  ];
  return lists.flatMap((l) => (l ?? []).map((a) => ({ name: a.Name, count: a.Count })));
}

function facts(t: MotoType, regionIndices: number[]) {
  const [family, size] = t.InstanceType.split('.') as [string, string];
  const card = t.NetworkInfo.NetworkCards?.[0];
  const gpus = t.GpuInfo?.Gpus ?? [];
  const acc = accelerators(t);
  const ebs = t.EbsInfo?.EbsOptimizedInfo;
  return {
    name: t.InstanceType,
    family,
    size,
    vcpu: t.VCpuInfo.DefaultVCpus,
    memoryGb: round(t.MemoryInfo.SizeInMiB / 1024, 3),
    arch: t.ProcessorInfo.SupportedArchitectures.includes('arm64') ? 'arm64' : 'x86_64',
    // t1.micro bursts (AWS: "a small amount of consistent CPU … and short bursts") before the credit model that sets the flag.
    burstable: t.BurstablePerformanceSupported || family === 't1',
    currentGeneration: t.CurrentGeneration,
    bareMetal: t.BareMetal,
    networkGbps: card?.BaselineBandwidthInGbps ?? 0,
    networkPeakGbps: card?.PeakBandwidthInGbps ?? 0,
    networkPerformance: t.NetworkInfo.NetworkPerformance,
    ebsMaxIops: ebs?.MaximumIops ?? 0,
    ebsBaselineIops: ebs?.BaselineIops ?? 0,
    ebsMaxThroughputMBps: ebs?.MaximumThroughputInMBps ?? 0,
    ebsMaxVolumes: t.EbsInfo?.MaximumEbsAttachments ?? 0,
    instanceStorageGb: t.InstanceStorageInfo?.TotalSizeInGB ?? 0,
    ...(t.InstanceStorageInfo
      ? {
          instanceStorageDisks: t.InstanceStorageInfo.Disks.reduce((n, d) => n + d.Count, 0),
          instanceStorageType: t.InstanceStorageInfo.Disks[0]?.Type ?? 'ssd',
        }
      : {}),
    ...(gpus.length
      ? {
          gpus: gpus.reduce((n, g) => n + g.Count, 0),
          gpuModel: `${gpus[0]!.Manufacturer} ${gpus[0]!.Name}`,
          gpuMemoryGb: round((t.GpuInfo!.TotalGpuMemoryInMiB ?? 0) / 1024, 1),
        }
      : {}),
    ...(acc.length ? { accelerators: acc.map((a) => `${a.count}× ${a.name}`).join(', ') } : {}),
    dedicated: t.DedicatedHostsSupported ?? false,
    regions: regionIndices,
  };
}

function main() {
  const resources =
    process.argv[2] ?? path.join(loadConfig().cacheDir, 'venv', 'lib', 'python3.11', 'site-packages', 'moto', 'ec2', 'resources');
  const types = readGz(path.join(resources, 'instance_types.json.gz')) as Record<string, MotoType>;
  const offeringsDir = path.join(resources, 'instance_type_offerings', 'region');
  const regions = fs
    .readdirSync(offeringsDir)
    .filter((f) => f.endsWith('.json.gz'))
    .map((f) => f.replace(/\.json\.gz$/, ''))
    .sort();
  const offeredIn = new Map<string, number[]>();
  regions.forEach((region, i) => {
    for (const o of readGz(path.join(offeringsDir, `${region}.json.gz`)) as { InstanceType: string }[]) {
      offeredIn.set(o.InstanceType, [...(offeredIn.get(o.InstanceType) ?? []), i]);
    }
  });
  const instances = Object.values(types)
    .map((t) => facts(t, offeredIn.get(t.InstanceType) ?? []))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const motoVersion = fs
    .readdirSync(path.join(resources, '..', '..', '..'))
    .find((d) => /^moto-[\d.]+\.dist-info$/.test(d))
    ?.replace(/^moto-|\.dist-info$/g, '');
  const dataDir = path.resolve(__dirname, '..', 'src', 'negotiation', 'data');
  const typesFile = path.join(dataDir, 'ec2-instance-types.json');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    typesFile,
    `${JSON.stringify({
      source: {
        instances: `moto ${motoVersion} moto/ec2/resources/instance_types.json.gz and instance_type_offerings/region/*.json.gz (a dump of EC2 DescribeInstanceTypes / DescribeInstanceTypeOfferings)`,
        built: TRANSCRIBED,
        builtBy: 'scripts/build-ec2-catalog.ts',
        note: 'regions of an instance are indices into `regions`',
      },
      regions,
      instances,
    })}\n`,
  );

  const priced: Record<string, Record<string, number>> = {};
  for (const i of instances) {
    for (const r of i.regions.map((x) => regions[x]!)) {
      const units = sizeUnits(i.size);
      const base = LARGE_PRICE[i.family]?.[r];
      const usd = TYPE_PRICE[r]?.[i.name] ?? (base !== undefined && units !== undefined ? round(base * units, 5) : undefined);
      if (usd !== undefined) (priced[r] ??= {})[i.name] = usd;
    }
  }
  const prices = {
    regions: Object.fromEntries(
      Object.keys(priced)
        .sort()
        .map((r) => [r, { source: PRICE_SOURCE, asOf: TRANSCRIBED, onDemand: priced[r]! }]),
    ),
  };
  const pricesFile = path.join(dataDir, 'ec2-prices.json');
  fs.writeFileSync(pricesFile, `${JSON.stringify(prices, null, 1)}\n`);
  const pricedCount = Object.values(priced).reduce((n, p) => n + Object.keys(p).length, 0);
  const offerings = instances.reduce((n, i) => n + i.regions.length, 0);
  process.stdout.write(
    `${instances.length} instance types in ${regions.length} regions (${offerings} offerings) -> ${path.relative(process.cwd(), typesFile)}\n` +
      `${pricedCount} priced offerings in ${Object.keys(priced).join(', ')} -> ${path.relative(process.cwd(), pricesFile)}\n`,
  );
}

main();
