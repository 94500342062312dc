import { gunzipSync } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { buildCatalog, CATALOG, INSTANCES_BY_NAME, NO_PRICE_DATA, PRICED_REGIONS, PRICES, REGIONS } from '../../../src/negotiation/catalog';
import { filterCatalog, priceLabel, regionSummary } from '../../../src/negotiation/catalog-query';
import { parseConstraint } from '../../../src/negotiation/constraints';
import { parseNegotiationRequest } from '../../../src/negotiation/request';

const MOTO = path.join(loadConfig().cacheDir, 'venv', 'lib', 'python3.11', 'site-packages', 'moto', 'ec2', 'resources');
const motoThere = fs.existsSync(path.join(MOTO, 'instance_types.json.gz'));

describe('the shipped catalog', () => {
  (motoThere ? it : it.skip)('holds every instance type and every region of the EC2 data moto ships, and each offering', () => {
    const types = JSON.parse(gunzipSync(fs.readFileSync(path.join(MOTO, 'instance_types.json.gz'))).toString()) as Record<string, unknown>;
    expect(CATALOG.instances.map((i) => i.name).sort()).toEqual(Object.keys(types).sort());
    const regionFiles = fs.readdirSync(path.join(MOTO, 'instance_type_offerings', 'region')).map((f) => f.replace('.json.gz', ''));
    expect([...REGIONS].sort()).toEqual(regionFiles.sort());
    for (const region of ['eu-central-1', 'ap-south-1', 'us-west-2']) {
      const offered = (
        JSON.parse(gunzipSync(fs.readFileSync(path.join(MOTO, 'instance_type_offerings', 'region', `${region}.json.gz`))).toString()) as {
          InstanceType: string;
        }[]
      ).map((o) => o.InstanceType);
      expect(
        CATALOG.instances
          .filter((i) => i.regions.includes(region))
          .map((i) => i.name)
          .sort(),
      ).toEqual([...offered].sort());
    }
  });

  it('is more than one family of general-purpose types: GPUs, accelerators, high memory, dense storage', () => {
    expect(CATALOG.instances.length).toBeGreaterThan(1300);
    expect(REGIONS.length).toBe(30);
    const g5 = INSTANCES_BY_NAME.get('g5.12xlarge')!;
    expect(g5).toMatchObject({ gpus: 4, gpuModel: 'NVIDIA A10G', vcpu: 48, memoryGb: 192, arch: 'x86_64', instanceStorageGb: 3800 });
    expect(INSTANCES_BY_NAME.get('inf2.xlarge')!.accelerators).toMatch(/Inferentia/);
    expect(CATALOG.instances.filter((i) => (i.gpus ?? 0) > 0 || i.accelerators).length).toBeGreaterThanOrEqual(70);
    expect(INSTANCES_BY_NAME.get('u-6tb1.112xlarge')?.memoryGb).toBe(6144);
    expect(INSTANCES_BY_NAME.get('d3en.12xlarge')!.instanceStorageType).toBe('hdd');
    expect(INSTANCES_BY_NAME.get('m7g.large')).toMatchObject({ arch: 'arm64', ebsMaxVolumes: expect.any(Number), ebsMaxIops: 40000 });
  });

  it('prices each region from its own table, with its source and date, and no region by another’s', () => {
    expect(PRICED_REGIONS).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'eu-central-1']));
    const m5 = INSTANCES_BY_NAME.get('m5.large')!;
    expect(m5.hourlyUsd['eu-central-1']).toBe(0.115);
    expect(m5.hourlyUsd['us-east-1']).toBe(0.096);
    expect(m5.hourlyUsd['ap-south-1']).toBeUndefined();
    for (const region of PRICED_REGIONS) {
      expect(PRICES.regions[region]!.source).toMatch(/\S/);
      expect(PRICES.regions[region]!.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // A price is only ever where the type is offered.
    for (const i of CATALOG.instances) for (const r of Object.keys(i.hourlyUsd)) expect(i.regions).toContain(r);
  });

  it('shows a type without a price as "no price data" and keeps it in every listing', () => {
    const g5 = INSTANCES_BY_NAME.get('g5.xlarge')!;
    expect(priceLabel(g5, 'eu-central-1')).toBe(NO_PRICE_DATA);
    const listed = filterCatalog(CATALOG, { region: 'ap-south-1' });
    expect(listed.length).toBe(CATALOG.instances.filter((i) => i.regions.includes('ap-south-1')).length);
    expect(filterCatalog(CATALOG, { region: 'ap-south-1', priced: true })).toEqual([]);
    // r9g came after the shipped us-east-1 prices were generated; sorted by price, it follows every priced m5.
    const byPrice = filterCatalog(CATALOG, { region: 'us-east-1', families: ['r9g', 'm5'] }, 'price');
    const firstUnpriced = byPrice.findIndex((i) => i.hourlyUsd['us-east-1'] === undefined);
    expect(byPrice[firstUnpriced - 1]?.family).toBe('m5');
    expect(byPrice.slice(firstUnpriced).every((i) => i.hourlyUsd['us-east-1'] === undefined)).toBe(true);
    const summary = regionSummary(CATALOG).find((r) => r.region === 'me-south-1')!;
    expect(summary).toMatchObject({ priced: 0, prices: NO_PRICE_DATA });
    expect(summary.types).toBeGreaterThan(100);
  });

  it('joins another price table without touching the facts', () => {
    const alt = buildCatalog({ regions: { 'ap-south-1': { source: 'test', asOf: '2026-12-01', onDemand: { 'm5.large': 0.101 } } } });
    expect(alt.instances.find((i) => i.name === 'm5.large')!.hourlyUsd).toEqual({ 'ap-south-1': 0.101 });
    expect(alt.instances.length).toBe(CATALOG.instances.length);
  });

  it('takes every region of the catalog in a request and a constraint, eu-central-1 among them', () => {
    const req = parseNegotiationRequest({
      negotiationId: 'fra-1',
      user: 'u',
      account: 'a',
      region: 'eu-central-1',
      workload: { kind: 'structured', workload: { role: 'web-server', requestsPerSecond: 10 } },
    });
    expect(req.region).toBe('eu-central-1');
    expect(parseConstraint('region ap-southeast-5')).toEqual({ kind: 'region', region: 'ap-southeast-5' });
    expect(() => parseConstraint('region eu-central-9')).toThrow(/such as us-east-1 or eu-central-1/);
  });
});
