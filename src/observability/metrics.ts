import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Mosaic's own Prometheus metrics, in one registry per process. Activities
 * record through `metrics`; the worker's metrics server (./server.ts) serves
 * them next to the Temporal SDK's own. Every workflow family records its
 * outcomes through `outcome(kind, result)` and may add its own series with the
 * factories, which hand back the existing metric when called twice with one
 * name (activities are created once per worker, tests create many workers).
 */
export const registry = new Registry();

type Labels<L extends string> = readonly L[];

export function counter<L extends string>(name: string, help: string, labelNames: Labels<L>): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export function gauge<L extends string>(name: string, help: string, labelNames: Labels<L>): Gauge<L> {
  return (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

/** Seconds, with buckets from 1 ms to 5 min: a handler may validate in a millisecond or start an instance in minutes. */
export function histogram<L extends string>(name: string, help: string, labelNames: Labels<L>, buckets = LATENCY_BUCKETS): Histogram<L> {
  return (
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] })
  );
}

/** The stable name of an error for a label: an ApplicationFailure's or named error's `type`, else its class name. */
export function errorType(err: unknown): string {
  const typed = (err as { type?: unknown } | undefined)?.type;
  if (typeof typed === 'string' && typed) return typed;
  return err instanceof Error ? err.name : 'Error';
}

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** `provision-bucket@2` → handler `provision-bucket`, version `2`. */
export function splitRef(ref: string): { handler: string; version: string } {
  const at = ref.lastIndexOf('@');
  return at < 0 ? { handler: ref, version: '' } : { handler: ref.slice(0, at), version: ref.slice(at + 1) };
}

const handlerLatency = () =>
  histogram('mosaic_handler_latency_seconds', 'time one handler version took per attempt', ['handler', 'version', 'result'] as const);
const handlerErrors = () =>
  counter('mosaic_handler_errors_total', 'failed handler attempts by handler version and error type', [
    'handler',
    'version',
    'error_type',
  ] as const);
const handlerCpu = () =>
  counter(
    'mosaic_handler_cpu_seconds_total',
    'CPU time handler attempts used (sandboxed: their own; built-in: their share of the worker)',
    ['handler', 'version'] as const,
  );
const handlerMemory = () =>
  gauge(
    'mosaic_handler_memory_megabytes',
    'memory the latest attempt of a handler version used (sandboxed: its isolate; built-in: its share of the worker heap growth)',
    ['handler', 'version'] as const,
  );
const decisions = () =>
  counter('mosaic_decisions_total', 'handler choices by workflow kind and exploration strategy', ['kind', 'strategy'] as const);
const outcomes = () => counter('mosaic_outcomes_total', 'finished workflows by kind and result', ['kind', 'result'] as const);
const negotiationRounds = () =>
  counter('mosaic_negotiation_rounds_total', 'negotiation rounds by the response that ended them', ['response'] as const);
const snapshotConflicts = () =>
  counter('mosaic_snapshot_conflicts_total', 'snapshot conflicts by conflict kind and resolution strategy', [
    'conflict',
    'strategy',
  ] as const);
const snapshotServiceUnhealthy = () =>
  counter(
    'mosaic_snapshot_service_unhealthy_total',
    'composed services found unhealthy, by why (exited, memory-limit, port-held-by-other…)',
    ['reason'] as const,
  );
const snapshotServiceUp = () =>
  gauge('mosaic_snapshot_service_up', "a running composition's service: 1 healthy, 0 not (while the composition is watched)", [
    'composition',
    'service',
  ] as const);
const snapshotServiceCpu = () =>
  gauge('mosaic_snapshot_service_cpu_cores', 'CPU a composed service used over the last second, in cores', [
    'composition',
    'service',
  ] as const);
const snapshotServiceMemory = () =>
  gauge('mosaic_snapshot_service_memory_bytes', 'resident memory of a composed service', ['composition', 'service'] as const);
const modelInfo = () => gauge('mosaic_model_info', 'the model version a kind of decision uses now (value 1)', ['kind', 'version'] as const);

const modelVersions = new Map<string, string>();

export const metrics = {
  counter,
  gauge,
  histogram,

  /** One attempt of one handler version; a failure also counts under its error type. */
  handlerCall(ref: string, latencyMs: number, error?: { type: string }): void {
    const { handler, version } = splitRef(ref);
    handlerLatency().observe({ handler, version, result: error ? 'failed' : 'succeeded' }, latencyMs / 1000);
    if (error) handlerErrors().inc({ handler, version, error_type: error.type });
  },

  /** What one attempt used: the same figures the decision context reads as handlers["x@v"].cpuMs and .memoryMb. */
  handlerResources(ref: string, cpuMs: number, memoryMb?: number): void {
    const labels = splitRef(ref);
    if (Number.isFinite(cpuMs) && cpuMs > 0) handlerCpu().inc(labels, cpuMs / 1000);
    if (memoryMb !== undefined && Number.isFinite(memoryMb)) handlerMemory().set(labels, memoryMb);
  },

  /** One handler choice made by the decision model with this exploration strategy. */
  decision(strategy: string, kind = 'compose'): void {
    decisions().inc({ kind, strategy });
  },

  /** A finished workflow: kind is MosaicKind (compose, snapshot, negotiate…), result e.g. succeeded/failed. */
  outcome(kind: string, result: string): void {
    outcomes().inc({ kind, result });
  },

  /** The model version in force for a kind of decision; the previous version's series is dropped. */
  modelVersion(kind: string, version: string): void {
    const previous = modelVersions.get(kind);
    if (previous !== undefined) modelInfo().remove({ kind, version: previous });
    modelVersions.set(kind, version);
    modelInfo().set({ kind, version }, 1);
  },

  /** One negotiation round, by the answer that ended it (accept, reject, addConstraints); a modification or a reminder stays in the round. */
  negotiationRound(response: string): void {
    negotiationRounds().inc({ response });
  },

  /** A composed service found unhealthy (the composition is then degraded), by the kind of reason. */
  snapshotServiceUnhealthy(reason: string): void {
    snapshotServiceUnhealthy().inc({ reason });
  },

  /** One reading of a composed service, as the watch takes it every second; `usage` is undefined once its process is gone. */
  snapshotService(composition: string, service: string, healthy: boolean, usage?: { cpuCores: number; rssBytes: number }): void {
    const labels = { composition, service };
    snapshotServiceUp().set(labels, healthy ? 1 : 0);
    snapshotServiceCpu().set(labels, usage?.cpuCores ?? 0);
    snapshotServiceMemory().set(labels, usage?.rssBytes ?? 0);
  },

  /** A torn-down composition's services leave the gauges: only running compositions are shown. */
  forgetSnapshot(composition: string, services: string[]): void {
    for (const service of services) {
      for (const g of [snapshotServiceUp(), snapshotServiceCpu(), snapshotServiceMemory()]) g.remove({ composition, service });
    }
  },

  /** One detected snapshot conflict (port, file, env…) and the strategy that resolved it. */
  snapshotConflict(conflict: string, strategy: string): void {
    snapshotConflicts().inc({ conflict, strategy });
  },
};
