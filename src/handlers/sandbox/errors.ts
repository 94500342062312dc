export type SandboxViolationReason = 'timeout' | 'memory' | 'forbidden' | 'error' | 'invalid-output';

/**
 * How a user handler's run ended when it did not return a value: `reason`
 * tells callers what happened without parsing the message. For `error` the
 * message is the one the handler threw.
 */
export class SandboxViolation extends Error {
  readonly type = 'SandboxViolation';
  constructor(
    readonly reason: SandboxViolationReason,
    message: string,
  ) {
    super(message);
    // Temporal names an activity failure after the error's name.
    this.name = 'SandboxViolation';
  }
}
