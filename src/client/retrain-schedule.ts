import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Duration, Workflow } from '@temporalio/common';
import { RETRAIN_CATCHUP_MS, RETRAIN_SCHEDULE_ID, retrainPolicy } from '../contract/models';

export { RETRAIN_SCHEDULE_ID };

/**
 * The retrain schedule, created or brought up to date at worker start: same
 * id every time, the interval from MOSAIC_RETRAIN_INTERVAL, and a run that
 * would overlap the previous one is skipped. Safe to call from every worker.
 */
export async function ensureRetrainSchedule(client: Client, opts: { taskQueue: string; interval: string }): Promise<void> {
  // config.ts admits only whole minutes, hours or days, all valid Temporal durations.
  const spec = { intervals: [{ every: opts.interval as Duration }] };
  const action: ScheduleOptionsStartWorkflowAction<Workflow> = {
    type: 'startWorkflow',
    workflowType: retrainPolicy,
    workflowId: RETRAIN_SCHEDULE_ID,
    taskQueue: opts.taskQueue,
    // No arguments, so no payload for a codec to encrypt: every worker can read
    // the schedule back to update it, whatever payload keys it holds (a key
    // rotation under way). A scheduled run is credited to its workflow id,
    // mosaic-retrain-policy-<time>, and needs no signed request if the
    // schedule lists it at a time of this spec, taken in time: a triggered or
    // backfilled run is refused (security/scheduled-run.ts).
    args: [],
  };
  // Intervals only, and a catch-up window the worker checks runs against: see security/scheduled-run.ts.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: RETRAIN_CATCHUP_MS };
  try {
    await client.schedule.create({ scheduleId: RETRAIN_SCHEDULE_ID, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(RETRAIN_SCHEDULE_ID)
      .update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
  }
}
