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

/** A host name already registered with other content: replacing it must be asked for. */
export class HostExists extends SnapshotError {
  readonly type = 'HostExists';
  constructor(readonly host: string) {
    super(
      `host ${host} is registered already with other content; replacing it changes what every later composition captures: pass --replace (mosaic snapshot host register <file> --replace) if that is meant`,
    );
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
