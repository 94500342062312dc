import { costSummary, type AgreedInstance } from '../../../src/negotiation/cost';

const now = new Date('2026-12-03T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const instance = (over: Partial<AgreedInstance>): AgreedInstance => ({
  negotiationId: 'n1',
  account: 'shop',
  state: 'completed',
  provider: 'aws',
  instanceId: 'i-1',
  instanceType: 'm6i.large',
  region: 'eu-west-1',
  hourlyUsd: 0.1,
  monthlyUsd: 73,
  provisionedAt: hoursAgo(10),
  ...over,
});

describe('mosaic cost: running cost per agreed instance and account', () => {
  it('prices each instance by the hours it has run and sums per account, most expensive first', () => {
    const s = costSummary(
      [
        instance({ negotiationId: 'a', account: 'shop', hourlyUsd: 0.1, monthlyUsd: 73, provisionedAt: hoursAgo(10) }),
        instance({ negotiationId: 'b', account: 'lab', hourlyUsd: 0.5, monthlyUsd: 365, provisionedAt: hoursAgo(2) }),
        instance({
          negotiationId: 'c',
          account: 'shop',
          hourlyUsd: 0.2,
          monthlyUsd: 146,
          provisionedAt: hoursAgo(24),
          recommendation: { instanceType: 'm6i.large', monthlyUsd: 73, savingPerMonthUsd: 73, reason: 'observed peak fits' },
        }),
      ],
      now,
    );
    expect(s.instances.map((i) => [i.negotiationId, i.hours, i.runningUsd])).toEqual([
      ['b', 2, 1],
      ['c', 24, 4.8],
      ['a', 10, 1],
    ]);
    expect(s.accounts).toEqual([
      { account: 'lab', instances: 1, runningUsd: 1, monthlyUsd: 365, savingPerMonthUsd: 0 },
      { account: 'shop', instances: 2, runningUsd: 5.8, monthlyUsd: 219, savingPerMonthUsd: 73 },
    ]);
    expect(s.total).toEqual({ instances: 3, runningUsd: 6.8, monthlyUsd: 584, savingPerMonthUsd: 73 });
  });

  it('says why an instance has no recommendation, and never counts time before it was provisioned', () => {
    const s = costSummary(
      [
        instance({ negotiationId: 'observing', state: 'observing' }),
        instance({ negotiationId: 'unpriced', unpriced: true }),
        instance({ negotiationId: 'fits', provisionedAt: new Date(now.getTime() + 60_000).toISOString() }),
      ],
      now,
    );
    const note = Object.fromEntries(s.instances.map((i) => [i.negotiationId, i.note]));
    expect(note.observing).toMatch(/still observed/);
    expect(note.unpriced).toMatch(/no price data/);
    expect(note.fits).toMatch(/no cheaper type/);
    expect(s.instances.find((i) => i.negotiationId === 'fits')).toMatchObject({ hours: 0, runningUsd: 0 });
  });

  it('costs a part-time instance its month spread over the calendar, not its running rate around the clock', () => {
    // 9 to 5 on weekdays: 173.8 of 730 h at $0.2/h plus $10 of volumes and key all month.
    const monthlyUsd = 0.2 * 173.8 + 10;
    const schedule = {
      days: 'Mon–Fri',
      start: '09:00',
      stop: '17:00',
      startStated: true,
      runningHoursPerMonth: 173.8,
      alwaysOnMonthlyUsd: 0.2 * 730 + 10,
    };
    const [office] = costSummary([instance({ hourlyUsd: 0.2, monthlyUsd, schedule, provisionedAt: hoursAgo(730) })], now).instances;
    expect(office!.runningUsd).toBeCloseTo(monthlyUsd, 2);
    expect(office!.runningUsd).toBeLessThan(0.2 * 730);
  });

  it('has nothing to sum without agreed instances', () => {
    expect(costSummary([], now)).toMatchObject({ instances: [], accounts: [], total: { instances: 0, runningUsd: 0 } });
  });
});
