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
