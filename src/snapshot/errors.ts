/**
 * Snapshot errors that retrying cannot fix. Each has a stable `type` callers
 * match on, and a message that names the field or source and the fix.
 */
export abstract class SnapshotError extends Error {
  abstract readonly type: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The manifest (or a template) is not what the schema accepts. */
export class ManifestInvalid extends SnapshotError {
  readonly type = 'ManifestInvalid';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The resources every choice must keep already exceed the manifest's resource_limits. */
export class LimitsUnsatisfiable extends SnapshotError {
  readonly type = 'LimitsUnsatisfiable';
}

/** A template id no template has. */
export class TemplateNotFound extends SnapshotError {
  readonly type = 'TemplateNotFound';
  constructor(readonly id: string) {
    super(`template ${id} does not exist; create it with \`mosaic snapshot template create <file>\` or fix sources[].id`);
  }
}

/** A live source whose host is not registered, or not reachable. */
export class HostUnavailable extends SnapshotError {
  readonly type = 'HostUnavailable';
}

/** A live source path outside the host's allowed roots (by `..` or by a symlink). */
export class PathOutsideRoots extends SnapshotError {
  readonly type = 'PathOutsideRoots';
}

/** A template id that already names different content: templates are immutable. */
export class TemplateExists extends SnapshotError {
  readonly type = 'TemplateExists';
  constructor(readonly id: string) {
    super(`template ${id} exists with other content; templates are immutable, so create it under a new id`);
  }
}

/** Two services that would listen on one port: one source declared both, or a resolution left both. */
export class PortContested extends SnapshotError {
  readonly type = 'PortContested';
}

/** An SSH host that presented another host key than the one registered for it: nothing is read from it. */
export class HostKeyMismatch extends SnapshotError {
  readonly type = 'HostKeyMismatch';
}

/** A capture past one of its bounds (files, bytes, time): refused whole rather than cut silently. */
export class CaptureTooLarge extends SnapshotError {
  readonly type = 'CaptureTooLarge';
}

/** A file carried by reference from an SSH host that no longer matches the hash its capture recorded: changed, removed or tampered with since. */
export class FileChanged extends SnapshotError {
  readonly type = 'FileChanged';
}
