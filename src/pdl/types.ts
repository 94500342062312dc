import { z } from 'zod';

export type HandlerRef = string;

const load = z.number().min(0).max(1);
const metric = z.number().finite().min(0);

export const handlerMetricsSchema = z.object({
  latencyP50Ms: metric,
  latencyP95Ms: metric,
  errorRate: z.number().min(0).max(1),
  calls: metric,
  cpuMs: metric,
  memoryMb: metric,
});

/** Everything a policy condition can read: the request, system load, and each handler version's live metrics. */
export const policyContextSchema = z.object({
  request: z.object({
    user: z.string(),
    account: z.string(),
    region: z.string(),
    resourceType: z.string(),
    spec: z.record(z.string(), z.unknown()),
    security: z.object({
      classification: z.string(),
      compliance: z.array(z.string()),
      networkExposure: z.string(),
    }),
  }),
  system: z.object({ cpu: load, memory: load, network: load }),
  handlers: z.record(z.string(), handlerMetricsSchema),
});

export type HandlerMetrics = z.infer<typeof handlerMetricsSchema>;
export type PolicyContext = z.infer<typeof policyContextSchema>;

export const NO_METRICS: HandlerMetrics = { latencyP50Ms: 0, latencyP95Ms: 0, errorRate: 0, calls: 0, cpuMs: 0, memoryMb: 0 };
