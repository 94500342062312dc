/**
 * Predicted performance impact of keeping a service, learned from the
 * outcomes of earlier compositions (what the monitor window measured), with a
 * prior for services never seen. The estimate shrinks towards the prior while
 * samples are few, so one lucky or unlucky run does not decide.
 */
export interface ServiceObservation {
  /** The service key, such as service:web. */
  key: string;
  healthy: boolean;
  /** Measured CPU over the CPU it asked for: 0.25 means it used a quarter. */
  cpuUse: number;
}

export interface PerformanceMetrics {
  [serviceKey: string]: { samples: number; healthyRate: number; cpuUse: number };
}

export const PRIOR = { healthyRate: 0.8, cpuUse: 1, weight: 3 } as const;

export interface Prediction {
  health: number;
  /** Share of its requested CPU the service is expected to use (1 = all of it). */
  cpuUse: number;
  basis: string;
}

/** Per-service aggregates of many observations. */
export function learnMetrics(observations: ServiceObservation[]): PerformanceMetrics {
  const out: PerformanceMetrics = {};
  for (const o of observations) {
    const m = (out[o.key] ??= { samples: 0, healthyRate: 0, cpuUse: 0 });
    m.healthyRate = (m.healthyRate * m.samples + (o.healthy ? 1 : 0)) / (m.samples + 1);
    m.cpuUse = (m.cpuUse * m.samples + o.cpuUse) / (m.samples + 1);
    m.samples += 1;
  }
  return out;
}

export function predict(metrics: PerformanceMetrics, key: string): Prediction {
  const m = metrics[key];
  if (!m || m.samples === 0) return { health: PRIOR.healthyRate, cpuUse: PRIOR.cpuUse, basis: 'prior' };
  const shrink = (observed: number, prior: number) => (observed * m.samples + prior * PRIOR.weight) / (m.samples + PRIOR.weight);
  return {
    health: shrink(m.healthyRate, PRIOR.healthyRate),
    cpuUse: Math.min(1, Math.max(0.05, shrink(m.cpuUse, PRIOR.cpuUse))),
    basis: `${m.samples} earlier run${m.samples === 1 ? '' : 's'}`,
  };
}
