import fs from 'node:fs';
import path from 'node:path';
import { INSTANCES_BY_NAME, PRICES } from '../../../src/negotiation/catalog';
import { isKarpenterPrices, pricesFromKarpenter } from '../../../src/negotiation/karpenter-prices';
import { PriceListInvalid } from '../../../src/negotiation/price-list';

const fixture = fs.readFileSync(path.join(__dirname, '../../fixtures/price-list/karpenter-zz_generated.pricing_aws.go'), 'utf8');

describe("Karpenter's generated pricing file → price table", () => {
  it('reads every type of every region, dated by its generated line', () => {
    const r = pricesFromKarpenter(fixture, 'zz_generated.pricing_aws.go');
    expect(Object.keys(r.regions)).toEqual(['us-east-1']);
    const use1 = r.regions['us-east-1']!;
    expect(use1.asOf).toBe('2026-07-20');
    expect(use1.source).toMatch(/Karpenter's generated on-demand prices \(zz_generated\.pricing_aws\.go, generated 2026-07-20/);
    expect(use1.reserved1yr).toBeUndefined();
    // Names with a dash and a metal size are types like any other.
    expect(use1.onDemand).toMatchObject({ 'a1.medium': 0.0255, 'g5.xlarge': 1.006, 'u-6tb1.56xlarge': 46.40391, 'z1d.metal': 4.464 });
    expect(Object.keys(use1.onDemand)).toHaveLength(25);
    expect(r).toEqual(expect.objectContaining({ products: 25, priced: 25 }));
  });

  it('keeps only the regions asked for', () => {
    const r = pricesFromKarpenter(fixture, 'f', ['eu-west-1']);
    expect(r.regions).toEqual({});
    expect(r.priced).toBe(0);
  });

  it('refuses Go source that is not the pricing map, an undated one and a price that is not positive', () => {
    expect(isKarpenterPrices('package main\nfunc main() {}')).toBe(false);
    expect(() => pricesFromKarpenter('package main\n', 'f')).toThrow(PriceListInvalid);
    expect(() => pricesFromKarpenter(fixture.replace(/\/\/ generated at .*/, ''), 'f')).toThrow(/cannot date these prices/);
    expect(() => pricesFromKarpenter(fixture.replace('"c1.medium": 0.130000', '"c1.medium": 0.000000'), 'f')).toThrow(
      /line \d+: c1\.medium has price 0\.000000/,
    );
  });

  it('is what the shipped us-east-1 table was built from, and prices nearly all the catalog offers there', () => {
    const use1 = PRICES.regions['us-east-1']!;
    expect(use1.source).toMatch(/^Karpenter's generated on-demand prices/);
    const offered = [...INSTANCES_BY_NAME.values()].filter((i) => i.regions.includes('us-east-1'));
    const priced = offered.filter((i) => use1.onDemand[i.name] !== undefined);
    expect(priced.length / offered.length).toBeGreaterThan(0.95);
  });
});
