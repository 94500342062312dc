import fs from 'node:fs';
import path from 'node:path';
import { profileFromStructured } from '../../../src/negotiation/capacity';
import { buildCatalog, ebsPricesOf, PRICES, storageOption } from '../../../src/negotiation/catalog';
import { solve, type Requirements } from '../../../src/negotiation/solver';
import { mergePrices, PriceListInvalid, pricesFromPriceList } from '../../../src/negotiation/price-list';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/price-list', name), 'utf8'));

describe('AWS Price List → price table', () => {
  it('reads the bulk offer file: Linux shared on-demand and 1-year standard no-upfront reserved, nothing else', () => {
    const r = pricesFromPriceList(fixture('ec2-offer-eu-central-1.json'), 'index.json');
    expect(Object.keys(r.regions)).toEqual(['eu-central-1']);
    const fra = r.regions['eu-central-1']!;
    // Windows, dedicated, capacity reservations, SQL Server and storage products are skipped.
    expect(fra.onDemand).toEqual({ 'm5.large': 0.115, 'g5.xlarge': 1.258, 'x2gd.large': 0.1603, 'm99.large': 0.5 });
    expect(fra.reserved1yr).toEqual({ 'm5.large': 0.072, 'g5.xlarge': 0.792 });
    expect(fra.asOf).toBe('2026-12-01');
    expect(fra.source).toMatch(/AWS Price List version 20261201182516 published 2026-12-01T18:25:16Z \(index\.json\)/);
    // EBS: GB-month of each type and provisioned IOPS (io2's first tier, not tier 2).
    expect(fra.ebs).toEqual({ gp3Gb: 0.0952, gp3Iops: 0.006, io2Gb: 0.149, io2Iops: 0.078, st1Gb: 0.054 });
    expect(r).toMatchObject({ products: 14, priced: 4 });
  });

  it('reads a GetProducts answer (PriceList of JSON strings)', () => {
    const r = pricesFromPriceList(fixture('get-products-ap-south-1.json'), 'ap-south-1.json');
    expect(r.regions['ap-south-1']!.onDemand).toEqual({ 'm5.large': 0.101, 't3.micro': 0.0112 });
  });

  it('keeps only the regions asked for', () => {
    expect(pricesFromPriceList(fixture('ec2-offer-eu-central-1.json'), 'f', ['us-east-1']).regions).toEqual({});
  });

  it('names what is wrong with a document that is not a price list', () => {
    const bad = (doc: unknown) => () => pricesFromPriceList(doc, 'f');
    expect(bad([])).toThrow(PriceListInvalid);
    expect(bad({ offerCode: 'AmazonS3', products: {}, terms: {} })).toThrow(/offerCode: expected AmazonEC2/);
    expect(bad({ offerCode: 'AmazonEC2' })).toThrow(/products: expected an object/);
    expect(bad({ PriceList: ['{not json'] })).toThrow(/PriceList\.0: expected a JSON string/);
    expect(bad({ PriceList: [{ product: {} }] })).toThrow(/PriceList\.0: expected \{ product: \{ sku/);
    // Prices that are not positive numbers are no price, not zero.
    const doc = fixture('ec2-offer-eu-central-1.json');
    for (const terms of Object.values(doc.terms.OnDemand) as Record<
      string,
      { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> }
    >[])
      for (const t of Object.values(terms)) for (const d of Object.values(t.priceDimensions)) d.pricePerUnit.USD = 'free';
    expect(pricesFromPriceList(doc, 'f').regions).toEqual({});
  });

  it('replaces a refreshed region whole and keeps the others', () => {
    const table = {
      regions: {
        'eu-central-1': { source: 'old', asOf: '2026-01-01', onDemand: { 't3.micro': 0.012, 'm5.large': 0.11 } },
        'us-east-1': { source: 'old', asOf: '2026-01-01', onDemand: { 'm5.large': 0.096 } },
      },
    };
    const merged = mergePrices(table, pricesFromPriceList(fixture('ec2-offer-eu-central-1.json'), 'f').regions);
    expect(merged.regions['us-east-1']).toEqual(table.regions['us-east-1']);
    expect(merged.regions['eu-central-1']!.onDemand['t3.micro']).toBeUndefined();
    expect(merged.regions['eu-central-1']!.onDemand['m5.large']).toBe(0.115);
  });
});

describe('EBS prices of a region', () => {
  it('come from its table, else stand in from us-east-1 and say so', () => {
    expect(ebsPricesOf('eu-central-1').pricedAs).toBeUndefined();
    expect(ebsPricesOf('ap-south-1').pricedAs).toBe('us-east-1');
    expect(storageOption('gp3', 'ap-south-1', 100, 3000).pricedAs).toBe('us-east-1');
    expect(storageOption('gp3', 'us-east-1', 100, 3000).pricedAs).toBeUndefined();
  });
});

describe('reserved pricing in proposals', () => {
  const refreshed = buildCatalog(mergePrices(PRICES, pricesFromPriceList(fixture('ec2-offer-eu-central-1.json'), 'index.json').regions));
  const req = (durationDays: number): Requirements => ({
    profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 10, datasetGb: 10 }),
    headroom: 1.3,
    compliance: [],
    cost: { maxHourlyUsd: 5, maxMonthlyUsd: 3000 },
    region: 'eu-central-1',
    constraints: [{ kind: 'families', families: ['m5'] }],
    lifecycle: { durationDays },
  });

  it('shows a 1-year reservation, priced and explained, for an instance meant to run a year or more', () => {
    const result = solve(req(730), { catalog: refreshed });
    if (!result.ok) throw new Error('expected proposals');
    const m5 = result.proposals.find((p) => p.instanceType === 'm5.large' && p.security.tenancy === 'default')!;
    const instanceSaving = Math.round((0.115 - 0.072) * 730 * 100) / 100;
    expect(m5.reserved).toMatchObject({ term: '1yr-no-upfront' });
    expect(m5.reserved!.savingPerMonthUsd).toBeCloseTo(instanceSaving, 1);
    expect(m5.reasons.join('\n')).toMatch(/meant to run 730 days: a 1-year no-upfront reservation makes it \$[\d.]+\/month/);
  });

  it('shows none for a short-lived instance, nor where the table has no reserved price', () => {
    const short = solve(req(90), { catalog: refreshed });
    if (!short.ok) throw new Error('expected proposals');
    expect(short.proposals.every((p) => p.reserved === undefined)).toBe(true);
    const shipped = solve({ ...req(730), region: 'us-east-1' });
    if (!shipped.ok) throw new Error('expected proposals');
    expect(shipped.proposals.every((p) => p.reserved === undefined)).toBe(true);
  });
});
