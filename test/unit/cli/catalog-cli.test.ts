import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, main } from '../../../src/cli/cli';

const FIXTURES = path.join(__dirname, '../../fixtures/price-list');

describe('mosaic catalog', () => {
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  const out = () => stdout.mock.calls.join('');
  const err = () => stderr.mock.calls.join('');
  const run = (...args: string[]) => main(['node', 'mosaic', 'catalog', ...args]);
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  it('lists a region’s types with filters, priced or marked "no price data"', async () => {
    await expect(run('list', '--region', 'eu-central-1', '--family', 'm5,g5', '--sort', 'price', '--limit', '0', '--json')).resolves.toBe(
      EXIT.ok,
    );
    const listed = JSON.parse(out()) as { total: number; instances: { name: string; hourlyUsd: Record<string, number> }[] };
    expect(listed.instances.map((i) => i.name)).toEqual(expect.arrayContaining(['m5.large', 'g5.xlarge']));
    expect(listed.instances[0]!.hourlyUsd['eu-central-1']).toBeDefined();
    stdout.mockClear();
    await expect(run('list', '--region', 'eu-central-1', '--family', 'g5')).resolves.toBe(EXIT.ok);
    expect(out()).toMatch(/g5\.xlarge .* no price data/);
  });

  it('shows one type with its price in every region that offers it', async () => {
    await expect(run('show', 'm5.large', '--json')).resolves.toBe(EXIT.ok);
    const shown = JSON.parse(out()) as { prices: { region: string; onDemand: string }[] };
    expect(shown.prices.find((p) => p.region === 'eu-central-1')!.onDemand).toBe('$0.115/h');
    expect(shown.prices.find((p) => p.region === 'sa-east-1')!.onDemand).toBe('no price data');
  });

  it('names a bad type, region or filter and the fix', async () => {
    await expect(run('show', 'm5.huge')).resolves.toBe(EXIT.failure);
    expect(err()).toMatch(/m5\.huge is not in the catalog; m5 has m5\.large/);
    await expect(run('list', '--region', 'mars-1')).resolves.toBe(EXIT.failure);
    expect(err()).toMatch(/--region: "mars-1" is not a region of the catalog; `mosaic catalog regions` lists all 30/);
    await expect(run('list', '--family', 'zz9')).resolves.toBe(EXIT.failure);
    expect(err()).toMatch(/--family: zz9 not in the catalog/);
    await expect(run('list', '--gpu', 'maybe')).resolves.toBe(EXIT.failure);
    expect(err()).toMatch(/--gpu: expected yes or no/);
  });

  it('refreshes prices from an offer file and a GetProducts answer into the table it is told', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-prices-'));
    const file = path.join(dir, 'prices.json');
    try {
      await expect(
        run(
          'refresh',
          path.join(FIXTURES, 'ec2-offer-eu-central-1.json'),
          path.join(FIXTURES, 'get-products-ap-south-1.json'),
          '--out',
          file,
          '--json',
        ),
      ).resolves.toBe(EXIT.ok);
      const report = JSON.parse(out()) as { regions: { region: string; priced: number; notInCatalog: string[] }[] };
      expect(report.regions.map((r) => r.region)).toEqual(['ap-south-1', 'eu-central-1']);
      expect(report.regions[1]!.notInCatalog).toEqual(['m99.large']);
      const table = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(table.regions['eu-central-1'].onDemand).toEqual({
        'g5.xlarge': 1.258,
        'm5.large': 0.115,
        'm99.large': 0.5,
        'x2gd.large': 0.1603,
      });
      expect(table.regions['ap-south-1'].onDemand['m5.large']).toBe(0.101);
      // Regions the files do not price are kept as they were.
      expect(table.regions['us-east-1'].onDemand['m5.large']).toBe(0.096);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads Karpenter's generated pricing file, and says what a file is neither", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-prices-'));
    const file = path.join(dir, 'prices.json');
    try {
      const go = path.join(FIXTURES, 'karpenter-zz_generated.pricing_aws.go');
      await expect(run('refresh', go, '--out', file, '--dry-run', '--json')).resolves.toBe(EXIT.ok);
      const report = JSON.parse(out()) as { written: string | null; regions: { region: string; priced: number }[] };
      expect(report).toMatchObject({ written: null, regions: [{ region: 'us-east-1', priced: 25 }] });
      expect(fs.existsSync(file)).toBe(false);
      fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
      await expect(run('refresh', path.join(dir, 'main.go'), '--out', file)).resolves.toBe(EXIT.failure);
      expect(err()).toMatch(/main\.go: neither JSON .* nor Karpenter's generated pricing file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing when a file is not a price list or prices nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-prices-'));
    const target = path.join(dir, 'prices.json');
    try {
      fs.writeFileSync(path.join(dir, 's3.json'), JSON.stringify({ offerCode: 'AmazonS3', products: {}, terms: {} }));
      await expect(run('refresh', path.join(dir, 's3.json'), '--out', target)).resolves.toBe(EXIT.failure);
      expect(err()).toMatch(/offerCode: expected AmazonEC2/);
      await expect(
        run('refresh', path.join(FIXTURES, 'ec2-offer-eu-central-1.json'), '--region', 'us-east-1', '--out', target),
      ).resolves.toBe(EXIT.failure);
      expect(err()).toMatch(/priced no Linux shared-tenancy EC2 instance/);
      expect(fs.existsSync(target)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
