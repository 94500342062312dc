import { ApplicationFailure } from '@temporalio/activity';

/**
 * Storage errors are worth retrying (the server may come back); the type lets
 * callers name the failing part without parsing messages.
 */
export async function withStorage<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    throw ApplicationFailure.retryable(`MongoDB ${operation} failed: ${(err as Error).message}`, 'StorageUnavailable');
  }
}
