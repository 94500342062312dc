import { NegotiationFailure } from '../contract/negotiate';
import { MosaicWorkflowError, registerWorkflowError } from './workflow-errors';

/** The request broke its schema or a constraint does not parse; found by the client before starting, or by the worker. */
export class InvalidNegotiationError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.InvalidNegotiation;
}
/** No configuration meets the constraints; `details[0]` is the conflict with its nearest relaxations. */
export class ConstraintsConflictError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.ConstraintsConflict;
}
/** Feedback that does not fit the negotiation's state (an unknown proposal, a malformed change). */
export class FeedbackRejectedError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.FeedbackRejected;
}
/** A modification that breaks a constraint of the request; the message names it. */
export class ProposalInvalidError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.ProposalInvalid;
}
/** The base persona does not exist or the caller may not see it. */
export class UnknownPersonaError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.UnknownPersona;
}
/** A persona that breaks its schema. */
export class InvalidPersonaError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.InvalidPersona;
}
/** A persona store operation the caller may not do (publish someone else's, a version that exists…). */
export class PersonaRefusedError extends MosaicWorkflowError {
  static override readonly type = NegotiationFailure.PersonaRefused;
}

registerWorkflowError(
  InvalidNegotiationError,
  ConstraintsConflictError,
  FeedbackRejectedError,
  ProposalInvalidError,
  UnknownPersonaError,
  InvalidPersonaError,
  PersonaRefusedError,
);
