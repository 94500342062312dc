import { profileFromStructured } from '../../../src/negotiation/capacity';
import { compareUsage, rightSize } from '../../../src/negotiation/evolution';
import { FIRST_GENERATION_FAMILIES, INSTANCES_BY_NAME } from '../../../src/negotiation/catalog';
import { profileOf } from '../../../src/negotiation/persona';
import { reviseProposal, solve } from '../../../src/negotiation/solver';

const predicted = profileFromStructured({ role: 'database', requestsPerSecond: 500, datasetGb: 100 });

describe('persona evolution', () => {
  it('keeps the persona when observed usage is within the threshold', () => {
    const e = compareUsage(
      predicted,
      {
        source: 'reported',
        cpu: predicted.cpu.peak * 1.1,
        memoryGb: predicted.memoryGb.peak,
        iops: predicted.iops.peak * 0.9,
        networkGbps: predicted.networkGbps.peak,
      },
      0.3,
    );
    expect(e.differs).toBe(false);
    expect(e.deviation.cpu).toBeCloseTo(0.1, 2);
  });

  it('proposes the observed profile, keeping the daily shape, when usage differs beyond it', () => {
    const e = compareUsage(
      predicted,
      {
        source: 'reported',
        cpu: predicted.cpu.peak * 2,
        memoryGb: predicted.memoryGb.peak,
        iops: predicted.iops.peak,
        networkGbps: predicted.networkGbps.peak,
      },
      0.3,
    );
    expect(e.differs).toBe(true);
    expect(e.deviation.cpu).toBeCloseTo(1, 2);
    expect(e.observedProfile.cpu.peak).toBeCloseTo(predicted.cpu.peak * 2, 2);
    expect(e.observedProfile.cpu.average).toBeCloseTo(predicted.cpu.average * 2, 2);
    expect(profileOf(e.series, predicted.storageGb).cpu.peak).toBeCloseTo(predicted.cpu.peak * 2, 2);
  });
});

describe('cost management', () => {
  const result = solve({
    profile: predicted,
    headroom: 1.3,
    compliance: [],
    cost: { maxHourlyUsd: 5, maxMonthlyUsd: 4000 },
    region: 'us-east-1',
    constraints: [{ kind: 'noBurstable' }],
  });
  if (!result.ok) throw new Error('expected proposals');
  const agreed = result.proposals[0]!;

  it('prices the running instance by the hour', () => {
    const r = rightSize(agreed, 1.3, new Date('2026-11-01T00:00:00Z'), new Date('2026-11-03T00:00:00Z'));
    expect(r).toEqual({ hours: 48, runningUsd: Math.round(48 * agreed.hourlyUsd * 100) / 100, monthlyUsd: agreed.monthlyUsd });
  });

  it('recommends a smaller type when observed usage is far below the prediction', () => {
    const r = rightSize(agreed, 1.3, new Date(0), new Date(3_600_000), { cpu: 0.2, memoryGb: 0.5, iops: 50, networkGbps: 0.01 });
    expect(r.recommendation).toMatchObject({ savingPerMonthUsd: expect.any(Number) });
    expect(r.recommendation!.monthlyUsd).toBeLessThan(agreed.monthlyUsd * 0.9);
    expect(r.recommendation!.reason).toMatch(/observed peak 0.2 vCPU/);
  });

  it('never recommends what the negotiation excluded: burstable types, families, an architecture', () => {
    const idle = { cpu: 0.2, memoryGb: 0.5, iops: 50, networkGbps: 0.01 };
    const unconstrained = rightSize(agreed, 1.3, new Date(0), new Date(3_600_000), idle);
    // Without the constraints the cheapest fit is a burstable type: the case the issue saw.
    expect(INSTANCES_BY_NAME.get(unconstrained.recommendation!.instanceType)!.burstable).toBe(true);
    const requirements = {
      profile: predicted,
      headroom: 1.3,
      compliance: [],
      region: 'us-east-1',
      constraints: [{ kind: 'noBurstable' as const }, { kind: 'excludeFamilies' as const, families: ['m6g', 'c6g'] }],
    };
    const r = rightSize(agreed, 1.3, new Date(0), new Date(3_600_000), idle, requirements);
    const recommended = INSTANCES_BY_NAME.get(r.recommendation!.instanceType)!;
    expect(recommended.burstable).toBe(false);
    expect(['m6g', 'c6g']).not.toContain(recommended.family);
    const arm = rightSize(agreed, 1.3, new Date(0), new Date(3_600_000), idle, {
      ...requirements,
      constraints: [{ kind: 'noBurstable' as const }, { kind: 'arch' as const, arch: 'x86_64' as const }],
    });
    expect(INSTANCES_BY_NAME.get(arm.recommendation?.instanceType ?? agreed.instanceType)!.arch).toBe('x86_64');
  });
  it('recommends a first-generation type only when the negotiation named its family', () => {
    // Without the rule m1.small ($0.044/h, 1 vCPU) is the cheapest x86 type that does not burst.
    const idle = { cpu: 0.2, memoryGb: 0.5, iops: 50, networkGbps: 0.01 };
    const requirements = {
      profile: predicted,
      headroom: 1.3,
      compliance: [],
      region: 'us-east-1',
      constraints: [{ kind: 'noBurstable' as const }, { kind: 'arch' as const, arch: 'x86_64' as const }],
    };
    const r = rightSize(agreed, 1.3, new Date(0), new Date(3_600_000), idle, requirements);
    expect(FIRST_GENERATION_FAMILIES.has(INSTANCES_BY_NAME.get(r.recommendation!.instanceType)!.family)).toBe(false);
    const named = rightSize(agreed, 1.3, new Date(0), new Date(3_600_000), idle, {
      ...requirements,
      constraints: [...requirements.constraints, { kind: 'families' as const, families: ['m1'] }],
    });
    expect(named.recommendation?.instanceType).toMatch(/^m1\./);
  });
});

describe('right-sizing an instance chosen without price data', () => {
  it('recommends nothing rather than a saving computed from no price', () => {
    const req = {
      profile: profileFromStructured({ role: 'web-server' as const, requestsPerSecond: 100, datasetGb: 20 }),
      headroom: 1.3,
      compliance: [],
      cost: { maxHourlyUsd: 5, maxMonthlyUsd: 3000 },
      region: 'eu-central-1',
      constraints: [],
    };
    const result = solve(req);
    if (!result.ok) throw new Error('expected proposals');
    const gpu = reviseProposal(result.proposals[0]!, { instanceType: 'g5.2xlarge' }, req);
    const report = rightSize(gpu, 1.3, new Date(0), new Date(3_600_000), { cpu: 0.1, memoryGb: 0.5, iops: 10, networkGbps: 0.01 });
    expect(report.recommendation).toBeUndefined();
    expect(Number.isFinite(report.runningUsd)).toBe(true);
  });
});
