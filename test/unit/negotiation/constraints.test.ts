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

  // Variants people type; none of them is one of the phrases above.
  it.each([
    ['no burstable instances', { kind: 'noBurstable' }],
    ['No burstable instance types.', { kind: 'noBurstable' }],
    ['please, avoid burstables', { kind: 'noBurstable' }],
    ['non-burstable only', { kind: 'noBurstable' }],
    ['at least 3,000 IOPS', { kind: 'minIops', iops: 3000 }],
    ['3k iops or more', { kind: 'minIops', iops: 3000 }],
    ['min 4 vcpus', { kind: 'minVcpu', vcpu: 4 }],
    ['8+ cores', { kind: 'minVcpu', vcpu: 8 }],
    ['at least 16 GB of RAM', { kind: 'minMemoryGb', memoryGb: 16 }],
    ['32gb ram', { kind: 'minMemoryGb', memoryGb: 32 }],
    ['max 1500 usd a month', { kind: 'maxMonthlyUsd', usd: 1500 }],
    ['no more than $1,500 per month', { kind: 'maxMonthlyUsd', usd: 1500 }],
    ['$300/mo max', { kind: 'maxMonthlyUsd', usd: 300 }],
    ['monthly budget of $250', { kind: 'maxMonthlyUsd', usd: 250 }],
    ['less than 0.4 an hour', { kind: 'maxHourlyUsd', usd: 0.4 }],
    ['m6i or c6i only', { kind: 'families', families: ['m6i', 'c6i'] }],
    ['no t3', { kind: 'excludeFamilies', families: ['t3'] }],
    ["don't use m5 or m5a instances", { kind: 'excludeFamilies', families: ['m5', 'm5a'] }],
    ['ARM only', { kind: 'arch', arch: 'arm64' }],
    ['intel', { kind: 'arch', arch: 'x86_64' }],
    ['must be in eu-west-1', { kind: 'region', region: 'eu-west-1' }],
    ['in Europe', { kind: 'region', region: 'eu-west-1' }],
    ['eu-west-1', { kind: 'region', region: 'eu-west-1' }],
    ['SSD', { kind: 'storage', kinds: ['gp3', 'io2', 'raid0-gp3', 'raid1-gp3', 'raid10-gp3'] }],
    ['raid 10', { kind: 'storage', kinds: ['raid10-gp3'] }],
    ['mirrored storage', { kind: 'redundantStorage' }],
    ['single-tenant', { kind: 'minSecurity', level: 'dedicated' }],
    ['encryption at rest', { kind: 'minSecurity', level: 'kms' }],
    ['HIPAA compliant', { kind: 'compliance', regime: 'hipaa' }],
    ['pci', { kind: 'compliance', regime: 'pci-dss' }],
    ['2x headroom', { kind: 'minHeadroom', factor: 2 }],
  ])('reads the variant "%s"', (text, expected) => {
    expect(parseConstraint(text)).toEqual(expected);
  });

  it.each([
    ['no burstible types', 'no burstable types'],
    ['minimum iops 5000', 'at least 5000 IOPS'],
    ['max budget 900 per mnth', 'at most 900 per month'],
    ['need lots of ram', 'at least 16 GiB memory'],
    ['dedicated tenancies', 'dedicated tenancy'],
  ])('suggests the closest known phrase for "%s"', (typed, suggested) => {
    expect(() => parseConstraint(typed)).toThrow(`did you mean "${suggested}"?`);
  });

  it('does not read a word that is not a family as one', () => {
    expect(() => parseConstraint('no idea')).toThrow(/"no idea" is not a constraint I know/);
    expect(() => parseConstraint('x9 only')).toThrow(/is not a constraint I know/);
  });

  it('names what it does not understand and suggests phrases', () => {
    expect(() => parseConstraint('make it fast')).toThrow(
      /"make it fast" is not a constraint I know; did you mean "[^"]+"\? Phrases I know: "region eu-west-1"/,
    );
    expect(() => parseConstraint('region mars-north-1')).toThrow(
      /region: expected a region of the catalog, such as us-east-1 or eu-central-1 \(all 30: mosaic catalog regions\)/,
    );
    expect(() => parseConstraint({ kind: 'minIops', iops: -1 })).toThrow(/iops/);
  });
});

describe('constraints from hostile input', () => {
  it('refuses a phrase too long to be one before any pattern reads it, naming the bound', () => {
    expect(() => parseConstraint('use ' + ' ,'.repeat(3000) + ' x')).toThrow(/a constraint phrase is at most 200 characters; got 6006/);
  });
});
