/**
 * Writes src/negotiation/data/ec2-catalog.json: the instance facts of the EC2
 * instance-type data moto ships (itself a dump of DescribeInstanceTypes and
 * DescribeInstanceTypeOfferings), joined with on-demand list prices of a
 * representative set of families in two regions.
 *
 *   npx tsx scripts/build-ec2-catalog.ts [path/to/moto/ec2/resources]
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../src/config';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;

/**
 * Linux on-demand USD/hour of each family's `.large` size, per region, as
 * listed on https://aws.amazon.com/ec2/pricing/on-demand/ (public list
 * prices, transcribed by hand; this machine cannot reach AWS). Other sizes of
 * a family are priced in proportion to their size, as AWS prices them.
 */
const LARGE_PRICE: Record<string, Record<(typeof REGIONS)[number], number>> = {
  t3: { 'us-east-1': 0.0832, 'eu-west-1': 0.0912 },
  t3a: { 'us-east-1': 0.0752, 'eu-west-1': 0.0816 },
  t4g: { 'us-east-1': 0.0672, 'eu-west-1': 0.0736 },
  m5: { 'us-east-1': 0.096, 'eu-west-1': 0.107 },
  m5a: { 'us-east-1': 0.086, 'eu-west-1': 0.096 },
  m6i: { 'us-east-1': 0.096, 'eu-west-1': 0.107 },
  m6g: { 'us-east-1': 0.077, 'eu-west-1': 0.086 },
  m7g: { 'us-east-1': 0.0816, 'eu-west-1': 0.0912 },
  m7i: { 'us-east-1': 0.1008, 'eu-west-1': 0.1124 },
  c5: { 'us-east-1': 0.085, 'eu-west-1': 0.096 },
  c6i: { 'us-east-1': 0.085, 'eu-west-1': 0.096 },
  c6g: { 'us-east-1': 0.068, 'eu-west-1': 0.077 },
  c7g: { 'us-east-1': 0.0725, 'eu-west-1': 0.0816 },
  r5: { 'us-east-1': 0.126, 'eu-west-1': 0.141 },
  r6i: { 'us-east-1': 0.126, 'eu-west-1': 0.141 },
  r6g: { 'us-east-1': 0.1008, 'eu-west-1': 0.1128 },
  i3: { 'us-east-1': 0.156, 'eu-west-1': 0.172 },
  i3en: { 'us-east-1': 0.226, 'eu-west-1': 0.247 },
  z1d: { 'us-east-1': 0.186, 'eu-west-1': 0.208 },
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
  BurstablePerformanceSupported: boolean;
  VCpuInfo: { DefaultVCpus: number };
  MemoryInfo: { SizeInMiB: number };
  ProcessorInfo: { SupportedArchitectures: string[] };
  NetworkInfo: { NetworkPerformance: string; NetworkCards?: { BaselineBandwidthInGbps?: number; PeakBandwidthInGbps?: number }[] };
  EbsInfo?: { EbsOptimizedInfo?: { MaximumIops?: number; BaselineIops?: number } };
  InstanceStorageInfo?: { TotalSizeInGB: number; Disks: { Type: string }[] };
  DedicatedHostsSupported?: boolean;
}

const readGz = (file: string) => JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8'));

function main() {
  const resources =
    process.argv[2] ?? path.join(loadConfig().cacheDir, 'venv', 'lib', 'python3.11', 'site-packages', 'moto', 'ec2', 'resources');
  const types = readGz(path.join(resources, 'instance_types.json.gz')) as Record<string, MotoType>;
  const offered = Object.fromEntries(
    REGIONS.map((r) => [
      r,
      new Set(
        (readGz(path.join(resources, 'instance_type_offerings', 'region', `${r}.json.gz`)) as { InstanceType: string }[]).map(
          (o) => o.InstanceType,
        ),
      ),
    ]),
  );
  const instances = Object.values(types)
    .map((t) => {
      const [family, size] = t.InstanceType.split('.') as [string, string];
      const units = sizeUnits(size);
      const base = LARGE_PRICE[family];
      if (!base || units === undefined) return undefined;
      const prices = Object.fromEntries(
        REGIONS.filter((r) => offered[r]!.has(t.InstanceType)).map((r) => [r, Math.round(base[r] * units * 1e5) / 1e5]),
      );
      if (!Object.keys(prices).length) return undefined;
      const card = t.NetworkInfo.NetworkCards?.[0];
      return {
        name: t.InstanceType,
        family,
        vcpu: t.VCpuInfo.DefaultVCpus,
        memoryGb: Math.round((t.MemoryInfo.SizeInMiB / 1024) * 1000) / 1000,
        arch: t.ProcessorInfo.SupportedArchitectures.includes('arm64') ? 'arm64' : 'x86_64',
        burstable: t.BurstablePerformanceSupported,
        networkGbps: card?.BaselineBandwidthInGbps ?? 0,
        networkPeakGbps: card?.PeakBandwidthInGbps ?? 0,
        networkPerformance: t.NetworkInfo.NetworkPerformance,
        ebsMaxIops: t.EbsInfo?.EbsOptimizedInfo?.MaximumIops ?? 0,
        ebsBaselineIops: t.EbsInfo?.EbsOptimizedInfo?.BaselineIops ?? 0,
        instanceStorageGb: t.InstanceStorageInfo?.TotalSizeInGB ?? 0,
        dedicated: t.DedicatedHostsSupported ?? false,
        hourlyUsd: prices,
      };
    })
    .filter((x): x is NonNullable<typeof x> => x !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const motoVersion = fs
    .readdirSync(path.join(resources, '..', '..', '..'))
    .find((d) => /^moto-[\d.]+\.dist-info$/.test(d))
    ?.replace(/^moto-|\.dist-info$/g, '');
  const catalog = {
    source: {
      instances: `moto ${motoVersion} moto/ec2/resources/instance_types.json.gz and instance_type_offerings/region (a dump of EC2 DescribeInstanceTypes / DescribeInstanceTypeOfferings)`,
      prices:
        'Linux on-demand list prices of each family’s .large size from https://aws.amazon.com/ec2/pricing/on-demand/ (public list prices, transcribed by hand; sizes priced in proportion, as AWS does); taxes, reserved and spot prices excluded',
      built: '2026-11-23',
      builtBy: 'scripts/build-ec2-catalog.ts',
    },
    regions: REGIONS,
    families: Object.keys(LARGE_PRICE),
    instances,
  };
  const out = path.resolve(__dirname, '..', 'src', 'negotiation', 'data', 'ec2-catalog.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(catalog, null, 1)}\n`);
  process.stdout.write(`${instances.length} instance types in ${REGIONS.join(', ')} -> ${path.relative(process.cwd(), out)}\n`);
}

main();
