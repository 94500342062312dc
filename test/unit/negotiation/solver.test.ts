import fc from 'fast-check';
import { FIRST_GENERATION_FAMILIES } from '../../../src/negotiation/catalog';
import { profileFromStructured } from '../../../src/negotiation/capacity';
import {
  dominates,
  enumerate,
  NOTHING_MEETS_IT,
  paretoFront,
  reviseProposal,
  solve,
  type Candidate,
  type Requirements,
} from '../../../src/negotiation/solver';

const webShop = (over: Partial<Requirements> = {}): Requirements => ({
  profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 200, datasetGb: 50 }),
  headroom: 1.3,
  compliance: [],
  cost: { maxHourlyUsd: 1, maxMonthlyUsd: 600 },
  region: 'us-east-1',
  constraints: [],
  ...over,
});

/** The definition, checked pair by pair: nothing dominates a member, and of equal members the first key stays. */
function bruteForceFront(candidates: Candidate[]): Set<string> {
  const same = (a: Candidate, b: Candidate) =>
    !dominates(a, b) &&
    !dominates(b, a) &&
    a.monthlyUsd === b.monthlyUsd &&
    a.security.rank === b.security.rank &&
    JSON.stringify(a.ratios) === JSON.stringify(b.ratios);
  return new Set(
    candidates.filter((c) => !candidates.some((o) => o !== c && (dominates(o, c) || (same(o, c) && o.key < c.key)))).map((c) => c.key),
  );
}

describe('conflicts', () => {
  // Found by hand: "family cc2" in ap-south-1 named only the family, with no relaxation and no word of the region.
  it('names every reason nothing fits, and relaxes one constraint of each: an unpriced family in an unpriced region', () => {
    const r = solve(webShop({ region: 'ap-south-1', constraints: [{ kind: 'families', families: ['cc2'] }] }));
    if (r.ok) throw new Error('expected a conflict');
    expect(r.conflict.constraints.map((c) => c.id).sort()).toEqual(['request.region', 'user.0.families']);
    expect(r.conflict.constraints.find((c) => c.id === 'request.region')!.label).toMatch(/ap-south-1.*no price data/);
    expect(r.conflict.constraints.find((c) => c.id === 'user.0.families')!.label).toContain(NOTHING_MEETS_IT);
    const [nearest] = r.conflict.relaxations;
    expect(nearest?.constraint.split('+').sort()).toEqual(['request.region', 'user.0.families']);
    expect(nearest?.suggestion).toMatch(/drop "families cc2".*and use region (us-east-1|eu-west-1|eu-central-1)/);
    expect(nearest?.proposal.family).not.toBe('cc2');
  });

  it('keeps a single conflict as it was: one constraint to relax, labelled as such', () => {
    const r = solve(webShop({ constraints: [{ kind: 'families', families: ['cc2'] }] }));
    if (r.ok) throw new Error('expected a conflict');
    expect(r.conflict.constraints.map((c) => c.id)).toEqual(['user.0.families']);
    expect(r.conflict.relaxations.map((x) => x.constraint)).toEqual(['user.0.families']);
    expect(r.conflict.relaxations[0]!.proposal.region).toBe('us-east-1');
  });

  it('does not call a constraint unmeetable on its own when it only clashes with another', () => {
    const r = solve(
      webShop({
        constraints: [
          { kind: 'minVcpu', vcpu: 64 },
          { kind: 'maxMonthlyUsd', usd: 50 },
        ],
      }),
    );
    if (r.ok) throw new Error('expected a conflict');
    expect(r.conflict.constraints.length).toBeGreaterThanOrEqual(2);
    for (const c of r.conflict.constraints) expect(c.label).not.toContain(NOTHING_MEETS_IT);
  });
});

describe('cost limits', () => {
  it("lets the user's own limit replace the persona's tolerance instead of conflicting with it", () => {
    const tight = webShop({ cost: { maxHourlyUsd: 0.5, maxMonthlyUsd: 365 } });
    const within = solve(tight);
    if (!within.ok) throw new Error('expected proposals');
    expect(Math.max(...within.proposals.map((p) => p.monthlyUsd))).toBeLessThanOrEqual(365);
    const own = solve({ ...tight, constraints: [{ kind: 'maxMonthlyUsd', usd: 1500 }] });
    if (!own.ok) throw new Error(`expected proposals: ${JSON.stringify(own.conflict)}`);
    expect(Math.max(...own.proposals.map((p) => p.monthlyUsd))).toBeGreaterThan(365);
    expect(Math.max(...own.proposals.map((p) => p.monthlyUsd))).toBeLessThanOrEqual(1500);
    expect(own.proposals[0]!.reasons.join(' ')).toMatch(/within your limit of \$1500\/month/);
  });

  it('applies no tolerance without a persona', () => {
    const none = solve(webShop({ cost: undefined }), { k: 8 });
    if (!none.ok) throw new Error('expected proposals');
    expect(Math.max(...none.proposals.map((p) => p.monthlyUsd))).toBeGreaterThan(600);
    expect(none.proposals[0]!.reasons.join(' ')).not.toMatch(/tolerance/);
  });

  it('suggests the phrase that raises a limit', () => {
    const r = solve(webShop({ constraints: [{ kind: 'maxMonthlyUsd', usd: 5 }] }));
    if (r.ok) throw new Error('expected a conflict');
    expect(r.conflict.relaxations[0]!.suggestion).toMatch(/^raise the monthly limit to \$(\d+) \("at most \1 per month"\)$/);
  });
});

describe('constraint solver', () => {
  it('proposes only Pareto-optimal configurations, equal to a brute-force front, over the full catalog', () => {
    const req = webShop();
    const all = enumerate(req);
    expect(all.length).toBeGreaterThan(3000);
    const result = solve(req, { candidates: all });
    if (!result.ok) throw new Error('expected proposals');
    const feasible = all.filter((c) => c.region === 'us-east-1' && c.monthlyUsd <= 600 && c.hourlyUsd <= 1 && c.headroom >= 1.3);
    const front = paretoFront(feasible);
    expect(new Set(front.map((c) => c.key))).toEqual(bruteForceFront(feasible));
    for (const p of result.proposals) expect(front.map((c) => c.key)).toContain(p.key);
  });

  it('agrees with brute force on random workloads and constraints (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          role: fc.constantFrom('web-server', 'database', 'cache', 'analytics'),
          rps: fc.double({ min: 1, max: 2000, noNaN: true }),
          data: fc.double({ min: 1, max: 500, noNaN: true }),
          region: fc.constantFrom('us-east-1', 'eu-west-1'),
        }),
        ({ role, rps, data, region }) => {
          const req = webShop({
            profile: profileFromStructured({ role: role as never, requestsPerSecond: rps, datasetGb: data }),
            region,
            cost: { maxHourlyUsd: 50, maxMonthlyUsd: 30000 },
          });
          const feasible = enumerate(req).filter((c) => c.region === region && c.headroom >= 1.3);
          expect(new Set(paretoFront(feasible).map((c) => c.key))).toEqual(bruteForceFront(feasible));
        },
      ),
      { numRuns: 8 },
    );
  });

  it('offers diverse proposals: each differs from the others in family, storage or cost band, and says why it fits', () => {
    const result = solve(webShop(), { k: 4 });
    if (!result.ok) throw new Error('expected proposals');
    expect(result.proposals).toHaveLength(4);
    const ps = result.proposals;
    for (let i = 0; i < ps.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = ps[i]!;
        const b = ps[j]!;
        expect(
          a.family !== b.family || a.storage.kind !== b.storage.kind || a.costBand !== b.costBand || a.security.level !== b.security.level,
        ).toBe(true);
      }
    }
    expect(ps[0]!.monthlyUsd).toBe(Math.min(...ps.map((p) => p.monthlyUsd)));
    expect(ps[0]!.reasons.join(' ')).toMatch(/vCPUs for a predicted peak of .* within the persona's \$600\/month tolerance/);
  });

  it('applies compliance, user constraints and rejected configurations', () => {
    const result = solve(
      webShop({
        compliance: ['pci-dss'],
        constraints: [{ kind: 'region', region: 'eu-west-1' }, { kind: 'noBurstable' }, { kind: 'minIops', iops: 3000 }],
      }),
    );
    if (!result.ok) throw new Error('expected proposals');
    for (const p of result.proposals) {
      expect(p.region).toBe('eu-west-1');
      expect(p.burstable).toBe(false);
      expect(p.iops).toBeGreaterThanOrEqual(3000);
      expect(p.security.encryption).toBe('kms');
    }
    const first = result.proposals[0]!;
    const again = solve(
      webShop({
        compliance: ['pci-dss'],
        constraints: [
          { kind: 'region', region: 'eu-west-1' },
          { kind: 'noBurstable' },
          { kind: 'minIops', iops: 3000 },
          { kind: 'exclude', keys: [first.key] },
        ],
      }),
    );
    if (!again.ok) throw new Error('expected proposals');
    expect(again.proposals.map((p) => p.key)).not.toContain(first.key);
  });

  it('names a minimal conflicting set and the nearest relaxations when nothing fits', () => {
    const result = solve(
      webShop({
        constraints: [
          { kind: 'maxMonthlyUsd', usd: 20 },
          { kind: 'arch', arch: 'arm64' },
          { kind: 'minIops', iops: 100 },
        ],
      }),
    );
    if (result.ok) throw new Error('expected a conflict');
    // The capacity need and the $20 cap conflict on their own; arch and IOPS are innocent.
    expect(result.conflict.constraints.map((c) => c.id).sort()).toEqual(['capacity.cpu', 'user.0.maxMonthlyUsd']);
    const cap = result.conflict.relaxations.find((r) => r.constraint === 'user.0.maxMonthlyUsd')!;
    expect(cap.suggestion).toMatch(/^raise the monthly limit to \$\d+/);
    expect(cap.proposal.monthlyUsd).toBeGreaterThan(20);
    // Minimal: without any one member the rest is satisfiable.
    for (const r of result.conflict.relaxations) expect(r.proposal.key).toBeDefined();
  });

  it('re-validates and re-prices a modified proposal, and refuses one that breaks a constraint', () => {
    const req = webShop();
    const result = solve(req);
    if (!result.ok) throw new Error('expected proposals');
    const p = result.proposals[0]!;
    const bigger = reviseProposal(p, { storageGb: 400, storageKind: 'gp3' }, req);
    expect(bigger.storage.sizeGbEach).toBe(400);
    expect(bigger.monthlyUsd).toBeGreaterThan(p.monthlyUsd - p.storage.monthlyUsd);
    expect(bigger.modified).toBe(true);
    expect(() => reviseProposal(p, { instanceType: 't3.nano' }, req)).toThrow(/breaks "vCPUs ≥ peak/);
    expect(() => reviseProposal(p, { instanceType: 'q9.huge' }, req)).toThrow(/q9\.huge is not in the catalog/);
  });
});

describe('constraint solver over the whole catalog', () => {
  it('proposes in eu-central-1 from eu-central-1 prices', () => {
    const result = solve(webShop({ region: 'eu-central-1' }));
    if (!result.ok) throw new Error('expected proposals');
    expect(result.proposals.every((p) => p.region === 'eu-central-1')).toBe(true);
    for (const p of result.proposals) expect(p.unpriced).toBeUndefined();
  });

  it('the pre-filtered search finds the same front as all configurations (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          role: fc.constantFrom('web-server', 'database', 'cache', 'analytics', 'message-queue'),
          rps: fc.double({ min: 1, max: 5000, noNaN: true }),
          data: fc.double({ min: 1, max: 2000, noNaN: true }),
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'eu-central-1'),
          constraints: fc.subarray([
            { kind: 'noBurstable' as const },
            { kind: 'arch' as const, arch: 'arm64' as const },
            { kind: 'minVcpu' as const, vcpu: 8 },
            { kind: 'families' as const, families: ['m6g', 'c7g', 'r6i', 'g5'] },
            { kind: 'region' as const, region: 'eu-central-1' },
          ]),
        }),
        ({ role, rps, data, region, constraints }) => {
          const req = webShop({
            profile: profileFromStructured({ role: role as never, requestsPerSecond: rps, datasetGb: data }),
            region,
            constraints,
            cost: { maxHourlyUsd: 50, maxMonthlyUsd: 30000 },
          });
          const fast = solve(req);
          const full = solve(req, { candidates: enumerate(req) });
          expect(fast.ok).toBe(full.ok);
          if (fast.ok && full.ok) {
            expect(fast.proposals.map((p) => p.key)).toEqual(full.proposals.map((p) => p.key));
            expect(fast.front).toBe(full.front);
            expect(fast.candidates).toBeLessThanOrEqual(full.candidates);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('proposes a first-generation type when its family is named, and lets a person choose one', () => {
    const tiny = webShop({ profile: profileFromStructured({ role: 'cache', requestsPerSecond: 5, datasetGb: 0.5 }) });
    const result = solve(tiny);
    if (!result.ok) throw new Error('expected proposals');
    expect(result.proposals.filter((p) => FIRST_GENERATION_FAMILIES.has(p.family))).toEqual([]);
    const named = solve({ ...tiny, constraints: [{ kind: 'families', families: ['m3'] }] });
    if (!named.ok) throw new Error('expected m3 proposals');
    expect(named.proposals.map((p) => p.family)).toEqual(named.proposals.map(() => 'm3'));
    const chosen = reviseProposal(result.proposals[0]!, { instanceType: 'm3.large' }, tiny);
    expect(chosen).toMatchObject({ instanceType: 'm3.large', modified: true });
  });

  it('says a region has no price data instead of proposing elsewhere silently', () => {
    const result = solve(webShop({ region: 'ap-south-1' }));
    if (result.ok) throw new Error('expected a conflict: ap-south-1 has no prices in the shipped table');
    expect(result.conflict.constraints.map((c) => c.label)).toEqual([expect.stringMatching(/region ap-south-1 .*no price data there yet/)]);
    expect(result.conflict.relaxations[0]!.suggestion).toMatch(/^use region /);
  });

  it('lets a person choose a type with no price data, and says its cost could not be checked', () => {
    const req = webShop({ region: 'eu-central-1' });
    const result = solve(req);
    if (!result.ok) throw new Error('expected proposals');
    const gpu = reviseProposal(result.proposals[0]!, { instanceType: 'g5.2xlarge' }, req);
    expect(gpu).toMatchObject({ instanceType: 'g5.2xlarge', region: 'eu-central-1', unpriced: true, modified: true });
    expect(gpu.monthlyUsd).toBe(gpu.storage.monthlyUsd + (gpu.security.encryption === 'kms' ? 1 : 0));
    expect(gpu.reasons.join(' ')).toMatch(/no price data for g5\.2xlarge in eu-central-1: .* could not be checked/);
    // Capacity is still checked, and a type that the region does not offer is refused with where it is.
    expect(() => reviseProposal(result.proposals[0]!, { instanceType: 't3.nano' }, req)).toThrow(/breaks "vCPUs/);
    expect(() => reviseProposal(result.proposals[0]!, { instanceType: 'c8gb.2xlarge', region: 'eu-central-1' }, req)).toThrow(
      /c8gb\.2xlarge is not offered in eu-central-1; it is in us-east-1, us-west-2/,
    );
  });
});
