import { Context } from '@temporalio/activity';

/**
 * Runs `work` heartbeating every second, so that with a heartbeat timeout a
 * killed worker's attempt is retried within that timeout instead of after
 * the (minutes-long) start-to-close one, and a hung call shows it is alive.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  // The context is taken here, in the activity: a timer's callback need not run inside it.
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
