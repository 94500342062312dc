import { PEAK_PERCENTILE, percentile, usageFromMetrics, withPredicted } from '../../../src/negotiation/metric-usage';
import type { ResourceProfile } from '../../../src/negotiation/persona';

const t = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();
const m5 = { vcpu: 2, memoryGb: 8 };
const day = { seconds: 86_400 };

describe('usage from CloudWatch metrics', () => {
  it('takes the busiest of a few periods of each metric: CPU and memory as shares of the type, operations and bytes per second', () => {
    const r = usageFromMetrics(
      {
        cpu: { timestamps: [t(0), t(5)], values: [20, 75] },
        mem: { timestamps: [t(0), t(5)], values: [50, 25] },
        rops: { timestamps: [t(0), t(5)], values: [30_000, 60_000] },
        wops: { timestamps: [t(0), t(5)], values: [90_000, 0] },
        netin: { timestamps: [t(0)], values: [3e9] },
        netout: { timestamps: [t(5)], values: [7.5e9] },
      },
      m5,
      day,
    );
    // Reads and writes of the same period add up (120,000 at minute 0), but not across periods.
    expect(r).toEqual({ usage: { source: 'provider', cpu: 1.5, memoryGb: 4, iops: 400, networkGbps: 0.2, seconds: 86_400 } });
  });

  it('reads a day of periods at its 99.5th percentile: one burst does not size the instance, a busy hour does', () => {
    const periods = 288;
    const stamps = Array.from({ length: periods }, (_, i) => new Date(Date.UTC(2026, 11, 1) + i * 300_000).toISOString());
    // A quiet day at 10 % CPU with one five-minute backup at 100 %.
    const burst = Array.from({ length: periods }, (_, i) => (i === 100 ? 100 : 10));
    const quiet = usageFromMetrics({ cpu: { timestamps: stamps, values: burst } }, m5, day);
    expect(quiet).toMatchObject({ usage: { cpu: 0.2 } });
    // The same day with a busy hour (12 periods) at 80 %: that is the peak.
    const busy = burst.map((v, i) => (i >= 200 && i < 212 ? 80 : v));
    expect(usageFromMetrics({ cpu: { timestamps: stamps, values: busy } }, m5, day)).toMatchObject({ usage: { cpu: 1.6 } });
  });

  it('computes nearest-rank percentiles, the busiest figure when there are few', () => {
    expect(PEAK_PERCENTILE).toBe(99.5);
    expect(percentile([], 99.5)).toBe(0);
    expect(percentile([3, 1, 2], 99.5)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 200 }, (_, i) => i + 1),
        99.5,
      ),
    ).toBe(199);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 0)).toBe(1);
  });

  it('lists what nothing reported as unmeasured instead of reading it as zero use, and the review keeps the prediction there', () => {
    const r = usageFromMetrics({ cpu: { timestamps: [t(0)], values: [50] } }, m5, day);
    if (!('usage' in r)) throw new Error('expected usage');
    expect(r.usage.unmeasured).toEqual(['memoryGb', 'iops', 'networkGbps']);
    const f = (peak: number) => ({ peak, average: peak / 2, sustained: peak / 3 });
    const predicted: ResourceProfile = { cpu: f(1), memoryGb: f(6), iops: f(300), networkGbps: f(0.1), storageGb: 50 };
    const filled = withPredicted(r.usage, predicted);
    expect(filled).toMatchObject({ cpu: 1, memoryGb: predicted.memoryGb.peak, iops: predicted.iops.peak });
  });

  it('observes nothing without CPU figures, and says why', () => {
    const r = usageFromMetrics({ mem: { timestamps: [t(0)], values: [40] } }, m5, { seconds: 120 });
    expect(r).toEqual({ unobserved: expect.stringMatching(/no CPUUtilization.*120 s window/) });
  });

  it('ignores figures no instance can report: negative, not a number, over 100 %', () => {
    const r = usageFromMetrics(
      {
        cpu: { timestamps: [t(0), t(5), t(10)], values: [-5, Number.NaN, 250] },
        mem: { timestamps: [t(0)], values: [Number.POSITIVE_INFINITY] },
        rops: { timestamps: [t(0)], values: [-1] },
      },
      m5,
      day,
    );
    if (!('usage' in r)) throw new Error('expected usage');
    expect(r.usage.cpu).toBe(2);
    expect(r.usage.unmeasured).toEqual(['memoryGb', 'iops', 'networkGbps']);
  });
});
