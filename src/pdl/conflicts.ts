import { conditionTree, toCelContext, type CelNode, type Condition } from './cel';
import type { CompiledPolicy, CompiledRule, CompiledStage } from './compile';
import { NO_METRICS, type HandlerMetrics, type PolicyContext } from './types';

/**
 * Apply-time contradiction search. Two policies at the same priority are both
 * in force for every request both match; if one then requires a handler the
 * other forbids, that request fails at decision time with PolicyConflict. The
 * search looks for such a request before the policy is stored: it collects the
 * literals each condition compares a context field with (regions, resource
 * types, classifications, accounts, compliance regimes, load and error-rate
 * thresholds), builds each field's finite set of distinguishing values (every
 * literal, a value outside them, the points between thresholds) and tries
 * their combinations, bounded.
 *
 * A witness whose request fields alone make the contradiction (whatever the
 * system load and handler metrics) refuses the apply; one that also needs
 * run-time values (system.cpu above a threshold, an error rate) is a warning:
 * it can only be decided when such a request arrives.
 */

export type ConflictSeverity = 'refuse' | 'warn';

export interface ConflictFinding {
  severity: ConflictSeverity;
  /** The policy that requires the handler, then the one that forbids it (the same name for a self-contradiction). */
  requiredBy: string;
  forbiddenBy: string;
  stage: string;
  handler: string;
  /** The context fields the search set, by path (`request.region`, `system.cpu`…); every other field is its default. */
  witness: Record<string, unknown>;
  /** True when the witness needs run-time values (system load, handler metrics) as well as request fields. */
  decidedAtRunTime: boolean;
  /** True when the bounded search stopped before trying every combination and found nothing: undecided, not proven apart. */
  incomplete?: boolean;
}

export interface ConflictSearchOptions {
  /** Contexts tried per pair of contradicting rules before the search gives up on that pair (reported as incomplete). */
  maxContextsPerPair?: number;
  /**
   * Contexts tried over all pairs: the search runs inside the apply activity, on
   * the worker's event loop, so many active policies at one priority must not
   * stall it. Pairs past the budget are reported as incomplete.
   */
  maxContexts?: number;
}

const DEFAULT_MAX_CONTEXTS_PER_PAIR = 20_000;
/** About a second of search on the 2-core project machine (some 6 µs a context). */
const DEFAULT_MAX_CONTEXTS = 200_000;

/**
 * Contradictions between `candidate` and the policies already active (and
 * within `candidate` itself). Active versions of the candidate's own name are
 * skipped: the candidate replaces them.
 */
export function findPolicyConflicts(
  candidate: CompiledPolicy,
  active: CompiledPolicy[],
  options: ConflictSearchOptions = {},
): ConflictFinding[] {
  const max = options.maxContextsPerPair ?? DEFAULT_MAX_CONTEXTS_PER_PAIR;
  const budget = { left: options.maxContexts ?? DEFAULT_MAX_CONTEXTS };
  const peers = active.filter((p) => p.name !== candidate.name && p.priority === candidate.priority);
  const findings: ConflictFinding[] = [];
  for (const other of [candidate, ...peers]) {
    for (const pair of contradictingRules(candidate, other)) {
      const finding = search(pair, max, budget);
      if (finding) findings.push(finding);
    }
  }
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'refuse' ? -1 : 1));
}

/** One sentence naming both policies, the stage, the handler and the witness. */
export function describeConflict(f: ConflictFinding): string {
  const who =
    f.requiredBy === f.forbiddenBy
      ? `policy ${f.requiredBy} both requires and forbids ${f.handler} in stage ${f.stage}`
      : `policy ${f.requiredBy} requires ${f.handler} in stage ${f.stage} where policy ${f.forbiddenBy} forbids it (same priority, both match)`;
  const witness = Object.entries(f.witness)
    .map(([path, value]) => `${path} = ${JSON.stringify(value)}`)
    .join(', ');
  const when = witness ? `for a request with ${witness}` : 'for every request';
  if (f.incomplete) return `${who} may contradict: the bounded search could not decide (try narrowing the conditions)`;
  if (f.decidedAtRunTime) return `${who} ${when}: a run-time contradiction (depends on load or handler metrics)`;
  return `${who} ${when}; give one a higher priority or narrow its match`;
}

interface RulePair {
  require: { policy: CompiledPolicy; rule: CompiledRule };
  forbid: { policy: CompiledPolicy; rule: CompiledRule };
  stage: string;
  handler: string;
}

/** Require/forbid rules of a shared stage that name an overlapping handler, in both directions. */
function contradictingRules(a: CompiledPolicy, b: CompiledPolicy): RulePair[] {
  const pairs: RulePair[] = [];
  const directions: [CompiledPolicy, CompiledPolicy][] =
    a === b
      ? [[a, a]]
      : [
          [a, b],
          [b, a],
        ];
  for (const [req, forb] of directions) {
    for (const rs of req.stages) {
      const fs = forb.stages.find((s) => s.name === rs.name);
      if (!fs) continue;
      for (const r of rulesOf(rs, 'require')) {
        for (const f of rulesOf(fs, 'forbid')) {
          const handler = overlap(r.handlers, f.handlers);
          if (handler) pairs.push({ require: { policy: req, rule: r }, forbid: { policy: forb, rule: f }, stage: rs.name, handler });
        }
      }
    }
  }
  return pairs;
}

const rulesOf = (stage: CompiledStage, kind: CompiledRule['kind']) => stage.rules.filter((r) => r.kind === kind);

/** The first handler two reference lists both name; `x@*` overlaps every version of x. */
function overlap(left: string[], right: string[]): string | undefined {
  for (const l of left) {
    for (const r of right) {
      if (l === r) return l;
      const [ln, lv] = l.split('@') as [string, string];
      const [rn, rv] = r.split('@') as [string, string];
      if (ln === rn && (lv === '*' || rv === '*')) return lv === '*' ? r : l;
    }
  }
  return undefined;
}

function search(pair: RulePair, max: number, budget: { left: number }): ConflictFinding | undefined {
  const conditions: (Condition | undefined)[] = [pair.require.policy.match, pair.require.rule.condition, pair.forbid.rule.condition];
  const texts = [pair.require.policy.matchText, pair.require.rule.when, pair.forbid.rule.when];
  if (pair.forbid.policy !== pair.require.policy) {
    conditions.push(pair.forbid.policy.match);
    texts.push(pair.forbid.policy.matchText);
  }
  const fields = domainsOf(texts.filter((t): t is string => t !== undefined));
  const request = fields.filter((f) => f.path.startsWith('request.'));
  const runtime = fields.filter((f) => !f.path.startsWith('request.'));
  const runtimeCount = runtime.reduce((n, f) => n * f.values.length, 1);
  const requestCount = request.reduce((n, f) => n * f.values.length, 1);
  const base = {
    requiredBy: pair.require.policy.name,
    forbiddenBy: pair.forbid.policy.name,
    stage: pair.stage,
    handler: pair.handler,
  };
  const handlers = [pair.handler, ...pair.require.policy.referenced, ...pair.forbid.policy.referenced];
  const holds = (assignment: Map<string, unknown>) => {
    const cel = toCelContext(contextFrom(assignment), handlers);
    return conditions.every((c) => {
      if (!c) return true;
      try {
        return c(cel);
      } catch {
        // A condition that fails on this request fails the decision with PdlEvaluationError, not a contradiction.
        return false;
      }
    });
  };

  let tried = 0;
  let runTimeWitness: Map<string, unknown> | undefined;
  for (let s = 0; s < requestCount; s++) {
    if (tried >= max || budget.left <= 0) break;
    const assignment = pick(request, s);
    let contradicted = 0;
    let first: Map<string, unknown> | undefined;
    for (let r = 0; r < runtimeCount; r++) {
      const full = new Map([...assignment, ...pick(runtime, r)]);
      tried++;
      budget.left--;
      if (holds(full)) {
        contradicted++;
        first ??= full;
      }
    }
    if (contradicted === runtimeCount) return { ...base, severity: 'refuse', witness: shown(assignment), decidedAtRunTime: false };
    if (first && !runTimeWitness) runTimeWitness = first;
  }
  if (runTimeWitness) return { ...base, severity: 'warn', witness: shown(runTimeWitness), decidedAtRunTime: true };
  if (tried < requestCount * runtimeCount) return { ...base, severity: 'warn', witness: {}, decidedAtRunTime: true, incomplete: true };
  return undefined;
}

/** The combination number `index` of the fields' values (mixed radix). */
function pick(fields: Domain[], index: number): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const f of fields) {
    out.set(f.path, f.values[index % f.values.length]);
    index = Math.floor(index / f.values.length);
  }
  return out;
}

/** Fields left at their absent value are not part of what a person needs to see. */
function shown(assignment: Map<string, unknown>): Record<string, unknown> {
  return Object.fromEntries([...assignment].filter(([, v]) => v !== ABSENT));
}

const ABSENT = Symbol('absent');

interface Domain {
  path: string;
  values: unknown[];
}

type FieldKind = 'string' | 'list' | 'load' | 'metric' | 'rate' | 'dyn';

/** What kind of value a context path holds; `undefined` for paths the search does not vary. */
function kindOf(path: string): FieldKind | undefined {
  if (/^request\.(user|account|region|resourceType)$/.test(path)) return 'string';
  if (/^request\.security\.(classification|networkExposure)$/.test(path)) return 'string';
  if (path === 'request.security.compliance') return 'list';
  if (/^request\.spec\.[^.]+$/.test(path)) return 'dyn';
  if (/^system\.(cpu|memory|network)$/.test(path)) return 'load';
  if (/^handlers\[".+"\]\.errorRate$/.test(path)) return 'rate';
  if (/^handlers\[".+"\]\.\w+$/.test(path)) return 'metric';
  return undefined;
}

interface Clues {
  strings: Set<string>;
  numbers: Set<number>;
  booleans: boolean;
}

/** Each varied field with its distinguishing values, from the literals the expressions compare it with. */
function domainsOf(expressions: string[]): Domain[] {
  const clues = new Map<string, Clues>();
  const clue = (path: string) => {
    let c = clues.get(path);
    if (!c) clues.set(path, (c = { strings: new Set(), numbers: new Set(), booleans: false }));
    return c;
  };
  for (const e of expressions) collect(conditionTree(e), clue);
  const domains: Domain[] = [];
  for (const [path, c] of [...clues].sort(([a], [b]) => a.localeCompare(b))) {
    const kind = kindOf(path);
    if (!kind) continue;
    domains.push({ path, values: valuesOf(kind, c) });
  }
  return domains;
}

function valuesOf(kind: FieldKind, c: Clues): unknown[] {
  const strings = [...c.strings];
  const numbers = [...c.numbers];
  switch (kind) {
    case 'string':
      return [...strings, OTHER];
    case 'list': {
      const subsets: unknown[] = [[], ...strings.map((s) => [s])];
      if (strings.length > 1) subsets.push(strings);
      return subsets;
    }
    case 'load':
      return points(numbers, 0, 1);
    case 'rate':
      return points(numbers, 0, 1);
    case 'metric':
      return points(numbers, 0, Infinity);
    case 'dyn': {
      const values: unknown[] = [ABSENT, ...strings];
      if (strings.length) values.push(OTHER);
      if (numbers.length) values.push(...points(numbers, -Infinity, Infinity));
      if (c.booleans) values.push(true, false);
      return values;
    }
  }
}

/** A value no condition names, standing for "anything else". */
const OTHER = 'other';

/** Every threshold, the midpoints between them and a point beyond each end, within [low, high]. */
function points(thresholds: number[], low: number, high: number): number[] {
  const sorted = [...new Set(thresholds.filter((t) => t >= low && t <= high))].sort((a, b) => a - b);
  if (!sorted.length) return [Number.isFinite(low) ? low : 0];
  const out: number[] = [];
  const below = Number.isFinite(low) ? low : sorted[0]! - 1;
  if (below < sorted[0]!) out.push(below);
  sorted.forEach((t, i) => {
    out.push(t);
    const next = sorted[i + 1];
    if (next !== undefined) out.push((t + next) / 2);
  });
  const last = sorted[sorted.length - 1]!;
  const above = Number.isFinite(high) ? high : last + 1;
  if (above > last) out.push(above);
  return out;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const LOGICAL = new Set(['&&', '||', '!_', '?:']);

function isNode(value: unknown): value is CelNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** `request.region`, `handlers["rds@1"].errorRate`: the context path a node reads, if it is one. */
function pathOf(node: CelNode): string | undefined {
  if (node.op === 'id') return typeof node.args === 'string' ? node.args : undefined;
  if (!Array.isArray(node.args)) return undefined;
  const [object, key] = node.args as [unknown, unknown];
  if ((node.op === '.' || node.op === '.?') && isNode(object) && typeof key === 'string') {
    const base = pathOf(object);
    return base && `${base}.${key}`;
  }
  if (node.op === '[]' && isNode(object) && isNode(key) && key.op === 'value' && typeof key.args === 'string') {
    const base = pathOf(object);
    return base && `${base}[${JSON.stringify(key.args)}]`;
  }
  return undefined;
}

function literal(node: unknown): string | number | boolean | undefined {
  if (!isNode(node) || node.op !== 'value') return undefined;
  const v = node.args;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

function note(clues: Clues, value: string | number | boolean): void {
  if (typeof value === 'string') clues.strings.add(value);
  else if (typeof value === 'number') clues.numbers.add(value);
  else clues.booleans = true;
}

/** Walks the tree, noting each literal a path is compared with (and what a string method makes of it). */
function collect(node: CelNode, clue: (path: string) => Clues): void {
  const args = Array.isArray(node.args) ? node.args : [node.args];
  if (COMPARISONS.has(node.op)) {
    const [a, b] = args;
    for (const [p, v] of [
      [a, b],
      [b, a],
    ]) {
      const path = isNode(p) ? pathOf(p) : undefined;
      const value = literal(v);
      if (path && value !== undefined) note(clue(path), value);
    }
  } else if (node.op === 'in') {
    const [member, container] = args;
    const memberPath = isNode(member) ? pathOf(member) : undefined;
    if (memberPath && isNode(container) && container.op === 'list') {
      for (const item of container.args as unknown[]) {
        const value = literal(item);
        if (value !== undefined) note(clue(memberPath), value);
      }
    }
    const containerPath = isNode(container) ? pathOf(container) : undefined;
    const value = literal(member);
    if (containerPath && value !== undefined) note(clue(containerPath), value);
  } else if (node.op === 'rcall') {
    const [method, target, callArgs] = args as [unknown, unknown, unknown];
    const path = isNode(target) ? pathOf(target) : undefined;
    const value = Array.isArray(callArgs) ? literal(callArgs[0]) : undefined;
    if (path && typeof value === 'string') {
      if (method === 'startsWith') note(clue(path), `${value}${OTHER}`);
      else if (method === 'endsWith') note(clue(path), `${OTHER}${value}`);
      else if (method === 'contains') note(clue(path), `${OTHER}${value}${OTHER}`);
      if (path === 'request.security.compliance') note(clue(path), value);
    }
  } else if (node.op === 'call' && args[0] === 'has' && Array.isArray(args[1]) && isNode(args[1][0])) {
    const path = pathOf(args[1][0]);
    if (path) clue(path);
  } else if (LOGICAL.has(node.op)) {
    // A field used as a condition on its own (`request.spec.public && …`) is a bool.
    for (const a of args) {
      const path = isNode(a) ? pathOf(a) : undefined;
      if (path) clue(path).booleans = true;
    }
  }
  for (const a of args) {
    if (isNode(a)) collect(a, clue);
    else if (Array.isArray(a)) for (const inner of a) if (isNode(inner)) collect(inner, clue);
  }
}

/**
 * The full decision context a witness stands for: its fields, every other one
 * at a neutral default (what `mosaic policy evaluate` takes to show the conflict).
 */
export function witnessContext(witness: Record<string, unknown>): PolicyContext {
  return contextFrom(new Map(Object.entries(witness)));
}

function contextFrom(assignment: Map<string, unknown>): PolicyContext {
  const context: PolicyContext = {
    request: {
      user: OTHER,
      account: OTHER,
      region: OTHER,
      resourceType: OTHER,
      spec: {},
      security: { classification: OTHER, compliance: [], networkExposure: OTHER },
    },
    system: { cpu: 0, memory: 0, network: 0 },
    handlers: {},
  };
  for (const [path, value] of assignment) {
    if (value === ABSENT) continue;
    const handler = /^handlers\["(.+)"\]\.(\w+)$/.exec(path);
    if (handler) {
      const metrics: HandlerMetrics = (context.handlers[handler[1]!] ??= { ...NO_METRICS });
      (metrics as unknown as Record<string, unknown>)[handler[2]!] = value;
      continue;
    }
    const [root, ...rest] = path.split('.');
    let target = (context as unknown as Record<string, Record<string, unknown>>)[root!]!;
    for (const key of rest.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[rest[rest.length - 1]!] = value;
  }
  return context;
}
