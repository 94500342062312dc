import { Context } from '@temporalio/activity';

/**
 * The key a side effect carries: the same workflow step always yields the
 * same key, so a retried or re-run activity finds its earlier effect instead
 * of repeating it.
 */
export function idempotencyKey(step: string): string {
  const info = Context.current().info;
  const owner = info.workflowExecution?.workflowId ?? `activity:${info.activityId}`;
  return `${owner}/${step}`;
}

/**
 * A key of one workflow run's step: for records that must exist once per
 * attempt, such as audit entries, where a second run under the same
 * workflow id (a replayed change) is a new attempt with an entry of its own.
 */
export function runKey(step: string): string {
  const run = Context.current().info.workflowExecution?.runId ?? 'no-run';
  return `${idempotencyKey(step)}@${run}`;
}
