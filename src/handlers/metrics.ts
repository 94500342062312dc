/**
 * Live metrics of a handler version, kept as counters a database can update
 * atomically with $inc: latency goes into logarithmic buckets (each 1.25×
 * wider than the last), from which p50/p95 are read within a bucket's width.
 */
export const LATENCY_BUCKETS = 64;
const BASE_MS = 1;
const GROWTH = 1.25;

export function latencyBucket(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.ceil(Math.log(ms / BASE_MS) / Math.log(GROWTH)));
}

/** The upper bound of a bucket, in milliseconds. */
export function bucketUpperMs(bucket: number): number {
  return BASE_MS * GROWTH ** bucket;
}

export interface MetricCounters {
  calls: number;
  successes: number;
  cpuMs: number;
  memoryMb: number;
  latencyBuckets: Record<string, number>;
}

export function quantileMs(buckets: Record<string, number>, q: number): number {
  const total = Object.values(buckets).reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  let seen = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= q * total) return Math.round(bucketUpperMs(i) * 10) / 10;
  }
  return bucketUpperMs(LATENCY_BUCKETS - 1);
}

/** The figures PDL conditions and the decision step read. */
export function summarize(c: MetricCounters) {
  return {
    calls: c.calls,
    errorRate: c.calls ? (c.calls - c.successes) / c.calls : 0,
    latencyP50Ms: quantileMs(c.latencyBuckets, 0.5),
    latencyP95Ms: quantileMs(c.latencyBuckets, 0.95),
    cpuMs: c.calls ? c.cpuMs / c.calls : 0,
    memoryMb: c.calls ? c.memoryMb / c.calls : 0,
  };
}

export interface CallMeasurement {
  ref: string;
  failed: boolean;
  latencyMs: number;
  cpuMs?: number;
  memoryMb?: number;
}

/** Many calls as one `$inc` per handler version: one write per version, however many calls a batch holds. */
export function increments(calls: CallMeasurement[]): Map<string, Record<string, number>> {
  const byRef = new Map<string, Record<string, number>>();
  for (const c of calls) {
    const inc = byRef.get(c.ref) ?? { calls: 0, successes: 0, cpuMs: 0, memoryMb: 0 };
    inc.calls! += 1;
    inc.successes! += c.failed ? 0 : 1;
    inc.cpuMs! += c.cpuMs ?? 0;
    inc.memoryMb! += c.memoryMb ?? 0;
    const bucket = `latencyBuckets.${latencyBucket(c.latencyMs)}`;
    inc[bucket] = (inc[bucket] ?? 0) + 1;
    byRef.set(c.ref, inc);
  }
  return byRef;
}
