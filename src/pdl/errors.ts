/**
 * Policy errors carry a stable `type` (what went wrong), and where it is:
 * the YAML path and, when the source is known, line and column.
 */
export class PdlError extends Error {
  readonly type: string;
  line?: number;
  column?: number;
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
  ) {
    super(message);
    this.name = new.target.name;
    this.type = new.target.name;
  }

  at(line: number, column: number): this {
    this.line = line;
    this.column = column;
    this.message = `line ${line}, column ${column}: ${this.message}`;
    return this;
  }
}

export class PdlSyntaxError extends PdlError {}
export class PdlValidationError extends PdlError {}
/** A CEL expression that does not parse, does not type-check, or names an unknown context field. */
export class PdlExpressionError extends PdlError {
  constructor(
    message: string,
    path: (string | number)[] = [],
    /** Where in the expression CEL found the fault, so the column can point into it. */
    readonly offset?: number,
  ) {
    super(message, path);
  }
}
/**
 * A condition that type-checked failed on one request's data (a `request.spec`
 * key the request lacks, a value of another type, a division by zero). The
 * decision fails rather than guess whether a forbid or require applied.
 */
export class PdlEvaluationError extends PdlError {}
export class UnknownHandlerReference extends PdlError {}
export class StageOrderCycle extends PdlError {
  constructor(
    message: string,
    readonly stages: string[],
  ) {
    super(message);
  }
}
export class NoMatchingPolicy extends PdlError {}

/** Two policies in force contradict each other: one requires what the other forbids. */
export class PolicyConflict extends PdlError {
  constructor(
    readonly policies: [string, string],
    readonly handler: string,
    readonly stage: string,
  ) {
    super(
      policies[0] === policies[1]
        ? `policy ${policies[0]} both requires and forbids ${handler} in stage ${stage}`
        : `policies ${policies[0]} and ${policies[1]} match at the same priority, and one requires what the other forbids: ${handler} in stage ${stage}; give one a higher priority or narrow its match`,
    );
  }
}
