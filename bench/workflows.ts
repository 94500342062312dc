// The bench worker's bundle: Mosaic's workflows plus the baseline they are measured against.
import { proxyActivities } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

export * from '../src/workflows';

const { noopActivity } = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

/** The same five no-op steps as the bench policy's pipeline, in sequence, with nothing around them. */
export async function baselineFiveSteps(): Promise<void> {
  for (let i = 0; i < 5; i++) await noopActivity(i);
}
