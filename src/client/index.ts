/**
 * The typed client library: what another service imports to start and watch
 * Mosaic workflows. Only the client and types: nothing here loads the worker,
 * the activities or a database driver (test/unit/client/index.test.ts).
 *
 *   const { MosaicClient, loadConfig, NoEligibleHandlerError } = require('mosaic/dist/client'); // after npm run build
 */
export { MosaicClient, readableId, type Poller } from './mosaic-client';
export type { CompositionHandle } from './compose';
export type { StatusReport, WorkflowCount, HandlerHealth } from './status';
export { TemporalUnavailable } from './connection';
export {
  MosaicWorkflowError,
  InvalidRequestError,
  NoEligibleHandlerError,
  CompositionFailedError,
  PermissionDeniedError,
  SignatureInvalidError,
  registerWorkflowError,
  typedError,
} from './workflow-errors';
export {
  InvalidNegotiationError,
  ConstraintsConflictError,
  FeedbackRejectedError,
  ProposalInvalidError,
  UnknownPersonaError,
  InvalidPersonaError,
  PersonaRefusedError,
} from './negotiation-errors';
export {
  ManifestInvalidError,
  LimitsUnsatisfiableError,
  TemplateNotFoundError,
  HostUnavailableError,
  PathOutsideRootsError,
  TemplateExistsError,
  HostExistsError,
  PortContestedError,
} from './snapshot-errors';
export { loadConfig, ConfigError, type Config } from '../config';
export type { CompositionRequestInput, CompositionRequest } from '../composition/request';
export type { CompositionResult, CompositionProgress } from '../contract/compose';
