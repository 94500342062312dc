import { describeConstraint, parseConstraint } from '../../../src/negotiation/constraints';

describe('constraints', () => {
  it.each([
    ['region eu-west-1', { kind: 'region', region: 'eu-west-1' }],
    ['no burstable types', { kind: 'noBurstable' }],
    ['at least 3000 IOPS', { kind: 'minIops', iops: 3000 }],
    ['at most 200 per month', { kind: 'maxMonthlyUsd', usd: 200 }],
    ['under $0.5/hour', { kind: 'maxHourlyUsd', usd: 0.5 }],
    ['must comply with PCI DSS', { kind: 'compliance', regime: 'pci-dss' }],
    ['families m6i, c6i', { kind: 'families', families: ['m6i', 'c6i'] }],
    ['graviton only', { kind: 'arch', arch: 'arm64' }],
    ['dedicated tenancy', { kind: 'minSecurity', level: 'dedicated' }],
    ['storage raid10-gp3', { kind: 'storage', kinds: ['raid10-gp3'] }],
  ])('reads "%s"', (text, expected) => {
    expect(parseConstraint(text)).toEqual(expected);
  });

  it('accepts the JSON form and reads it back in words', () => {
    const c = parseConstraint({ kind: 'minIops', iops: 3000 });
    expect(describeConstraint(c)).toBe('at least 3000 IOPS');
  });

  it('names what it does not understand and suggests phrases', () => {
    expect(() => parseConstraint('make it fast')).toThrow(/"make it fast" is not a constraint I know; try e\.g\. "region eu-west-1"/);
    expect(() => parseConstraint('region mars-north-1')).toThrow(
      /region: expected a region of the catalog, such as us-east-1 or eu-central-1 \(all 30: mosaic catalog regions\)/,
    );
    expect(() => parseConstraint({ kind: 'minIops', iops: -1 })).toThrow(/iops/);
  });
});
