import { increments, latencyBucket, quantileMs, summarize } from '../../../src/handlers/metrics';

describe('handler metrics', () => {
  it('reads percentiles from the latency histogram within a bucket width', () => {
    const buckets: Record<string, number> = {};
    for (let ms = 1; ms <= 100; ms++) buckets[latencyBucket(ms)] = (buckets[latencyBucket(ms)] ?? 0) + 1;
    const p50 = quantileMs(buckets, 0.5);
    const p95 = quantileMs(buckets, 0.95);
    expect(p50).toBeGreaterThanOrEqual(50);
    expect(p50).toBeLessThanOrEqual(50 * 1.25);
    expect(p95).toBeGreaterThanOrEqual(95);
    expect(p95).toBeLessThanOrEqual(95 * 1.25);
  });

  it('summarizes counters as PDL reads them', () => {
    expect(summarize({ calls: 4, successes: 3, cpuMs: 40, memoryMb: 8, latencyBuckets: {} })).toEqual({
      calls: 4, errorRate: 0.25, latencyP50Ms: 0, latencyP95Ms: 0, cpuMs: 10, memoryMb: 2,
    });
    expect(summarize({ calls: 0, successes: 0, cpuMs: 0, memoryMb: 0, latencyBuckets: {} }).errorRate).toBe(0);
  });
});

describe('increments', () => {
  it('sums a batch into one $inc per handler version', () => {
    const inc = increments([
      { ref: 'a@1', failed: false, latencyMs: 10, cpuMs: 2 },
      { ref: 'b@1', failed: true, latencyMs: 1000 },
      { ref: 'a@1', failed: true, latencyMs: 10, memoryMb: 3 },
    ]);
    expect([...inc.keys()]).toEqual(['a@1', 'b@1']);
    expect(inc.get('a@1')).toEqual({ calls: 2, successes: 1, cpuMs: 2, memoryMb: 3, [`latencyBuckets.${latencyBucket(10)}`]: 2 });
    expect(inc.get('b@1')).toEqual({ calls: 1, successes: 0, cpuMs: 0, memoryMb: 0, [`latencyBuckets.${latencyBucket(1000)}`]: 1 });
  });
});
