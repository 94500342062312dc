import { ApplicationFailure } from '@temporalio/common';

/**
 * The innermost ApplicationFailure of a workflow failure: its `type` is the
 * stable name of what went wrong (SignatureInvalid, StorageUnavailable, …).
 */
export function rootFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  let found: ApplicationFailure | undefined;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure && current.type) found = current;
    // Any cause chain: Temporal's failures, and the typed errors that wrap them (workflow-errors.ts).
    current = current.cause;
  }
  return found;
}
