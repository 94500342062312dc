import { firstLine, toCelContext, type CelContext, type Condition } from './cel';
import type { CompiledPolicy, CompiledRule } from './compile';
import { NoMatchingPolicy, PdlEvaluationError, PolicyConflict } from './errors';
import { orderStages } from './order';
import type { HandlerRef, PolicyContext } from './types';

export interface TraceEntry {
  policy: string;
  stage?: string;
  rule: 'match' | 'candidate' | 'require' | 'forbid' | 'prefer';
  index?: number;
  when?: string;
  handler?: HandlerRef;
  effect: 'matched' | 'not-matched' | 'allowed' | 'forbade' | 'required' | 'preferred' | 'inactive' | 'no-version';
}

export interface StageDecision {
  name: string;
  allowed: HandlerRef[];
  required: HandlerRef[];
  preferences: { handler: HandlerRef; weight: number }[];
}

export interface Evaluation {
  /** The winning policy; `policies` lists every policy in force (ties at the top priority). */
  policy: string;
  policies: string[];
  stages: StageDecision[];
  order: string[];
  /** The stages each stage is ordered after (after/before of every policy in force). */
  dependsOn: Record<string, string[]>;
  trace: TraceEntry[];
  /** Lower-priority policies not evaluated because a higher one matched. */
  shadowed: number;
}

/** Policies sorted once by priority and bucketed by the resource type their match requires. */
export class PolicySet {
  private readonly byType = new Map<string, CompiledPolicy[]>();
  private readonly generic: CompiledPolicy[];
  /** Handlers any condition reads, so the context can supply metrics for new ones. */
  readonly referenced: string[];

  constructor(readonly policies: CompiledPolicy[]) {
    this.referenced = [...new Set(policies.flatMap((p) => p.referenced))];
    const sorted = [...policies].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
    for (const p of sorted) {
      if (p.resourceType === undefined) continue;
      if (!this.byType.has(p.resourceType)) this.byType.set(p.resourceType, []);
      this.byType.get(p.resourceType)!.push(p);
    }
    this.generic = sorted.filter((p) => p.resourceType === undefined);
  }

  /** Candidates for a resource type, highest priority first. */
  candidates(resourceType: string): CompiledPolicy[] {
    const typed = this.byType.get(resourceType) ?? [];
    if (!this.generic.length) return typed;
    if (!typed.length) return this.generic;
    return [...typed, ...this.generic].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  }
}

/**
 * The decision the rules make for one request: the highest-priority matching
 * policy (every policy tied with it stays in force), and per stage which
 * handlers are allowed, required and preferred, with a trace of why.
 */
export function evaluate(policies: CompiledPolicy[] | PolicySet, context: PolicyContext): Evaluation {
  const set = policies instanceof PolicySet ? policies : new PolicySet(policies);
  const cel = toCelContext(context, set.referenced);
  const trace: TraceEntry[] = [];
  const inForce: CompiledPolicy[] = [];
  const candidates = set.candidates(context.request.resourceType);
  let shadowed = 0;
  for (const [i, policy] of candidates.entries()) {
    // Sorted by priority: once below the winner, the rest cannot be in force.
    if (inForce.length && policy.priority < inForce[0]!.priority) {
      shadowed = candidates.length - i;
      break;
    }
    const matched = holds(policy.match, cel, `policy ${policy.name}, match`, policy.matchText);
    trace.push({ policy: policy.name, rule: 'match', when: policy.matchText, effect: matched ? 'matched' : 'not-matched' });
    if (matched) inForce.push(policy);
  }
  if (!inForce.length) {
    throw new NoMatchingPolicy(
      `no active policy matches resourceType "${context.request.resourceType}" in region "${context.request.region}"; apply one with \`mosaic policy apply\``,
    );
  }

  const stages = new Map<
    string,
    { decision: StageDecision; requiredBy: Map<string, string>; forbiddenBy: Map<string, string>; after: string[]; before: string[] }
  >();
  const available = Object.keys(context.handlers);
  for (const policy of inForce) {
    for (const stage of policy.stages) {
      let entry = stages.get(stage.name);
      if (!entry) {
        entry = {
          decision: { name: stage.name, allowed: [], required: [], preferences: [] },
          requiredBy: new Map(),
          forbiddenBy: new Map(),
          after: [],
          before: [],
        };
        stages.set(stage.name, entry);
      }
      entry.after.push(...stage.after);
      entry.before.push(...stage.before);
      const allowed = new Set(entry.decision.allowed);
      for (const ref of stage.candidates) {
        const expanded = expand(ref, available);
        if (!expanded.length) trace.push({ policy: policy.name, stage: stage.name, rule: 'candidate', handler: ref, effect: 'no-version' });
        for (const h of expanded) {
          allowed.add(h);
          trace.push({ policy: policy.name, stage: stage.name, rule: 'candidate', handler: h, effect: 'allowed' });
        }
      }
      for (const rule of stage.rules) applyRule(rule, policy, stage.name, cel, available, entry, allowed, trace);
      entry.decision.allowed = [...allowed];
    }
  }

  const decisions = [...stages.values()].map(({ decision, requiredBy, forbiddenBy }) => {
    for (const [handler, by] of requiredBy) {
      const forbidder = forbiddenBy.get(handler);
      if (forbidder !== undefined) throw new PolicyConflict([by, forbidder], handler, decision.name);
    }
    const forbidden = new Set(forbiddenBy.keys());
    decision.allowed = [...new Set([...decision.allowed.filter((h) => !forbidden.has(h)), ...requiredBy.keys()])];
    decision.required = [...requiredBy.keys()];
    return decision;
  });
  const order = orderStages(
    [...stages.entries()].map(([name, s]) => ({ name, after: s.after, before: s.before })),
    inForce.map((p) => p.name).join('+'),
  );
  const dependsOn: Record<string, string[]> = {};
  for (const [name, s] of stages) {
    for (const dep of s.after) if (stages.has(dep)) (dependsOn[name] ??= []).push(dep);
    for (const next of s.before) if (stages.has(next)) (dependsOn[next] ??= []).push(name);
  }
  return { policy: inForce[0]!.name, policies: inForce.map((p) => p.name), stages: decisions, order, dependsOn, trace, shadowed };
}

function applyRule(
  rule: CompiledRule,
  policy: CompiledPolicy,
  stage: string,
  cel: CelContext,
  available: string[],
  entry: { decision: StageDecision; requiredBy: Map<string, string>; forbiddenBy: Map<string, string> },
  allowed: Set<string>,
  trace: TraceEntry[],
): void {
  const active = rule.condition
    ? holds(rule.condition, cel, `policy ${policy.name}, stage ${stage}, ${rule.kind}[${rule.index}]`, rule.when!)
    : true;
  const handlers = rule.handlers.flatMap((ref) => expand(ref, available));
  for (const handler of handlers) {
    const base = { policy: policy.name, stage, rule: rule.kind, index: rule.index, when: rule.when, handler } as const;
    if (!active) {
      trace.push({ ...base, effect: 'inactive' });
      continue;
    }
    if (rule.kind === 'forbid') {
      entry.forbiddenBy.set(handler, policy.name);
      trace.push({ ...base, effect: 'forbade' });
    } else if (rule.kind === 'require') {
      entry.requiredBy.set(handler, policy.name);
      allowed.add(handler);
      trace.push({ ...base, effect: 'required' });
    } else {
      const existing = entry.decision.preferences.find((p) => p.handler === handler);
      if (existing) existing.weight += rule.weight;
      else entry.decision.preferences.push({ handler, weight: rule.weight });
      trace.push({ ...base, effect: 'preferred' });
    }
  }
}

function holds(condition: Condition, cel: CelContext, where: string, text: string): boolean {
  try {
    return condition(cel);
  } catch (err) {
    const reason = firstLine(err);
    const hint = /No such key/.test(reason)
      ? '; guard optional fields with has(), e.g. has(request.spec.size) && request.spec.size > 10'
      : '';
    throw new PdlEvaluationError(`${where}: \`${text}\` failed on this request: ${reason}${hint}`);
  }
}

/** `x@*` names every version of x the context knows; a concrete ref names itself. */
function expand(ref: string, available: string[]): string[] {
  if (!ref.endsWith('@*')) return [ref];
  const prefix = ref.slice(0, -1);
  return available.filter((h) => h.startsWith(prefix));
}

/** Sentences that answer "why was this handler (not) used?" from a trace. */
export function explain(trace: TraceEntry[], handler: HandlerRef): string[] {
  const lines = trace
    .filter((t) => t.handler === handler || (t.handler?.endsWith('@*') && handler.startsWith(t.handler.slice(0, -1))))
    .map((t) => {
      const where = `policy ${t.policy}, stage ${t.stage}`;
      const rule = `${t.rule}[${t.index}]${t.when ? ` when \`${t.when}\`` : ''}`;
      switch (t.effect) {
        case 'allowed':
          return `${where}: ${handler} is a candidate`;
        case 'no-version':
          return `${where}: candidate ${t.handler} has no registered version`;
        case 'forbade':
          return `${where}: ${rule} forbade ${handler}`;
        case 'required':
          return `${where}: ${rule} required ${handler}`;
        case 'preferred':
          return `${where}: ${rule} preferred ${handler}`;
        case 'inactive':
          return `${where}: ${rule} did not apply (condition false)`;
        default:
          return `${where}: ${t.effect}`;
      }
    });
  const policies = trace.filter((t) => t.rule === 'match' && t.effect === 'matched').map((t) => t.policy);
  if (!lines.length) return [`${handler} is not named by the policies in force (${policies.join(', ') || 'none'})`];
  return lines;
}
