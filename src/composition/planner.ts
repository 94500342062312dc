import { BUILTIN_NEEDS, FACILITY_SETTINGS, type WorkerFacility } from '../handlers/catalog';
import type { HandlerDescriptor } from '../handlers/descriptor';
import type { Windows } from '../handlers/metrics';
import type { DecisionContext } from '../learning/features';
import type { DecisionRecord } from '../learning/logged';
import { linearFeatures, type Features } from '../learning/linear';
import { onlineCorrection } from '../learning/online';
import { regionKey } from '../handlers/metrics';
import { evaluate, explain, type Evaluation, type PolicyContext, type PolicySet, type StageDecision } from '../pdl';
import type { Policy } from '../pdl/schema';
import {
  choose,
  DEFAULT_EXPLORATION,
  DEFAULT_OBJECTIVE,
  routeCanary,
  type Candidate,
  type Choice,
  type DecisionModel,
} from '../learning/decide';
import { planLevels, type PlannedStep } from './plan';
import type { CompositionRequest } from './request';

export interface CompositionPlan {
  policy: string;
  model: string;
  levels: PlannedStep[][];
  /** Why each stage got its handlers: the PDL trace, in sentences. */
  explanation: string[];
}

/** A stage whose policy leaves nothing registered to run: retrying cannot register it. */
export class NoEligibleHandler extends Error {
  readonly type = 'NoEligibleHandler';
  constructor(message: string) {
    super(message);
    this.name = 'NoEligibleHandler';
  }
}

/** What planning reads, gathered by the activity from the store and the worker; nothing here is fetched. */
export interface PlanInputs {
  request: CompositionRequest;
  /** Registered, not retired versions that serve the request's resource type, by ref. */
  registry: ReadonlyMap<string, HandlerDescriptor>;
  policies: { set: PolicySet; byName: (name: string) => Policy };
  /** The PDL context: the request's fields, the system load and every registered version's metrics. */
  context: PolicyContext;
  /** The recent failures and online residuals of each version (learning/online.ts), between retrains. */
  windows: ReadonlyMap<string, Windows>;
  model: DecisionModel;
  /** Uniform in [0, 1): the exploration's and the canary split's randomness, passed in so a plan is reproducible. */
  random: () => number;
}

/**
 * Request → decision: verified policies say what is allowed, the decision
 * model picks one handler per stage (logging the probability it had), and
 * requires/provides order the steps into levels that run in parallel.
 * `strategies` are the exploration strategies that decided, one per choice, for the metrics.
 */
export function planComposition(inputs: PlanInputs): CompositionPlan & { strategies: Choice['strategy'][] } {
  const { request, registry, context, model } = inputs;
  const evaluation = evaluate(inputs.policies.set, context);
  const policy = inputs.policies.byName(evaluation.policy);
  const decisionContext: DecisionContext = {
    account: request.account,
    region: request.region,
    resourceType: request.resourceType,
    classification: request.security.classification,
    ...context.system,
  };
  // Every candidate's online correction reads the same request: hashed once.
  const features = linearFeatures(decisionContext);
  const steps: PlannedStep[] = [];
  const explanation: string[] = [];
  const strategies: Choice['strategy'][] = [];
  for (const stage of evaluation.stages) {
    const toChoose = eligibleToChoose(stage, evaluation, registry, request);
    const make = (ref: string, probability: number, reason: PlannedStep['reason'], decision?: DecisionRecord) =>
      plannedStep(stage.name, registry.get(ref)!, ref, probability, reason, decision);
    for (const ref of stage.required) steps.push(make(ref, 1, 'required'));
    if (toChoose.length) {
      const prefs = new Map(stage.preferences.map((p) => [p.handler, p.weight]));
      // Canary versions get traffic through their handler's share, not by competing.
      const stable = toChoose.filter((ref) => registry.get(ref)!.status !== 'canary');
      const candidates: Candidate[] = (stable.length ? stable : toChoose).map((ref) => {
        const { recentErrorRate, correction } = liveStats(inputs.windows.get(ref), model.name, decisionContext, features);
        return { ref, metrics: { ...context.handlers[ref]!, recentErrorRate }, preference: prefs.get(ref) ?? 0, correction };
      });
      const objective = policy.spec.objective ?? DEFAULT_OBJECTIVE;
      const exploration = policy.spec.exploration ?? DEFAULT_EXPLORATION;
      const picked = choose(candidates, model, { context: decisionContext, objective, exploration, random: inputs.random });
      const decision: DecisionRecord = {
        context: decisionContext,
        candidates,
        probabilities: picked.probabilities,
        predicted: picked.predicted,
        chosen: picked.index,
        exploration,
        objective,
        model: model.name,
      };
      const id = picked.ref.split('@')[0];
      const canaries = toChoose
        .filter((ref) => ref !== picked.ref && ref.split('@')[0] === id && registry.get(ref)!.status === 'canary')
        .map((ref) => ({ ref, share: registry.get(ref)!.canaryShare ?? 0.1 }));
      const choice = routeCanary(picked, canaries, inputs.random);
      steps.push(choice.canary ? make(choice.ref, choice.probability, 'canary') : make(choice.ref, choice.probability, 'chosen', decision));
      strategies.push(choice.strategy);
      explanation.push(
        `${stage.name}: ${model.name} chose ${choice.ref} (p=${choice.probability.toFixed(3)}, ${choice.strategy}${choice.canary ? ', canary' : ''}) among ${toChoose.join(', ')}`,
      );
    }
    for (const ref of stage.required) explanation.push(`${stage.name}: ${ref} required by policy`);
    for (const ref of candidatesOf(stage, evaluation).filter((c) => !stage.allowed.includes(c)))
      explanation.push(...explain(evaluation.trace, ref).filter((l) => l.includes('forbade')));
  }
  const levels = planLevels(evaluation.order, steps, evaluation.dependsOn);
  return { policy: evaluation.policy, model: model.name, levels, explanation, strategies };
}

/** The stage's candidates as its policy listed them, before any rule forbade one. */
function candidatesOf(stage: StageDecision, evaluation: Evaluation): string[] {
  const listed = evaluation.trace.filter((t) => t.stage === stage.name && t.rule === 'candidate' && t.handler).map((t) => t.handler!);
  return [...new Set(listed)];
}

/**
 * The versions that can serve this request: its resource type, its provider
 * and the engine it states, among those each declares (none declared: every
 * one). A policy naming rds@1 beside provision-database@1 needs no rule keeping
 * rds@1 from local requests, nor postgres-local@1 from a request for MongoDB;
 * for them it is not a candidate at all. A built-in that needs a facility this
 * worker lacks for the request's provider (handlers/catalog.ts, BUILTIN_NEEDS)
 * is not one either: s3-bucket@1 on a local request without an S3 endpoint
 * configured.
 */
export function servingRegistry(
  registry: ReadonlyMap<string, HandlerDescriptor>,
  request: Pick<CompositionRequest, 'resourceType' | 'provider' | 'spec'>,
  facilities: ReadonlySet<WorkerFacility> = new Set(),
): Map<string, HandlerDescriptor> {
  const engine = engineOf(request);
  const serves = (h: HandlerDescriptor) =>
    h.resourceTypes.includes(request.resourceType) &&
    (h.providers.length === 0 || h.providers.includes(request.provider)) &&
    (engine === undefined || h.engines.length === 0 || h.engines.includes(engine));
  const equipped = (h: HandlerDescriptor) => {
    const need = h.code.kind === 'builtin' ? builtinNeed(h.id, request) : undefined;
    return need === undefined || facilities.has(need);
  };
  return new Map([...registry].filter(([, h]) => serves(h) && equipped(h)));
}

const engineOf = (request: Pick<CompositionRequest, 'spec'>) => (typeof request.spec.engine === 'string' ? request.spec.engine : undefined);

const servedFor = (request: CompositionRequest) => {
  const engine = engineOf(request);
  return `a ${engine ? `${engine} ` : ''}${request.resourceType} on the ${request.provider} provider`;
};

/** What a built-in needs of the worker to serve this request's provider, if anything. */
const builtinNeed = (id: string, request: Pick<CompositionRequest, 'provider'>) => BUILTIN_NEEDS[id]?.[request.provider];

/** For a built-in left out for a facility: which setting the worker lacks, so "not registered" is not all it is told. */
function unequipped(ref: string, request: CompositionRequest): string {
  const need = builtinNeed(ref.split('@')[0]!, request);
  return need ? `, or this worker lacks what it needs there (${FACILITY_SETTINGS[need]})` : '';
}

/** The allowed, registered versions the model chooses among (required ones run anyway), or why the stage cannot run. */
function eligibleToChoose(
  stage: StageDecision,
  evaluation: Evaluation,
  registry: ReadonlyMap<string, HandlerDescriptor>,
  request: CompositionRequest,
): string[] {
  const missingRequired = stage.required.filter((ref) => !registry.has(ref));
  if (missingRequired.length)
    throw new NoEligibleHandler(
      `stage ${stage.name} requires ${missingRequired.join(', ')}, which is not registered for ${servedFor(request)}`,
    );
  const toChoose = stage.allowed.filter((ref) => registry.has(ref) && !stage.required.includes(ref));
  if (!toChoose.length && !stage.required.length) {
    const reasons = candidatesOf(stage, evaluation).flatMap((ref) =>
      registry.has(ref)
        ? explain(evaluation.trace, ref)
        : [`${ref} is not registered for ${servedFor(request)}${unequipped(ref, request)}`],
    );
    throw new NoEligibleHandler(`no eligible handler for stage ${stage.name}: ${reasons.join('; ') || 'the stage has no candidates'}`);
  }
  return toChoose;
}

function plannedStep(
  stage: string,
  h: HandlerDescriptor,
  ref: string,
  probability: number,
  reason: PlannedStep['reason'],
  decision?: DecisionRecord,
): PlannedStep {
  return {
    stage,
    ref,
    probability,
    reason,
    requires: h.requires,
    provides: h.provides,
    undo: h.undo,
    retry: h.retry,
    timeoutMs: h.timeoutMs,
    decision,
  };
}

/** Between retrains: the recent error rate and the model's online correction in this region and resource type (learning/online.ts). */
export function liveStats(
  windows: Windows | undefined,
  model: string,
  ctx: DecisionContext,
  features: Features,
): { recentErrorRate?: number; correction: number } {
  if (!windows) return { correction: 0 };
  const recentErrorRate = windows.recent.length ? windows.recent.reduce((a, b) => a + b, 0) / windows.recent.length : undefined;
  const online = windows.online;
  return {
    recentErrorRate,
    correction: online?.model === model ? onlineCorrection(ctx, (key) => online.residuals[regionKey(key)], online.linear, features) : 0,
  };
}
