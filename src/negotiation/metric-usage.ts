import { DIMENSIONS, round, type Dimension, type ResourceProfile } from './persona';
import type { ObservedUsage } from './evolution';

/**
 * The CloudWatch metrics an agreed EC2 instance is observed by, each with the
 * statistic that gives its busiest figure per period. EC2 publishes CPU,
 * network and (on Nitro types) EBS operations itself; memory exists only when
 * the CloudWatch agent runs on the instance (namespace CWAgent).
 */
export const INSTANCE_METRICS = [
  { id: 'cpu', namespace: 'AWS/EC2', name: 'CPUUtilization', stat: 'Maximum' },
  { id: 'mem', namespace: 'CWAgent', name: 'mem_used_percent', stat: 'Maximum' },
  { id: 'netin', namespace: 'AWS/EC2', name: 'NetworkIn', stat: 'Sum' },
  { id: 'netout', namespace: 'AWS/EC2', name: 'NetworkOut', stat: 'Sum' },
  { id: 'rops', namespace: 'AWS/EC2', name: 'EBSReadOps', stat: 'Sum' },
  { id: 'wops', namespace: 'AWS/EC2', name: 'EBSWriteOps', stat: 'Sum' },
] as const;
export type MetricId = (typeof INSTANCE_METRICS)[number]['id'];

/** Basic EC2 monitoring publishes every five minutes; a shorter period only finds gaps. */
export const METRIC_PERIOD_SECONDS = 300;

/**
 * The percentile of the periods' figures a peak is read as: AWS Compute Optimizer's default CPU
 * utilisation preference (P99.5). Over a day of five-minute periods it passes over the one busiest
 * period (a backup's burst), so one spike does not size the instance; with fewer than 200 periods it
 * is the busiest one.
 */
export const PEAK_PERCENTILE = 99.5;

/** The nearest-rank percentile of the figures (0 for none): the smallest figure at least p % of them do not exceed. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/** One metric's values per period, matched by timestamp (ISO string) to the others. */
export type MetricSeries = Partial<Record<MetricId, { timestamps: string[]; values: number[] }>>;

export type MetricObservation = { usage: ObservedUsage } | { unobserved: string };

/**
 * What the instance used at its peak, the PEAK_PERCENTILE of its periods, from the metrics' series: CPU
 * percent of the type's vCPUs, memory percent of its GiB, EBS operations and
 * network bytes summed within a period and divided by its length. A dimension
 * nothing reported for is listed as unmeasured (the review keeps the
 * prediction there) instead of being read as zero use; without CPU nothing was
 * observed at all.
 */
export function usageFromMetrics(
  series: MetricSeries,
  instance: { vcpu: number; memoryGb: number },
  window: { seconds: number; periodSeconds?: number },
): MetricObservation {
  const period = window.periodSeconds ?? METRIC_PERIOD_SECONDS;
  const values = (id: MetricId) => (series[id]?.values ?? []).filter((v) => Number.isFinite(v) && v >= 0);
  const cpu = values('cpu');
  if (!cpu.length)
    return {
      unobserved: `CloudWatch has no CPUUtilization for the instance in the ${Math.round(window.seconds)} s window: the instance published no metrics yet (basic monitoring reports every ${period / 60} minutes)`,
    };
  const unmeasured: Dimension[] = [];
  const peak = (xs: number[]) => percentile(xs, PEAK_PERCENTILE);
  /** Per-period sums of two metrics, added where their periods coincide. */
  const perPeriod = (a: MetricId, b: MetricId): number[] => {
    const total = new Map<string, number>();
    for (const id of [a, b]) {
      const s = series[id];
      s?.timestamps.forEach((t, i) => {
        const v = s.values[i];
        if (v !== undefined && Number.isFinite(v) && v >= 0) total.set(t, (total.get(t) ?? 0) + v);
      });
    }
    return [...total.values()];
  };
  const mem = values('mem');
  if (!mem.length) unmeasured.push('memoryGb');
  const ops = perPeriod('rops', 'wops');
  if (!ops.length) unmeasured.push('iops');
  const bytes = perPeriod('netin', 'netout');
  if (!bytes.length) unmeasured.push('networkGbps');
  return {
    usage: {
      source: 'provider',
      // Percentages above 100 are clamped: a type never uses more than it has.
      cpu: round((Math.min(peak(cpu), 100) / 100) * instance.vcpu, 3),
      memoryGb: round((Math.min(peak(mem), 100) / 100) * instance.memoryGb, 3),
      iops: round(peak(ops) / period, 1),
      networkGbps: round((peak(bytes) * 8) / period / 1e9, 4),
      seconds: Math.round(window.seconds),
      ...(unmeasured.length && { unmeasured }),
    },
  };
}

/**
 * The observation with the prediction's peak where a dimension was not
 * measured: what was not seen neither confirms nor contradicts the persona.
 */
export function withPredicted(observed: ObservedUsage, predicted: ResourceProfile): ObservedUsage {
  if (!observed.unmeasured?.length) return observed;
  const out = { ...observed };
  for (const d of DIMENSIONS) if (observed.unmeasured.includes(d)) out[d] = predicted[d].peak;
  return out;
}
