import type { Objective } from './decide';

export interface StepResultForReward {
  status: 'succeeded' | 'failed' | 'compensated' | 'skipped';
  latencyMs?: number;
  costUsd?: number;
}

/**
 * The objective a policy maximises, read off one handler call: success (a
 * compensated step did its job; a later stage failed), latency and cost,
 * weighted as the policy's `objective` says.
 */
export function reward(objective: Objective, step: StepResultForReward): number {
  const success = step.status === 'succeeded' || step.status === 'compensated' ? 1 : 0;
  return objective.success * success + objective.latencyMs * (step.latencyMs ?? 0) + objective.costUsd * (step.costUsd ?? 0);
}
