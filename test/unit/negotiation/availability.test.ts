import { describeNegotiation } from '../../../src/cli/commands/negotiation';
import { proposalColumn } from '../../../src/operator/console/model';
import type { NegotiationView } from '../../../src/contract/negotiate';
import { profileFromStructured } from '../../../src/negotiation/capacity';
import { CATALOG, HOURS_PER_MONTH, INSTANCES_BY_NAME } from '../../../src/negotiation/catalog';
import { rightSize } from '../../../src/negotiation/evolution';
import { reviseProposal, solve, type Requirements } from '../../../src/negotiation/solver';

// A persona's uptime and lifecycle, as the person reading the proposals sees them.
const api = (over: Partial<Requirements> = {}): Requirements => ({
  profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 120, datasetGb: 40 }),
  headroom: 1.3,
  compliance: [],
  cost: { maxHourlyUsd: 4, maxMonthlyUsd: 2900 },
  region: 'us-east-1',
  constraints: [],
  ...over,
});

const proposalsOf = (req: Requirements) => {
  const result = solve(req);
  if (!result.ok) throw new Error(`expected proposals: ${JSON.stringify(result.conflict.constraints)}`);
  return result.proposals;
};

describe('multi-AZ layouts', () => {
  it('offers a 99.99 % uptime persona only primary + replica in two zones, each priced as two instances with their volumes', () => {
    const proposals = proposalsOf(api({ availability: { uptimePct: 99.99 } }));
    expect(proposals.length).toBeGreaterThan(1);
    for (const p of proposals) {
      expect(p.availability).toEqual({ layout: 'primary-replica', instances: 2, zones: 2 });
      expect(p.key).toMatch(/\/multi-az$/);
      expect(p.reasons.join('\n')).toMatch(/a primary and a replica in two availability zones for the persona's 99.99 % uptime/);
      const instance = INSTANCES_BY_NAME.get(p.instanceType)!;
      const hourly = instance.hourlyUsd[p.region]! * (p.security.tenancy === 'dedicated' ? 1.1 : 1);
      const fee = p.security.tenancy === 'dedicated' ? 2 : 0;
      const key = p.security.encryption === 'kms' ? 1 : 0;
      expect(p.monthlyUsd).toBeCloseTo((2 * hourly + fee) * HOURS_PER_MONTH + 2 * p.storage.monthlyUsd + key, 1);
    }
  });

  it('offers a 99.9 % persona (and one without a persona) a single instance, cheaper than the same configuration in two zones', () => {
    const single = proposalsOf(api({ availability: { uptimePct: 99.9 } }));
    expect(single.every((p) => p.availability === undefined && !p.key.endsWith('/multi-az'))).toBe(true);
    expect(proposalsOf(api()).map((p) => p.key)).toEqual(single.map((p) => p.key));
    const cheapestSingle = single[0]!;
    const cheapestTwo = proposalsOf(api({ availability: { uptimePct: 99.99 } }))[0]!;
    expect(cheapestTwo.monthlyUsd).toBeGreaterThan(cheapestSingle.monthlyUsd * 1.9);
  });

  it('checks the budget against both instances: one a single instance fits, two do not, is a conflict naming it', () => {
    const single = proposalsOf(api({ availability: { uptimePct: 99.9 } }))[0]!;
    const budget = Math.ceil(single.monthlyUsd * 1.2);
    const result = solve(api({ availability: { uptimePct: 99.99 }, constraints: [{ kind: 'maxMonthlyUsd', usd: budget }] }));
    if (result.ok) throw new Error('expected a conflict: two instances cost about twice one');
    expect(result.conflict.constraints.map((c) => c.label).join('\n')).toContain(`$${budget}`);
    const raise = result.conflict.relaxations.find((r) => r.constraint.endsWith('maxMonthlyUsd'))!;
    expect(raise.proposal.availability).toBeDefined();
    expect(raise.proposal.monthlyUsd).toBeGreaterThan(budget);
  });

  it('keeps the replica when the reader changes the type, and prices it again as two', () => {
    const req = api({ availability: { uptimePct: 99.99 } });
    const p = proposalsOf(req)[0]!;
    const other = CATALOG.instances.find((i) => i.family === 'm6i' && i.size === 'xlarge' && i.hourlyUsd['us-east-1'] !== undefined)!;
    const revised = reviseProposal(p, { instanceType: other.name }, req);
    expect(revised.availability).toEqual(p.availability);
    expect(revised.key).toMatch(/\/multi-az$/);
    expect(revised.monthlyUsd).toBeGreaterThan(2 * other.hourlyUsd['us-east-1']! * HOURS_PER_MONTH);
  });

  it('right-sizes a multi-AZ agreement with the replica counted: the saving is twice the instance difference', () => {
    const req = api({ availability: { uptimePct: 99.99 }, constraints: [{ kind: 'families', families: ['m6i'] }] });
    const agreed = reviseProposal(proposalsOf(req)[0]!, { instanceType: 'm6i.4xlarge' }, req);
    const since = new Date('2026-12-01T00:00:00Z');
    const report = rightSize(
      agreed,
      1.3,
      since,
      new Date('2026-12-02T00:00:00Z'),
      { cpu: 0.5, memoryGb: 2, iops: 100, networkGbps: 0.05 },
      req,
    );
    const recommended = INSTANCES_BY_NAME.get(report.recommendation!.instanceType)!;
    const big = INSTANCES_BY_NAME.get('m6i.4xlarge')!;
    const difference = (big.hourlyUsd['us-east-1']! - recommended.hourlyUsd['us-east-1']!) * HOURS_PER_MONTH;
    expect(report.recommendation!.savingPerMonthUsd).toBeCloseTo(2 * difference, 0);
  });
});

describe('a two-zone agreement as the reader sees it', () => {
  const p = proposalsOf(api({ availability: { uptimePct: 99.99 } }))[0]!;
  const view = {
    negotiationId: 'n1',
    status: 'observing',
    round: 1,
    proposals: [p],
    constraints: [],
    history: [],
    reminders: 0,
    deadline: '2026-12-05T00:00:00Z',
    run: 1,
    agreed: p,
    provisioned: {
      instance: { provider: 'aws', id: 'i-primary' },
      replica: { provider: 'aws', id: 'i-replica' },
      provisionedAt: '2026-12-04T00:00:00Z',
    },
  } as unknown as NegotiationView;

  it('marks the proposal and the agreement ×2 zones and names the replica built in the other zone', () => {
    const text = describeNegotiation(view);
    expect(text).toMatch(new RegExp(`${p.instanceType.replace('.', '\\.')} ×2 zones`));
    expect(text).toContain(`agreed: ${p.id} ${p.instanceType} ×2 zones`);
    expect(text).toContain('instance: aws i-primary, replica i-replica (another zone)');
  });

  it('marks it ×2 zones in the console column too', () => {
    expect(proposalColumn(p).instance).toBe(`${p.instanceType} ×2 zones`);
  });
});

describe('reserved pricing', () => {
  it('says for a two-year persona that the shipped table has no reserved price for the type in the region', () => {
    const proposals = proposalsOf(api({ lifecycle: { durationDays: 730 } }));
    for (const p of proposals) {
      expect(p.reserved).toBeUndefined();
      const said = p.reasons.find((r) => r.startsWith('meant to run 730 days'))!;
      expect(said).toMatch(
        p.security.tenancy === 'dedicated'
          ? /no reserved price data for dedicated tenancy/
          : new RegExp(`no reserved price data for ${p.instanceType.replace('.', '\\.')} in us-east-1`),
      );
    }
  });

  it('says nothing of reservations for a lifecycle under a year', () => {
    const proposals = proposalsOf(api({ lifecycle: { durationDays: 180 } }));
    expect(proposals.every((p) => p.reasons.every((r) => !/reserv/.test(r)))).toBe(true);
  });
});
