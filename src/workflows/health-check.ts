import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { HealthActivities } from '../activities/health';
import type { HealthReport } from '../contract/health';
import { MosaicState } from '../contract/search-attributes';

// Short and bounded: `mosaic doctor` waits on this, and a down database must
// surface as a failure within seconds, yet survive a brief restart.
const { probeStorage, describeRuntime } = proxyActivities<HealthActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 5 },
});

/** Proves the whole path: client → Temporal → worker → MongoDB and back. */
export async function healthCheck(): Promise<HealthReport> {
  try {
    const [storage, runtime] = await Promise.all([probeStorage(), describeRuntime()]);
    upsertSearchAttributes([{ key: MosaicState, value: 'passed' }]);
    return { workflowId: workflowInfo().workflowId, storage, runtime };
  } catch (err) {
    upsertSearchAttributes([{ key: MosaicState, value: 'failed' }]);
    throw err;
  }
}
