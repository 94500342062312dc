/**
 * Off-policy evaluation: what a target policy would have earned on decisions
 * another policy logged, from the logged propensities. Inverse propensity
 * scoring (IPS) is unbiased but noisy; self-normalised IPS trades a small
 * bias for much less variance; doubly robust (DR) uses a reward model for
 * every action and IPS only to correct its error. Intervals are normal
 * approximations at 95 % (delta method for SNIPS).
 */
export interface LoggedSample {
  /** The logging policy's probability of the action it took. */
  propensity: number;
  reward: number;
  chosen: number;
  /** The target policy's probability of each action. */
  target: number[];
  /** The reward model's prediction for each action (DR only). */
  predicted: number[];
}

export interface Estimate {
  value: number;
  lower: number;
  upper: number;
  n: number;
}

export interface OpeReport {
  ips: Estimate;
  snips: Estimate;
  dr: Estimate;
}

const Z95 = 1.959963984540054;

function meanInterval(values: number[]): Estimate {
  const n = values.length;
  if (!n) return { value: 0, lower: 0, upper: 0, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  const half = Z95 * Math.sqrt(variance / n);
  return { value: mean, lower: mean - half, upper: mean + half, n };
}

const weight = (s: LoggedSample) => s.target[s.chosen]! / s.propensity;

export function ips(samples: LoggedSample[]): Estimate {
  return meanInterval(samples.map((s) => weight(s) * s.reward));
}

export function snips(samples: LoggedSample[]): Estimate {
  const n = samples.length;
  const w = samples.map(weight);
  const total = w.reduce((a, b) => a + b, 0);
  if (!n || total === 0) return { value: 0, lower: 0, upper: 0, n };
  const value = samples.reduce((a, s, i) => a + w[i]! * s.reward, 0) / total;
  const half = (Z95 * Math.sqrt(samples.reduce((a, s, i) => a + (w[i]! * (s.reward - value)) ** 2, 0))) / total;
  return { value, lower: value - half, upper: value + half, n };
}

const drTerm = (s: LoggedSample) =>
  s.target.reduce((a, p, i) => a + p * s.predicted[i]!, 0) + weight(s) * (s.reward - s.predicted[s.chosen]!);

export function doublyRobust(samples: LoggedSample[]): Estimate {
  return meanInterval(samples.map(drTerm));
}

/**
 * DR of policy a minus DR of policy b on the same logged decisions, paired
 * decision by decision: most of the noise is common to both and cancels, so
 * the interval of the difference is far narrower than the two intervals
 * side by side.
 */
export function doublyRobustDifference(a: LoggedSample[], b: LoggedSample[]): Estimate {
  if (a.length !== b.length) throw new Error('paired estimates need the same logged decisions');
  return meanInterval(a.map((s, i) => drTerm(s) - drTerm(b[i]!)));
}

export function evaluatePolicy(samples: LoggedSample[]): OpeReport {
  return { ips: ips(samples), snips: snips(samples), dr: doublyRobust(samples) };
}
