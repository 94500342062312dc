/**
 * Security failures, each with a stable `type` equal to its name so an
 * activity can turn it into a non-retryable Temporal failure callers match on.
 */
export class SecurityError extends Error {
  readonly type: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    this.type = new.target.name;
  }
}

/** The signature does not match the signed content: tampered, or signed by another key. */
export class SignatureInvalid extends SecurityError {}
/** The signing key is not among the trusted keys. */
export class UnknownSigner extends SecurityError {}
/** The request's key belongs to no registered actor. */
export class UnknownActor extends SecurityError {}
/** The request's timestamp is outside the allowed clock skew. */
export class RequestExpired extends SecurityError {}
/** The request's nonce was used before: a replay. */
export class NonceReused extends SecurityError {}
/** The actor's role does not allow the operation. */
export class PermissionDenied extends SecurityError {}
/** The payload is not the one whose hash was signed. */
export class PayloadMismatch extends SecurityError {}
/** A policy without a signature block. */
export class PolicyUnsigned extends SecurityError {}
/** A change request that is not even shaped like one: a field missing, of the wrong type or out of bounds. */
export class InvalidChange extends SecurityError {}
/** An unsigned run a schedule started on request (a trigger or a backfill), not at a time of its own calendar. */
export class UnscheduledRun extends SecurityError {}
