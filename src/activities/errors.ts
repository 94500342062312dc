import { ApplicationFailure } from '@temporalio/activity';
import mongoose from 'mongoose';

/** Errors of the database driver or its connection: the server may come back, so worth retrying. */
export function isStorageError(err: unknown): boolean {
  return (
    err instanceof mongoose.mongo.MongoError || err instanceof mongoose.Error || (err instanceof Error && err.name.startsWith('Mongo'))
  );
}

/**
 * Storage errors become retryable failures of type StorageUnavailable, so
 * callers name the failing part without parsing messages; anything else (a
 * typed failure, a bug) passes through as it is.
 */
export async function withStorage<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isStorageError(err)) throw err;
    throw ApplicationFailure.retryable(`MongoDB ${operation} failed: ${(err as Error).message}`, 'StorageUnavailable');
  }
}

/**
 * A typed domain error (bad input, policy denied, signature invalid) as the
 * non-retryable failure callers match on by its stable `type`; a failure that
 * is already an ApplicationFailure passes unchanged.
 */
export function nonRetryable(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = err as Error & { type?: string };
  return ApplicationFailure.nonRetryable(e.message, e.type ?? e.name);
}
