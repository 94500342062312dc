import { SnapshotFailure } from '../contract/snapshot';
import { MosaicWorkflowError, registerWorkflowError } from './workflow-errors';

/** A manifest or template the worker refused (a client-side check throws the pure ManifestInvalid before starting). */
export class ManifestInvalidError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.ManifestInvalid;
}
/** The resources every choice must keep already exceed the manifest's resource_limits. */
export class LimitsUnsatisfiableError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.LimitsUnsatisfiable;
}
/** A template id no template has. */
export class TemplateNotFoundError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.TemplateNotFound;
}
/** A live source whose host is not registered, or not reachable. */
export class HostUnavailableError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.HostUnavailable;
}
/** A live source path outside the host's allowed roots. */
export class PathOutsideRootsError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.PathOutsideRoots;
}
/** A template id that already names different content: templates are immutable. */
export class TemplateExistsError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.TemplateExists;
}
/** A host name registered already with other content: replacing it must be asked for (`--replace`). */
export class HostExistsError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.HostExists;
}

/** Two services that would listen on one port: one source declared both. */
export class PortContestedError extends MosaicWorkflowError {
  static override readonly type = SnapshotFailure.PortContested;
}

registerWorkflowError(
  ManifestInvalidError,
  LimitsUnsatisfiableError,
  TemplateNotFoundError,
  HostUnavailableError,
  PathOutsideRootsError,
  TemplateExistsError,
  HostExistsError,
  PortContestedError,
);
