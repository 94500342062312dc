import { Environment } from '@marcbachmann/cel-js';
import { PdlExpressionError } from './errors';
import { NO_METRICS, type HandlerMetrics, type PolicyContext } from './types';

// Typed wrappers: declaring fields lets the checker reject `request.regoin`
// or `system.cpu + "x"` when the policy is compiled, not when it runs.
class CelHandlerMetrics {
  constructor(m: HandlerMetrics) {
    Object.assign(this, m);
  }
}
class CelSecurity {
  constructor(s: PolicyContext['request']['security']) {
    Object.assign(this, s);
  }
}
class CelRequest {
  security: CelSecurity;
  constructor(r: PolicyContext['request']) {
    Object.assign(this, r);
    this.security = new CelSecurity(r.security);
  }
}
class CelSystem {
  constructor(s: PolicyContext['system']) {
    Object.assign(this, s);
  }
}

const environment = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 64 } })
  .registerType('HandlerMetrics', {
    ctor: CelHandlerMetrics,
    fields: { latencyP50Ms: 'double', latencyP95Ms: 'double', errorRate: 'double', calls: 'double', cpuMs: 'double', memoryMb: 'double' },
  })
  .registerType('Security', {
    ctor: CelSecurity,
    fields: { classification: 'string', compliance: 'list<string>', networkExposure: 'string' },
  })
  .registerType('Request', {
    ctor: CelRequest,
    fields: { user: 'string', account: 'string', region: 'string', resourceType: 'string', spec: 'map<string, dyn>', security: 'Security' },
  })
  .registerType('SystemLoad', { ctor: CelSystem, fields: { cpu: 'double', memory: 'double', network: 'double' } })
  .registerVariable('request', 'Request')
  .registerVariable('system', 'SystemLoad')
  .registerVariable('handlers', 'map<string, HandlerMetrics>');

export type CelContext = { request: CelRequest; system: CelSystem; handlers: Map<string, CelHandlerMetrics> };
export type Condition = (context: CelContext) => boolean;

/**
 * Converted once per decision and shared by every expression evaluated in it.
 * `referenced` handlers without metrics (new versions) read as all zeros.
 */
export function toCelContext(context: PolicyContext, referenced: Iterable<string> = []): CelContext {
  const handlers = new Map<string, CelHandlerMetrics>();
  for (const [id, m] of Object.entries(context.handlers)) handlers.set(id, new CelHandlerMetrics(m));
  for (const id of referenced) if (!handlers.has(id)) handlers.set(id, new CelHandlerMetrics(NO_METRICS));
  return { request: new CelRequest(context.request), system: new CelSystem(context.system), handlers };
}

/** Handler ids an expression reads as `handlers["id@v"]` (or with single quotes), so the context can supply them. */
export function referencedHandlers(expression: string): string[] {
  return [...expression.matchAll(/handlers\s*\[\s*(["'])([^"']+)\1\s*\]/g)].map((m) => m[2]!);
}

/** A node of cel-js's syntax tree: an operator and its arguments (child nodes, names or literal values). */
export interface CelNode {
  op: string;
  args: unknown;
}

/** The syntax tree of an expression that compiles (see compileCondition), for analyses over its structure. */
export function conditionTree(expression: string): CelNode {
  return environment.parse(expression).ast as CelNode;
}

/** Parses and type-checks; the result must be a bool. */
export function compileCondition(expression: string, path: (string | number)[]): Condition {
  let evaluator: ReturnType<typeof environment.parse>;
  try {
    evaluator = environment.parse(expression);
  } catch (err) {
    throw new PdlExpressionError(describe(err, expression), path, positionOf(err));
  }
  const checked = evaluator.check() as { valid?: boolean; type?: string; error?: Error };
  if (checked.valid === false) throw new PdlExpressionError(describe(checked.error, expression), path, positionOf(checked.error));
  if (checked.type && checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new PdlExpressionError(`\`${expression}\` is of type ${checked.type}; a condition must be a bool`, path);
  }
  return (context) => evaluator(context) === true;
}

/** cel-js errors carry the offending AST node; its `pos` is an offset into the expression. */
function positionOf(err: unknown): number | undefined {
  const pos = (err as { node?: { pos?: unknown } } | undefined)?.node?.pos;
  return typeof pos === 'number' ? pos : undefined;
}

/** cel-js messages draw a caret under the expression on the following lines; the first line is the message. */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

function describe(err: unknown, expression: string): string {
  const first = firstLine(err);
  const hint = /No such key: (\w+)/.exec(first);
  const field = hint ? ` (unknown context field "${hint[1]}"; see docs/pdl.md for request, system and handlers fields)` : '';
  return `invalid CEL in \`${expression}\`: ${first}${field}`;
}
