import { counterUpdates, lastOf, latencyBucket, quantileMs, summarize, trimOf } from '../../../src/handlers/metrics';

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
      calls: 4,
      errorRate: 0.25,
      latencyP50Ms: 0,
      latencyP95Ms: 0,
      cpuMs: 10,
      memoryMb: 2,
    });
    expect(summarize({ calls: 0, successes: 0, cpuMs: 0, memoryMb: 0, latencyBuckets: {} }).errorRate).toBe(0);
  });
});

describe('counterUpdates', () => {
  it('counts a failed call that never returned (no latency) as a call, a failure and a residual, outside the latency histogram', () => {
    const residual = { model: 'metrics-prior', region: 'eu-west-1', resourceType: 'database', value: -1 };
    const u = counterUpdates([{ ref: 'postgres-local@1', failed: true, residual }], 50).get('postgres-local@1')!;
    expect(u.$inc).toEqual({ calls: 1, successes: 0, cpuMs: 0, memoryMb: 0 });
    expect(u.$push.recent).toEqual({ $each: [1], $slice: -50 });
    expect(u.$push['online.residuals._all']).toEqual({ $each: [-1], $slice: -50 });
    expect(summarize({ calls: 1, successes: 0, cpuMs: 0, memoryMb: 0, latencyBuckets: {} }).errorRate).toBe(1);
  });

  it('sums a batch into one update per handler version, windows cut to size', () => {
    const u = counterUpdates(
      [
        { ref: 'a@1', failed: false, latencyMs: 10, cpuMs: 2 },
        { ref: 'b@1', failed: true, latencyMs: 1000 },
        { ref: 'a@1', failed: true, latencyMs: 10, memoryMb: 3 },
      ],
      50,
    );
    expect([...u.keys()]).toEqual(['a@1', 'b@1']);
    expect(u.get('a@1')).toEqual({
      $inc: { calls: 2, successes: 1, cpuMs: 2, memoryMb: 3, [`latencyBuckets.${latencyBucket(10)}`]: 2 },
      $push: { recent: { $each: [0, 1], $slice: -50 } },
    });
    expect(u.get('b@1')!.$inc).toEqual({ calls: 1, successes: 0, cpuMs: 0, memoryMb: 0, [`latencyBuckets.${latencyBucket(1000)}`]: 1 });
  });

  it("keeps residuals over every region, per region and per region × resource type of the batch's latest model only", () => {
    const u = counterUpdates(
      [
        { ref: 'a@1', failed: false, latencyMs: 5, residual: { model: 'm1', region: 'eu-west-1', resourceType: 'database', value: 0.5 } },
        { ref: 'a@1', failed: false, latencyMs: 5, residual: { model: 'm2', region: 'eu.west', resourceType: 'database', value: -0.25 } },
        { ref: 'a@1', failed: true, latencyMs: 5, residual: { model: 'm2', region: 'us-east-1', resourceType: 'bucket', value: -1 } },
        { ref: 'a@1', failed: false, latencyMs: 5 },
      ],
      3,
    ).get('a@1')!;
    expect(u.model).toBe('m2');
    expect(u.$push).toEqual({
      recent: { $each: [0, 0, 1, 0], $slice: -3 },
      'online.residuals._all': { $each: [-0.25, -1], $slice: -3 },
      'online.residuals.eu_west': { $each: [-0.25], $slice: -3 },
      'online.residuals.eu_west|database': { $each: [-0.25], $slice: -3 },
      'online.residuals.us-east-1': { $each: [-1], $slice: -3 },
      'online.residuals.us-east-1|bucket': { $each: [-1], $slice: -3 },
    });
  });

  it("sums the linear learner's steps into increments of the batch's latest model only", () => {
    const residual = (model: string, w: Record<string, number>, g: Record<string, number>) => ({
      model,
      region: 'eu-west-1',
      resourceType: 'database',
      value: 0,
      linear: { w, g },
    });
    const u = counterUpdates(
      [
        { ref: 'a@1', failed: false, latencyMs: 5, residual: residual('m1', { 7: 9 }, { 7: 9 }) },
        { ref: 'a@1', failed: false, latencyMs: 5, residual: residual('m2', { 7: 0.25, 9: -0.5 }, { 7: 0.01, 9: 0.04 }) },
        { ref: 'a@1', failed: true, latencyMs: 5, residual: residual('m2', { 7: 0.5 }, { 7: 0.04 }) },
      ],
      3,
    ).get('a@1')!;
    const linear = Object.fromEntries(Object.entries(u.$inc).filter(([k]) => k.startsWith('online.')));
    expect(linear).toEqual({
      'online.linear.w.7': 0.75,
      'online.linear.w.9': -0.5,
      'online.linear.g.7': 0.05,
      'online.linear.g.9': 0.04,
    });
  });
});

describe('stored windows the store let grow', () => {
  const grown = {
    recent: [1, 1, 0, 0, 0, 0],
    online: { model: 'm', residuals: { 'eu-west-1': [0.5, 0.1, 0.2, 0.3], 'eu-west-1|bucket': [0.4, 0.3] } },
  };

  it('reads the last entries of each window', () => {
    expect(lastOf(grown, 3)).toEqual({
      recent: [0, 0, 0],
      online: { model: 'm', residuals: { 'eu-west-1': [0.1, 0.2, 0.3], 'eu-west-1|bucket': [0.4, 0.3] } },
    });
    expect(lastOf({ recent: [1] }, 3)).toEqual({ recent: [1] });
  });

  it('cuts a window back to its length once it has grown to twice that, and leaves the others', () => {
    expect(trimOf(grown, 3)).toEqual({ recent: [0, 0, 0] });
    expect(trimOf(grown, 2)).toEqual({ recent: [0, 0], 'online.residuals.eu-west-1': [0.2, 0.3] });
    expect(trimOf(grown, 4)).toBeUndefined();
  });
});
