import type { LinearWeights } from '../learning/linear';
import { onlineKeys } from '../learning/online';

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
  /** Absent for a failed call: the workflow measures only the calls that return. */
  latencyMs?: number;
  cpuMs?: number;
  memoryMb?: number;
  /**
   * For a model's choice: what is left of reward − predicted after the linear
   * learner's score, kept per model, region and region × resource type, and
   * the learner's step (learning/online.ts onlineUpdate).
   */
  residual?: { model: string; region: string; resourceType: string; value: number; linear?: LinearWeights };
}

export interface CounterUpdate {
  $inc: Record<string, number>;
  $push: Record<string, { $each: number[]; $slice: number }>;
  /** The model the residuals in $push belong to: a counter holding another model's starts afresh. */
  model?: string;
}

/** A region as a field name (no dots, no leading $). */
export const regionKey = (region: string) => region.replace(/[.$]/g, '_');

/**
 * Many calls as one update per handler version, however many calls a batch
 * holds: counters summed, and the recent windows (failure flags, residuals)
 * extended and cut to `window`. Residuals of a model other than the batch's
 * latest are dropped: its window is about to be reset.
 */
export function counterUpdates(calls: CallMeasurement[], window: number): Map<string, CounterUpdate> {
  const byRef = new Map<string, CounterUpdate>();
  for (const c of calls) {
    const u = byRef.get(c.ref) ?? { $inc: { calls: 0, successes: 0, cpuMs: 0, memoryMb: 0 }, $push: {} };
    u.$inc.calls! += 1;
    u.$inc.successes! += c.failed ? 0 : 1;
    u.$inc.cpuMs! += c.cpuMs ?? 0;
    u.$inc.memoryMb! += c.memoryMb ?? 0;
    if (c.latencyMs !== undefined) {
      const bucket = `latencyBuckets.${latencyBucket(c.latencyMs)}`;
      u.$inc[bucket] = (u.$inc[bucket] ?? 0) + 1;
    }
    push(u, 'recent', c.failed ? 1 : 0, window);
    if (c.residual) {
      if (u.model !== undefined && u.model !== c.residual.model) {
        for (const key of Object.keys(u.$push)) if (key.startsWith('online.')) delete u.$push[key];
        for (const key of Object.keys(u.$inc)) if (key.startsWith('online.')) delete u.$inc[key];
      }
      u.model = c.residual.model;
      for (const key of Object.values(onlineKeys(c.residual))) push(u, `online.residuals.${regionKey(key)}`, c.residual.value, window);
      // Steps are increments: summed here, and with $inc across workers.
      for (const part of ['w', 'g'] as const)
        for (const [slot, d] of Object.entries(c.residual.linear?.[part] ?? {})) {
          const field = `online.linear.${part}.${slot}`;
          u.$inc[field] = (u.$inc[field] ?? 0) + d;
        }
    }
    byRef.set(c.ref, u);
  }
  return byRef;
}

function push(u: CounterUpdate, field: string, value: number, window: number) {
  const entry = (u.$push[field] ??= { $each: [], $slice: -window });
  entry.$each.push(value);
}

/** The windows a counter keeps (StoredHandlerMetrics): failure flags, residuals by region and cell, and the linear learner. */
export interface Windows {
  recent: number[];
  online?: OnlineState;
}

/** A handler version's online correction as stored, against the model it corrects (learning/online.ts). */
export interface OnlineState {
  model: string;
  residuals: Record<string, number[]>;
  linear?: LinearWeights;
}

/**
 * FerretDB v1 ignores $push's $slice (counterUpdates asks for it all the
 * same, for MongoDB): a stored window keeps every call. What the decision
 * reads is each window's last `window` entries, whatever the store kept.
 */
export function lastOf({ recent, online }: Windows, window: number): Windows {
  return {
    recent: recent.slice(-window),
    ...(online
      ? {
          online: {
            ...online,
            residuals: Object.fromEntries(Object.entries(online.residuals).map(([k, v]) => [k, v.slice(-window)])),
          },
        }
      : {}),
  };
}

/**
 * Fields to $set that cut the stored windows grown to twice their length back
 * to their last `window` entries, so the counter a worker reads and rewrites
 * every second stays small; undefined while none has grown that far.
 */
export function trimOf(stored: Windows, window: number): Record<string, number[]> | undefined {
  const grown: [string, number[]][] = [
    ['recent', stored.recent],
    ...Object.entries(stored.online?.residuals ?? {}).map(([k, v]): [string, number[]] => [`online.residuals.${k}`, v]),
  ];
  const fields = grown.filter(([, v]) => v.length >= 2 * window).map(([k, v]) => [k, v.slice(-window)]);
  return fields.length ? Object.fromEntries(fields) : undefined;
}
