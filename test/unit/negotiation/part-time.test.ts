import fs from 'node:fs';
import path from 'node:path';
import { describeNegotiation } from '../../../src/cli/commands/negotiation';
import { proposalColumn } from '../../../src/operator/console/model';
import type { NegotiationView } from '../../../src/contract/negotiate';
import { analyse } from '../../../src/negotiation/analyzer';
import {
  buildCatalog,
  CATALOG,
  costWithoutInstance,
  HOURS_PER_MONTH,
  monthlyCost,
  PRICES,
  SECURITY_OPTIONS,
} from '../../../src/negotiation/catalog';
import { mergePrices, pricesFromPriceList } from '../../../src/negotiation/price-list';
import { rightSize } from '../../../src/negotiation/evolution';
import { reviseProposal, solve, type Proposal, type Requirements } from '../../../src/negotiation/solver';

/** What the negotiation asks of proposals for a description, as its analysis activity builds it (no persona). */
const requirementsOf = (text: string): Requirements => {
  const a = analyse({ kind: 'text', text }, undefined, undefined);
  return {
    profile: a.profile,
    headroom: a.headroom,
    compliance: a.compliance,
    region: 'us-east-1',
    constraints: [],
    ...(a.schedule && { schedule: a.schedule }),
  };
};

const proposalsOf = (req: Requirements) => {
  const result = solve(req);
  if (!result.ok) throw new Error('expected proposals');
  return result.proposals;
};

const instanceOf = (p: Proposal) => CATALOG.instances.find((i) => i.name === p.instanceType)!;
const security = (p: Proposal) => SECURITY_OPTIONS.find((s) => s.level === p.security.level)!;
/** Storage and key: what a stopped instance still costs every month. */
const allMonth = (p: Proposal) => costWithoutInstance(p.storage, security(p), p.availability).monthlyUsd;
/** The instances' price for an hour of running. */
const hourly = (p: Proposal) =>
  (monthlyCost(instanceOf(p), p.region, p.storage, security(p), p.availability)!.monthlyUsd - allMonth(p)) / HOURS_PER_MONTH;

describe('part-time use in the cost of proposals', () => {
  const office = 'an internal wiki for the office, used 9 to 5 on weekdays';

  it('prices an office-hours workload for its share of the 730 h month and says when it runs', () => {
    const proposals = proposalsOf(requirementsOf(office));
    expect(proposals.length).toBeGreaterThan(0);
    const running = Math.round(((HOURS_PER_MONTH * 40) / 168) * 10) / 10;
    for (const p of proposals) {
      expect(p.schedule).toMatchObject({
        days: 'Mon–Fri',
        start: '09:00',
        stop: '17:00',
        startStated: true,
        runningHoursPerMonth: running,
      });
      expect(p.monthlyUsd).toBeCloseTo(hourly(p) * running + allMonth(p), 1);
      expect(p.schedule!.alwaysOnMonthlyUsd).toBeCloseTo(hourly(p) * HOURS_PER_MONTH + allMonth(p), 1);
      expect(p.monthlyUsd).toBeLessThan(p.schedule!.alwaysOnMonthlyUsd);
      expect(p.reasons.join('; ')).toContain(
        `runs 09:00–17:00 Mon–Fri, stopped otherwise; ${running} of 730 h a month: $${p.monthlyUsd}/month`,
      );
    }
  });

  it('assumes a start for a nightly run that gives none, and says it is assumed', () => {
    const [p] = proposalsOf(requirementsOf('a postgres database for reporting that only runs 3 hours nightly'));
    expect(p!.schedule).toMatchObject({ days: 'every day', start: '00:00', stop: '03:00', startStated: false });
    expect(p!.schedule!.runningHoursPerMonth).toBeCloseTo((HOURS_PER_MONTH * 21) / 168, 1);
    expect(p!.reasons.join('; ')).toContain('start time not stated: 00:00 assumed');
  });

  it('leaves an always-on workload priced for the whole month', () => {
    for (const p of proposalsOf(requirementsOf('an internal wiki for the office'))) {
      expect(p.schedule).toBeUndefined();
      expect(p.monthlyUsd).toBeCloseTo(hourly(p) * HOURS_PER_MONTH + allMonth(p), 1);
    }
  });

  it('shows no reservation that costs more than running part-time on demand', () => {
    // The shipped table has no reserved prices: eu-central-1's from the Price List fixture has m5's.
    const offer = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/price-list/ec2-offer-eu-central-1.json'), 'utf8'));
    const catalog = buildCatalog(mergePrices(PRICES, pricesFromPriceList(offer, 'index.json').regions));
    const req: Requirements = {
      ...requirementsOf(office),
      region: 'eu-central-1',
      constraints: [{ kind: 'families', families: ['m5'] }],
      lifecycle: { durationDays: 730 },
    };
    const m5 = (r: Requirements) => {
      const result = solve(r, { catalog });
      if (!result.ok) throw new Error('expected proposals');
      return result.proposals.find((p) => p.instanceType === 'm5.large' && p.security.tenancy === 'default')!;
    };
    expect(m5({ ...req, schedule: undefined }).reserved).toBeDefined();
    const partTime = m5(req);
    expect(partTime.reserved).toBeUndefined();
    expect(partTime.reasons.join('; ')).not.toContain('reservation');
  });

  it('stops both instances of a two-zone layout outside the hours, and still pays both sets of volumes all month', () => {
    const req: Requirements = { ...requirementsOf(office), availability: { uptimePct: 99.99 } };
    for (const p of proposalsOf(req)) {
      expect(p.availability).toMatchObject({ instances: 2, zones: 2 });
      expect(p.monthlyUsd).toBeCloseTo(hourly(p) * p.schedule!.runningHoursPerMonth + allMonth(p), 1);
      // Dedicated tenancy's per-region fee is paid once however many instances run, so compare shared tenancy only.
      if (p.security.tenancy !== 'default') continue;
      const single = monthlyCost(instanceOf(p), p.region, p.storage, security(p))!.monthlyUsd;
      expect(p.schedule!.alwaysOnMonthlyUsd).toBeGreaterThan(single * 1.9);
    }
  });

  it('keeps the schedule when the reader changes a proposal, and prices the change for the same hours', () => {
    const req = requirementsOf(office);
    const [first] = proposalsOf(req);
    const changed = reviseProposal(first!, { instanceType: 'm7i.xlarge' }, req);
    expect(changed.schedule).toMatchObject({ start: '09:00', stop: '17:00', days: 'Mon–Fri' });
    expect(changed.monthlyUsd).toBeCloseTo(hourly(changed) * changed.schedule!.runningHoursPerMonth + allMonth(changed), 1);
  });

  it('right-sizes a part-time agreement against the hours it runs, not the whole month', () => {
    const req = requirementsOf(office);
    const big = reviseProposal(proposalsOf(req)[0]!, { instanceType: 'm7i.4xlarge' }, req);
    const report = rightSize(big, 1.3, new Date(0), new Date(3_600_000), { cpu: 0.2, memoryGb: 0.5, iops: 50, networkGbps: 0.01 }, req);
    const best = CATALOG.instances.find((i) => i.name === report.recommendation!.instanceType)!;
    const saving = (hourly(big) - best.hourlyUsd[big.region]!) * big.schedule!.runningHoursPerMonth;
    expect(report.recommendation!.savingPerMonthUsd).toBeCloseTo(saving, 1);
  });

  it('shows the hours in the console column, and always on for a workload without a schedule', () => {
    const p = proposalsOf(requirementsOf(office))[0]!;
    expect(proposalColumn(p).runs).toBe(
      `runs 09:00–17:00 Mon–Fri, stopped otherwise (${p.schedule!.runningHoursPerMonth} of 730 h a month; $${p.schedule!.alwaysOnMonthlyUsd}/month always on)`,
    );
    expect(proposalColumn(proposalsOf(requirementsOf('an internal wiki for the office'))[0]!).runs).toBe('always on');
  });

  it('counts the cost so far of a part-time agreement for the hours it ran, not around the clock', () => {
    const p = proposalsOf(requirementsOf(office))[0]!;
    const month = rightSize(p, 1.3, new Date(0), new Date(HOURS_PER_MONTH * 3_600_000));
    expect(month.runningUsd).toBeCloseTo(p.monthlyUsd, 1);
    expect(month.runningUsd).toBeLessThan(p.schedule!.alwaysOnMonthlyUsd);
  });

  it('says the schedule in `mosaic negotiate` output: the table and each proposal', () => {
    const proposals = proposalsOf(requirementsOf(office));
    const view = { negotiationId: 'wiki-1', status: 'awaiting-feedback', round: 1, proposals, constraints: [], history: [] };
    const out = describeNegotiation(view as unknown as NegotiationView);
    expect(out).toContain('runs 09:00–17:00 Mon–Fri');
    for (const p of proposals) expect(out).toContain(`${p.id}: `);
    expect(out).toContain(`$${proposals[0]!.monthlyUsd}/month instead of $${proposals[0]!.schedule!.alwaysOnMonthlyUsd} always on`);
    const agreed = describeNegotiation({ ...view, status: 'agreed', agreed: proposals[0] } as unknown as NegotiationView);
    expect(agreed).toContain(`$${proposals[0]!.monthlyUsd}/month (runs 09:00–17:00 Mon–Fri, stopped otherwise)`);
  });
});
