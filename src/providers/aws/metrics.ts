import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  INSTANCE_METRICS,
  METRIC_PERIOD_SECONDS,
  usageFromMetrics,
  type MetricId,
  type MetricObservation,
  type MetricSeries,
} from '../../negotiation/metric-usage';
import type { InstanceFacts, ObservationWindow, ResourceRef } from '../provider';
import { awsCall } from './errors';

// A 90-day window (the longest observe window) at five minutes is 25,920 points per metric: a few pages.
const MAX_PAGES = 20;

/**
 * What an EC2 instance used over the window, from CloudWatch GetMetricData:
 * the 99.5th percentile of its five-minute periods (PEAK_PERCENTILE) of CPU, memory (CloudWatch agent), EBS
 * operations and network. Pages are followed to the end of the window, within a bound.
 */
export async function observeInstance(
  cloudwatch: CloudWatchClient,
  ref: ResourceRef,
  window: ObservationWindow,
  facts: InstanceFacts,
): Promise<MetricObservation> {
  const instanceId = ref.attributes.instanceId ?? ref.id;
  const queries: MetricDataQuery[] = INSTANCE_METRICS.map((m) => ({
    Id: m.id,
    MetricStat: {
      Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] },
      Period: METRIC_PERIOD_SECONDS,
      Stat: m.stat,
    },
    ReturnData: true,
  }));
  const series: MetricSeries = {};
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await awsCall('GetMetricData', instanceId, () =>
      cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: window.since,
          EndTime: window.until,
          NextToken: nextToken,
        }),
      ),
    );
    for (const r of out.MetricDataResults ?? []) {
      const s = (series[r.Id as MetricId] ??= { timestamps: [], values: [] });
      s.timestamps.push(...(r.Timestamps ?? []).map((t) => t.toISOString()));
      s.values.push(...(r.Values ?? []));
    }
    nextToken = out.NextToken;
    if (!nextToken) break;
  }
  return usageFromMetrics(series, facts, { seconds: (window.until.getTime() - window.since.getTime()) / 1000 });
}
