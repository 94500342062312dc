import { ComposeFailure } from '../contract/compose';
import { GovernanceFailure } from '../contract/governance';
import { InvalidRequest } from '../composition/request';
import { rootFailure } from './failures';

/**
 * A Mosaic workflow failed: `type` is the stable name its worker gave the
 * failure (InvalidRequest, NoEligibleHandler, PermissionDenied…), so callers
 * catch a class instead of matching messages. Types without a class of their
 * own arrive as this class with their `type`.
 */
export class MosaicWorkflowError extends Error {
  /** The failure type this class stands for; the base class stands for all others. */
  static readonly type: string | undefined = undefined;

  constructor(
    readonly type: string,
    message: string,
    readonly details: unknown[] = [],
    readonly workflowId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request broke its schema: found by the client before starting, or by the worker for callers that bypass it. */
export class InvalidRequestError extends MosaicWorkflowError {
  static override readonly type = ComposeFailure.InvalidRequest;
  /** The first bad field, when the client found it (`spec.name`). */
  field?: string;
}
/** Policies and the registry leave no handler for a stage; the message names the stage and the rules. */
export class NoEligibleHandlerError extends MosaicWorkflowError {
  static override readonly type = ComposeFailure.NoEligibleHandler;
}
/** A pipeline step failed for good; what was done was undone. `details[0]` names the handler and stage. */
export class CompositionFailedError extends MosaicWorkflowError {
  static override readonly type = ComposeFailure.CompositionFailed;
}
/** A signed change by a key whose role does not allow it. */
export class PermissionDeniedError extends MosaicWorkflowError {
  static override readonly type = GovernanceFailure.PermissionDenied;
}
/** A signature that does not verify (request or policy). */
export class SignatureInvalidError extends MosaicWorkflowError {
  static override readonly type = GovernanceFailure.SignatureInvalid;
}

type ErrorClass = (new (...args: ConstructorParameters<typeof MosaicWorkflowError>) => MosaicWorkflowError) & { type: string | undefined };
const classes = new Map<string, ErrorClass>();

/** Gives a failure type its own class; each workflow family registers its types with one call. */
export function registerWorkflowError(...errorClasses: ErrorClass[]): void {
  for (const c of errorClasses) if (c.type) classes.set(c.type, c);
}
registerWorkflowError(InvalidRequestError, NoEligibleHandlerError, CompositionFailedError, PermissionDeniedError, SignatureInvalidError);

/** A workflow's failure as its Mosaic class; anything else (connection trouble, a bug) unchanged. */
export function typedError(err: unknown, workflowId?: string): unknown {
  if (err instanceof MosaicWorkflowError) return err;
  if (err instanceof InvalidRequest) {
    return Object.assign(new InvalidRequestError(err.type, err.message, [], undefined, { cause: err }), { field: err.field });
  }
  const failure = rootFailure(err);
  if (!failure?.type) return err;
  const ErrorClass = classes.get(failure.type) ?? MosaicWorkflowError;
  return new ErrorClass(failure.type, failure.message, failure.details ? [...failure.details] : [], workflowId, { cause: err });
}

/** Awaits p and rethrows a failure as its typed class. */
export async function typed<T>(p: Promise<T>, workflowId?: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw typedError(err, workflowId);
  }
}
