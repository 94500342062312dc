import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import { metricsPrior } from '../learning/decide';
import { NoEligibleHandler, planComposition, servingRegistry, type CompositionPlan } from '../composition/planner';
import { ONLINE_WINDOW, residualOf } from '../learning/online';
import { reward } from '../learning/reward';
import { PlanInvalid, type PlannedStep } from '../composition/plan';
import { parseCompositionRequest, type CompositionRequest } from '../composition/request';
import { BUILTIN_HANDLERS, type WorkerFacility } from '../handlers/catalog';
import { createSystemLoad } from './system-load';
import { cpuMeter, heapMeter } from '../handlers/resource-share';
import { refOf, type HandlerDescriptor } from '../handlers/descriptor';
import { counterUpdates, lastOf, summarize, trimOf, type CallMeasurement } from '../handlers/metrics';
import { handlerMetricsModel, handlerModel } from '../models/handler';
import { bumpGeneration } from '../models/generation';
import { outcomeModel, storedSteps, type Outcome } from '../models/outcome';
import { upsertLosingRace } from '../models/races';
import { compilePolicy, PdlError, PolicySet, type HandlerMetrics, type PolicyContext } from '../pdl';
import { ProviderRejected } from '../providers/errors';
import type { LocalPostgres } from '../providers/local-postgres';
import { ProviderUnsupported, type Provider, type ResourceRef } from '../providers/provider';
import { BUILTIN_IMPLEMENTATIONS, type BucketStore, type HandlerContext, type HandlerResult } from './builtin-handlers';
import { errorType, metrics as prometheus } from '../observability/metrics';
import { whileHeartbeating } from './heartbeat';
import { outlastingStoreOutages } from './store-outage';
import { ttlCache } from './ttl-cache';
import { writeBehind } from './write-behind';
import { runScript, undoScript } from './script-handlers';
import { nonRetryable, withStorage } from './errors';
import type { Logger } from '../logger';
import type { ModelServer } from './model-store';
import { createPolicyLoader } from './policy-store';
import { createHandlerLoader } from './handler-registry';
import { generationCache } from './generation-cache';

export interface StepInput {
  /** Which step: the handler's descriptor comes from the registry, so the plan is not carried into every call. */
  step: Pick<PlannedStep, 'stage' | 'ref'>;
  request: CompositionRequest;
  outputs: Record<string, string>;
  resources: ResourceRef[];
}

export interface StepResult extends HandlerResult {
  latencyMs: number;
  /** Measured in the sandbox for user handlers; for built-ins, their share of the worker's CPU (see cpu-share.ts). */
  cpuMs?: number;
  /** Measured in the sandbox for user handlers only: built-ins share the worker's heap. */
  memoryMb?: number;
}

export interface CompositionSettings {
  quotaPerAccount: number;
  notifyUrl?: string;
  /** Full reload of the policy and registry caches however quiet the generations are (MOSAIC_REVERIFY_SECONDS). */
  reverifySeconds: number;
}

/**
 * How often a worker writes the handler counters it has gathered: the
 * decision reads them through a one-second cache, so a failing handler shows
 * within about two seconds, and the store takes one update per handler
 * version per interval instead of one per composition.
 */
const COUNTER_FLUSH_MS = 500;

export function createCompositionActivities(deps: {
  connection: Connection;
  providers: Record<string, Provider>;
  /** The stack's PostgreSQL, for the postgres-local handler. */
  postgres?: LocalPostgres;
  /** Where s3-bucket makes local requests' buckets (MOSAIC_LOCAL_S3_ENDPOINT); absent, local requests never plan it. */
  localS3?: BucketStore;
  settings: CompositionSettings;
  /** The learned decision model, reloaded when a new one is promoted; without it the metrics prior decides. */
  models?: ModelServer;
  logger?: Pick<Logger, 'warn'>;
  /** Receives what must run before the store connection closes: the counters not yet written. */
  onStop?: (hook: () => Promise<void>) => void;
  /** The caches' clock (Date.now): a test moves it past an interval instead of waiting the interval out. */
  cacheClock?: () => number;
}) {
  const { connection, providers, postgres, localS3, settings, models, logger, cacheClock = Date.now } = deps;
  const facilities = new Set<WorkerFacility>(localS3 ? ['local-s3'] : []);
  const metrics = handlerMetricsModel(connection);
  const outcomes = outcomeModel(connection);
  const cpu = cpuMeter();
  const heap = heapMeter();
  const systemLoad = createSystemLoad();
  const loadPolicies = createPolicyLoader(connection);
  // A worker plans many compositions a second; policies, the registry and
  // metrics change far less often. Caches keep planning to one store round
  // trip in the common case, and a changed policy, a retired handler or a
  // failing one is seen within a second or two. Policies and handler versions
  // are reloaded (and verified) only when a governed change moved their
  // generation, or every reverifySeconds for rows changed behind Mosaic's back:
  // loading all of them every second cost the store more than the compositions.
  const reverifyMs = settings.reverifySeconds * 1000;
  const policyCache = generationCache(
    connection,
    'policies',
    async () => {
      const { policies } = await loadPolicies();
      return { policies, set: new PolicySet(policies.map(compilePolicy)) };
    },
    { checkMs: 2000, reverifyMs },
    cacheClock,
  );
  // Each version is checked against what was registered as it is loaded: one changed in the database is refused.
  const loadHandlers = createHandlerLoader(connection);
  const registryCache = generationCache(
    connection,
    'handlers',
    async () => new Map((await loadHandlers({ status: { $ne: 'retired' } })).map((h) => [refOf(h), h])),
    { checkMs: 1000, reverifyMs },
    cacheClock,
  );
  const metricsCache = ttlCache(
    1000,
    async () =>
      new Map(
        (await metrics.find({}).lean()).map((r) => {
          const stored = { recent: r.recent ?? [], online: r.online };
          // trim: written by the next counter flush, once per read (see the flush).
          return [r.ref, { summary: summarize(r), ...lastOf(stored, ONLINE_WINDOW), trim: trimOf(stored, ONLINE_WINDOW) }];
        }),
      ),
    cacheClock,
  );

  async function descriptorOf(ref: string): Promise<HandlerDescriptor> {
    // The registry cache serves the common case; a version retired since planning is still read, to finish what was planned.
    const cached = (await registryCache()).get(ref);
    if (cached) return cached;
    const [checked] = await withStorage('read handler', () => loadHandlers({ ref }));
    if (!checked)
      throw ApplicationFailure.nonRetryable(
        `handler ${ref} is not registered, or was refused at load (see the audit log)`,
        'HandlerUnavailable',
      );
    return checked;
  }

  async function handlerContext({ step, request, outputs, resources }: StepInput): Promise<HandlerContext> {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
    const provider = providers[request.provider];
    if (!provider) {
      throw ApplicationFailure.nonRetryable(
        `provider ${request.provider} is not configured on this worker${request.provider === 'aws' ? '; set MOSAIC_AWS_REGION (and MOSAIC_AWS_ENDPOINT for a local endpoint)' : ''}`,
        'ProviderNotConfigured',
      );
    }
    return {
      request,
      key: `${workflowId}/${step.stage}/${step.ref}`,
      workflowId,
      provider,
      postgres,
      localS3,
      connection,
      outputs,
      resources,
      settings,
    };
  }

  async function handlerMetrics(refs: string[]): Promise<Record<string, HandlerMetrics>> {
    const byRef = await metricsCache();
    return Object.fromEntries(
      refs.map((ref) => [
        ref,
        byRef.get(ref)?.summary ?? { latencyP50Ms: 0, latencyP95Ms: 0, errorRate: 0, calls: 0, cpuMs: 0, memoryMb: 0 },
      ]),
    );
  }

  /**
   * Counters and the windows the decision reads between retrains
   * (learning/online.ts), for many compositions at once: one ordered write,
   * first resetting the residuals of counters that hold another model's
   * (a newly served model starts a fresh window) or cutting windows the store
   * let grow (trimOf), then one update per handler version.
   */
  const counters = writeBehind<CallMeasurement>(
    async (calls) => {
      const updatedAt = new Date();
      const updates = [...counterUpdates(calls, ONLINE_WINDOW)];
      // Only where the last read saw another model's window. Unguarded in the
      // filter, as a second condition would make FerretDB scan: a worker whose
      // read is older than another's reset wipes the few residuals the new model
      // has had since, once per promotion.
      const held = await metricsCache();
      const before = updates.flatMap(([ref, u]) => {
        const row = held.get(ref);
        let $set: Record<string, unknown> | undefined;
        if (u.model && row?.online && row.online.model !== u.model) {
          $set = { online: { model: u.model, residuals: {} } };
        } else if (row?.trim) {
          // Cut from the last read, once: that drops what was pushed since (at
          // most a second of calls, once per window's worth of them); cutting
          // again from the same read would drop every flush until the next read.
          $set = row.trim;
          row.trim = undefined;
        }
        return $set ? [{ updateOne: { filter: { _id: ref }, update: { $set } } }] : [];
      });
      await metrics.bulkWrite([
        ...before,
        ...updates.map(([ref, u]) => ({
          updateOne: {
            filter: { _id: ref },
            update: {
              $inc: u.$inc,
              $push: u.$push,
              $set: { updatedAt, ...(u.model ? { 'online.model': u.model } : {}) },
              $setOnInsert: { ref },
            },
            upsert: true,
          },
        })),
      ]);
    },
    {
      intervalMs: COUNTER_FLUSH_MS,
      // About an hour of a busy worker's calls with the store down; counters are
      // derived data (the outcomes hold every call), so the oldest go first.
      maxPending: 200_000,
      onError: (err, { pending, dropped }) =>
        logger?.warn({ err: (err as Error).message, pending, dropped }, 'handler counters not written yet; will retry'),
    },
  );
  deps.onStop?.(() => counters.drain());

  return {
    /**
     * Request → decision: verified policies say what is allowed, the decision
     * model picks one handler per stage (logging the probability it had), and
     * requires/provides order the steps into levels that run in parallel.
     */
    /** The plan (composition/planner.ts) from what the store and the worker hold now; bad input and refusals do not retry. */
    async planComposition(input: unknown): Promise<CompositionPlan & { request: CompositionRequest }> {
      let request: CompositionRequest;
      try {
        request = parseCompositionRequest(input);
      } catch (err) {
        throw nonRetryable(err);
      }
      return withStorage('plan', async () => {
        const registry = servingRegistry(await registryCache(), request, facilities);
        const { policies, set } = await policyCache();
        const context: PolicyContext = {
          request: {
            user: request.user,
            account: request.account,
            region: request.region,
            resourceType: request.resourceType,
            spec: request.spec,
            security: request.security,
          },
          system: systemLoad(),
          handlers: await handlerMetrics([...registry.keys()]),
        };
        const { model } = models ? await models.current() : { model: metricsPrior };
        let plan;
        try {
          plan = planComposition({
            request,
            registry,
            policies: { set, byName: (name) => policies.find((p) => p.metadata.name === name)! },
            context,
            windows: await metricsCache(),
            model,
            random: Math.random,
          });
        } catch (err) {
          if (err instanceof PdlError || err instanceof PlanInvalid || err instanceof NoEligibleHandler) throw nonRetryable(err);
          throw err;
        }
        const { strategies, ...planned } = plan;
        for (const strategy of strategies) prometheus.decision(strategy);
        return { request, ...planned };
      });
    },

    /** Runs one handler version; heartbeats while it works so a hung handler is noticed. */
    async runHandler(input: StepInput): Promise<StepResult> {
      const ctx = await handlerContext(input);
      const descriptor = await descriptorOf(input.step.ref);
      const charged = cpu.start();
      const grown = heap.start();
      const started = performance.now();
      // Room left in this attempt to wait out a store outage, with a second to spare for failing in time.
      const attemptEnds = Date.now() + Context.current().info.startToCloseTimeoutMs - 1000;
      try {
        const result: HandlerResult & { cpuMs?: number; memoryMb?: number } = await whileHeartbeating(() =>
          outlastingStoreOutages(connection, attemptEnds, async () => {
            const { code } = descriptor;
            if (code.kind === 'script') return runScript(ctx, code.source, descriptor.hostCapabilities, descriptor.timeoutMs);
            const implementation = BUILTIN_IMPLEMENTATIONS[descriptor.id];
            if (!implementation)
              throw ApplicationFailure.nonRetryable(`handler ${input.step.ref} has no implementation on this worker`, 'HandlerUnavailable');
            return implementation.run(ctx);
          }),
        );
        const latencyMs = Math.round(performance.now() - started);
        prometheus.handlerCall(input.step.ref, latencyMs);
        // Sandboxed handlers measure their own CPU and memory; built-ins get their share of the worker's.
        const cpuMs = result.cpuMs ?? charged();
        const memoryMb = result.memoryMb ?? grown();
        prometheus.handlerResources(input.step.ref, cpuMs, memoryMb);
        return { output: result.output, resources: result.resources, latencyMs, cpuMs, memoryMb, costUsd: result.costUsd };
      } catch (err) {
        prometheus.handlerCall(input.step.ref, performance.now() - started, { type: errorType(err) });
        // What the provider refused, retrying will not change; ProviderUnavailable and the rest retry.
        if (err instanceof ProviderRejected || err instanceof ProviderUnsupported) throw nonRetryable(err);
        throw err;
      } finally {
        charged();
        grown();
      }
    },

    /** Compensation of one step, by the same key run used: the handler's own undo, or removal of what it made. */
    async undoHandler(input: StepInput): Promise<void> {
      const ctx = await handlerContext(input);
      const descriptor = await descriptorOf(input.step.ref);
      const undo = descriptor.code.kind === 'builtin' ? BUILTIN_IMPLEMENTATIONS[descriptor.id]?.undo : undoScript;
      if (undo) await undo(ctx, input.resources);
    },

    /**
     * The outcome, once per workflow, then its calls queued for the handlers'
     * counters. The insert is the once-guard: a retry finds the outcome and
     * counts nothing twice. The counters are written behind (see
     * COUNTER_FLUSH_MS): a worker killed before the next write leaves those
     * calls uncounted, never counted twice; the outcomes keep every call.
     */
    async recordOutcome(outcome: Omit<Outcome, 'at'>): Promise<void> {
      await withStorage('record outcome', async () => {
        try {
          await outcomes.create({ ...outcome, steps: storedSteps(outcome.steps), at: new Date() });
        } catch (err) {
          if ((err as { code?: number }).code === 11000) return;
          throw err;
        }
        prometheus.outcome('compose', outcome.result);
        // A failed step has no latency (its call never returned) and counts all the same: leaving
        // it out kept a failing handler's error rate, failure window and residuals where they were.
        const ran = outcome.steps.filter((s) => s.status === 'failed' || (s.status !== 'skipped' && s.latencyMs !== undefined));
        if (!ran.length) return;
        // The learner's step is taken against the weights this worker last read (within the cache's
        // second): steps of outcomes that close together add up like one mini-batch.
        const held = await metricsCache();
        counters.add(
          ran.map((s) => ({
            ref: s.ref,
            failed: s.status === 'failed',
            latencyMs: s.latencyMs,
            cpuMs: s.cpuMs,
            memoryMb: s.memoryMb,
            residual: s.decision && residualOf(held.get(s.ref)?.online, s.decision, reward(s.decision.objective, s)),
          })),
        );
      });
    },
  };
}

/**
 * Registers the built-in handler versions; run at worker start, harmless to
 * repeat. The code is the truth for a built-in: its stored row is brought in
 * line with the catalog (load refuses a row that differs), except its status,
 * which promote, rollback and retire own.
 */
export async function registerBuiltinHandlers(connection: Connection): Promise<void> {
  const handlers = handlerModel(connection);
  for (const { status, canaryShare: _share, ...h } of BUILTIN_HANDLERS) {
    // Every worker does this at start, possibly at the same moment as another one.
    await upsertLosingRace(() =>
      handlers.updateOne(
        { ref: refOf(h) },
        { $set: { ...h, registeredBy: 'builtin' }, $setOnInsert: { ref: refOf(h), status, registeredAt: new Date() } },
        { upsert: true },
      ),
    );
  }
  // A new worker version may bring new or changed built-ins: every running worker reloads its registry.
  await bumpGeneration(connection, 'handlers');
}

export type CompositionActivities = ReturnType<typeof createCompositionActivities>;
