import { isMap, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { compileCondition } from './cel';
import { PdlError, PdlExpressionError, PdlSyntaxError, PdlValidationError, StageOrderCycle, UnknownHandlerReference } from './errors';
import { TOO_DEEP, yamlTooDeepAt } from '../depth';
import { orderStages } from './order';
import { policySchema, type Policy } from './schema';

export interface ParseOptions {
  /** Registered handler versions; when given, every reference must name one (`x@*`: any version of x). */
  knownHandlers?: Iterable<string>;
}

/** One policy from one YAML document. */
export function parsePolicy(text: string, opts: ParseOptions = {}): Policy {
  const policies = parsePolicies(text, opts);
  if (policies.length !== 1) throw new PdlValidationError(`expected one policy document, found ${policies.length}`);
  return policies[0]!;
}

/** Every policy of a multi-document YAML stream (`---` between documents). */
export function parsePolicies(text: string, opts: ParseOptions = {}): Policy[] {
  const deep = yamlTooDeepAt(text);
  if (deep !== undefined) throw new PdlValidationError(TOO_DEEP).at(deep, 1);
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new PdlSyntaxError('not a YAML document stream');
  const known = opts.knownHandlers ? [...opts.knownHandlers] : undefined;
  // A stream may end with `---` or hold only comments between separators: those documents are empty, not errors.
  const empty = (doc: Document) => doc.contents === null || (isScalar(doc.contents) && doc.contents.source === '');
  return docs
    .filter((doc) => doc.errors.length || !empty(doc))
    .map((doc) => {
      const located = <E extends PdlError>(err: E, path: (string | number)[], key?: string): E => {
        const fault = err instanceof PdlExpressionError && err.offset !== undefined ? faultOffset(doc, text, path, err.offset) : undefined;
        const offset = fault ?? offsetOf(doc, path, key);
        if (offset === undefined) return err;
        const { line, col } = lines.linePos(offset);
        return err.at(line, col);
      };
      if (doc.errors.length) {
        const e = doc.errors[0]!;
        const { line, col } = lines.linePos(e.pos[0]);
        throw new PdlSyntaxError(`YAML syntax: ${e.message.split('\n')[0]}`).at(line, col);
      }
      let value: unknown;
      try {
        // Aliases to nothing and alias bombs surface here, not in doc.errors.
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        throw located(new PdlSyntaxError(`YAML: ${(err as Error).message}`), []);
      }
      const parsed = policySchema.safeParse(value);
      if (!parsed.success) throw located(...validationError(parsed.error));
      const policy = parsed.data;
      try {
        check(policy, known);
      } catch (err) {
        if (err instanceof PdlError) throw located(err, err.path);
        throw err;
      }
      return policy;
    });
}

/**
 * The issue a person should see first: an unknown field (usually a typo,
 * which also makes the field it meant look missing), then the rest in order.
 */
function validationError(error: z.ZodError): [PdlValidationError, (string | number)[], string?] {
  const pathOf = (issue: z.core.$ZodIssue) => issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const where = (path: (string | number)[]) => (path.length ? path.join('.') : 'the document');
  const missing = (issue: z.core.$ZodIssue) => issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const unknown = error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const path = pathOf(unknown);
    const key = unknown.keys[0]!;
    const meant = error.issues.find((i) => missing(i) && where(pathOf(i).slice(0, -1)) === where(path));
    const hint = meant
      ? `; did you mean "${String(meant.path[meant.path.length - 1])}"?`
      : '; remove it or check its spelling (see docs/pdl.md)';
    return [new PdlValidationError(`unknown field "${key}" in ${where(path)}${hint}`, [...path, key]), path, key];
  }
  const issue = error.issues[0]!;
  const path = pathOf(issue);
  if (missing(issue)) {
    return [
      new PdlValidationError(`${where(path)} is required: ${issue.message.replace(/^Invalid input: /, '')}`, path),
      path.slice(0, -1),
    ];
  }
  return [new PdlValidationError(`${where(path)}: ${issue.message}`, path), path];
}

/** Checks the schema cannot express: CEL, handler references, stage ordering. */
function check(policy: Policy, known: string[] | undefined): void {
  compileCondition(policy.spec.match, ['spec', 'match']);
  const stageNames = new Set(policy.spec.stages.map((s) => s.name));
  policy.spec.stages.forEach((stage, i) => {
    const at = ['spec', 'stages', i];
    for (const ref of [stage.after, stage.before].flat()) {
      if (ref !== undefined && !stageNames.has(ref)) {
        throw new PdlValidationError(`stage ${stage.name} is ordered against "${ref}", which is not a stage of this policy`, at);
      }
    }
    stage.candidates.forEach((ref, j) => checkRef(ref, known, [...at, 'candidates', j]));
    for (const kind of ['require', 'forbid', 'prefer'] as const) {
      stage[kind]?.forEach((rule, j) => {
        if (rule.when !== undefined) compileCondition(rule.when, [...at, kind, j, 'when']);
        rule.handlers.forEach((ref, k) => checkRef(ref, known, [...at, kind, j, 'handlers', k]));
      });
    }
  });
  try {
    orderStages(policy.spec.stages, policy.metadata.name);
  } catch (err) {
    if (!(err instanceof StageOrderCycle)) throw err;
    // Point at the first constraint between two stages of the cycle.
    const intoCycle = (names: string[] = []) => names.some((n) => err.stages.includes(n));
    const i = policy.spec.stages.findIndex((s) => err.stages.includes(s.name) && (intoCycle(s.after) || intoCycle(s.before)));
    err.path.push('spec', 'stages', i, intoCycle(policy.spec.stages[i]!.after) ? 'after' : 'before');
    throw err;
  }
}

function checkRef(ref: string, known: string[] | undefined, path: (string | number)[]): void {
  if (!known) return;
  const [id, version] = ref.split('@');
  const found = version === '*' ? known.some((k) => k.startsWith(`${id}@`)) : known.includes(ref);
  if (!found) throw new UnknownHandlerReference(`handler ${ref} is not registered; see \`mosaic handler list\``, path);
}

/**
 * Source offset of a fault `within` characters into the CEL expression at
 * path, when the expression is written on one line as it reads (plain or
 * quoted, no escapes); otherwise the caller points at the expression's start.
 */
function faultOffset(doc: Document, text: string, path: (string | number)[], within: number): number | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const start = node.range[0] + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0);
  return text.slice(start, start + node.value.length) === node.value ? start + within : undefined;
}

/** Source offset of the node at path, or of the map key named `key` under it. */
function offsetOf(doc: Document, path: (string | number)[], key?: string): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return range[0];
    }
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return range[0];
  }
  return undefined;
}
