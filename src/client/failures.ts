import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';

/**
 * The innermost ApplicationFailure of a workflow failure: its `type` is the
 * stable name of what went wrong (SignatureInvalid, StorageUnavailable, …).
 */
export function rootFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  let found: ApplicationFailure | undefined;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure && current.type) found = current;
    current = current instanceof TemporalFailure || current instanceof WorkflowFailedError || current instanceof WorkflowUpdateFailedError ? current.cause : undefined;
  }
  return found;
}
