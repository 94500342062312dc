import { createHash } from 'node:crypto';
import { canonicalJson } from '../security/canonical';
import { compileCondition, referencedHandlers, type Condition } from './cel';
import { orderStages } from './order';
import type { Policy, Stage } from './schema';

export interface CompiledRule {
  kind: 'require' | 'forbid' | 'prefer';
  index: number;
  when?: string;
  condition?: Condition;
  handlers: string[];
  weight: number;
}

export interface CompiledStage {
  name: string;
  candidates: string[];
  rules: CompiledRule[];
  after: string[];
  before: string[];
}

export interface CompiledPolicy {
  name: string;
  version: number;
  priority: number;
  match: Condition;
  matchText: string;
  stages: CompiledStage[];
  order: string[];
  /** Handlers that conditions read, so the context can supply metrics for new ones. */
  referenced: string[];
  /** The literal resource type the match requires, when it has one: lets a set skip policies cheaply. */
  resourceType?: string;
  source: Policy;
}

const cache = new Map<string, CompiledPolicy>();
const MAX_CACHED = 10_000;

/**
 * Compiles every CEL expression of a policy once per (name, version, content):
 * a decision then only evaluates closures. Reapplying identical content hits
 * the cache; changed content under the same version compiles anew.
 */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const key = `${policy.metadata.name}@${policy.metadata.version}#${createHash('sha1').update(canonicalJson(policy.spec)).digest('base64')}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compileUncached(policy);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, compiled);
  }
  return compiled;
}

export function compileUncached(policy: Policy): CompiledPolicy {
  const { spec, metadata } = policy;
  const texts = [spec.match];
  const stages = spec.stages.map((stage, i) => compileStage(stage, i, texts));
  return {
    name: metadata.name,
    version: metadata.version,
    priority: spec.priority ?? 0,
    match: compileCondition(spec.match, ['spec', 'match']),
    matchText: spec.match,
    stages,
    order: orderStages(spec.stages, metadata.name),
    referenced: [...new Set(texts.flatMap(referencedHandlers))],
    resourceType: /^\s*request\.resourceType\s*==\s*"([^"]+)"\s*(&&|$)/.exec(spec.match)?.[1],
    source: policy,
  };
}

function compileStage(stage: Stage, i: number, texts: string[]): CompiledStage {
  const rules: CompiledRule[] = [];
  for (const kind of ['forbid', 'require', 'prefer'] as const) {
    (stage[kind] ?? []).forEach((rule, index) => {
      if (rule.when !== undefined) texts.push(rule.when);
      rules.push({
        kind,
        index,
        when: rule.when,
        condition: rule.when === undefined ? undefined : compileCondition(rule.when, ['spec', 'stages', i, kind, index, 'when']),
        handlers: rule.handlers,
        weight: 'weight' in rule ? (rule.weight as number) : 0,
      });
    });
  }
  return { name: stage.name, candidates: stage.candidates, rules, after: stage.after ?? [], before: stage.before ?? [] };
}
