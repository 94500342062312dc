import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { CompositionActivities, StepResult } from '../activities/composition';
import type { CompositionPlan } from '../composition/planner';
import type { PlannedStep } from '../composition/plan';
import type { CompositionRequest, CompositionRequestInput } from '../composition/request';
import type { Outcome } from '../models/outcome';
import type { ResourceRef } from '../providers/provider';
import { planQuery, type CompositionProgress, type CompositionResult } from '../contract/compose';
import { MosaicState } from '../contract/search-attributes';

const bookkeepingRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 20,
};

// Planning and recording are short reads and writes of Mosaic's own store:
// local activities spare them two round trips through the task queue each.
// They retry on storage trouble only; their own non-retryable failures (bad
// request, no policy, no handler) end the run.
const { planComposition, recordOutcome } = proxyLocalActivities<CompositionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: bookkeepingRetry,
});
const { undoHandler } = proxyActivities<CompositionActivities>({ startToCloseTimeout: '5 minutes', retry: bookkeepingRetry });

const HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * Each handler runs with the retry policy and timeout its registry entry
 * declares. A heartbeat timeout notices a lost worker before a long timeout
 * would; on a step no longer than it, it adds a server timer and nothing else.
 */
function handlerActivities(step: PlannedStep) {
  return proxyActivities<CompositionActivities>({
    // What the Web UI's timeline shows for the activity, instead of a row of identical `runHandler`s.
    summary: `${step.stage}: ${step.ref}`,
    startToCloseTimeout: step.timeoutMs,
    ...(step.timeoutMs > HEARTBEAT_TIMEOUT_MS ? { heartbeatTimeout: HEARTBEAT_TIMEOUT_MS } : {}),
    retry: {
      maximumAttempts: step.retry.maximumAttempts,
      initialInterval: step.retry.initialIntervalMs,
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: step.retry.maximumIntervalMs,
    },
  });
}

/**
 * What went wrong, for a person: Temporal's wrapper ("Activity task failed")
 * only says where, so the failure under it speaks. Not the innermost cause: a
 * provider error names the operation, resource and code, and its own cause
 * (the SDK's bare "Rate exceeded") would lose them.
 */
const messageOf = (err: unknown): string => {
  let current = err as { message?: string; cause?: unknown } | undefined;
  while (current instanceof ActivityFailure && current.cause) current = current.cause as { message?: string; cause?: unknown };
  return current?.message || String(err);
};

/**
 * A resource request served by a pipeline of handlers: plan, run level by
 * level (parallel within a level), undo in reverse on a failure retries
 * cannot fix, and record the outcome either way.
 */
export async function composeResource(input: CompositionRequestInput): Promise<CompositionResult> {
  const { workflowId } = workflowInfo();
  const startedAt = Date.now();
  const progress: CompositionProgress = { state: 'planning', steps: [] };
  setHandler(planQuery, () => progress);
  // The client starts the run with MosaicState=running, which covers planning:
  // only compensation and the end are upserts, each an event in history and a
  // visibility write on the server.
  const setState = (state: CompositionProgress['state']) => {
    progress.state = state;
    upsertSearchAttributes([{ key: MosaicState, value: state }]);
  };

  let planned: CompositionPlan & { request: CompositionRequest };
  try {
    planned = await planComposition(input);
  } catch (err) {
    setState('failed');
    throw err;
  }
  const { request, ...plan } = planned;
  progress.plan = plan;
  progress.steps = plan.levels.flat().map((s) => ({ stage: s.stage, ref: s.ref, status: 'pending' }));
  const entry = (step: PlannedStep) => progress.steps.find((s) => s.stage === step.stage && s.ref === step.ref)!;

  const outputs: Record<string, string> = {};
  const resources: ResourceRef[] = [];
  const done: { step: PlannedStep; result: StepResult }[] = [];
  const failed: PlannedStep[] = [];
  let failure: { step: PlannedStep; error: unknown } | undefined;

  progress.state = 'running';
  for (const level of plan.levels) {
    const snapshot = { ...outputs };
    const settled = await Promise.allSettled(
      level.map(async (step) => {
        entry(step).status = 'running';
        const result = await handlerActivities(step).runHandler({
          step: { stage: step.stage, ref: step.ref },
          request,
          outputs: snapshot,
          resources: [...resources],
        });
        Object.assign(entry(step), {
          status: 'succeeded',
          latencyMs: result.latencyMs,
          cpuMs: result.cpuMs,
          memoryMb: result.memoryMb,
          costUsd: result.costUsd,
        });
        return { step, result };
      }),
    );
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') {
        done.push(s.value);
        Object.assign(outputs, s.value.result.output);
        resources.push(...s.value.result.resources);
      } else {
        Object.assign(entry(level[i]!), { status: 'failed', error: messageOf(s.reason) });
        failed.push(level[i]!);
        failure ??= { step: level[i]!, error: s.reason };
      }
    });
    if (failure) break;
  }

  const record = (result: Outcome['result'], error?: Outcome['error']) =>
    recordOutcome({
      workflowId,
      request: request as unknown as Record<string, unknown>,
      policy: plan.policy,
      model: plan.model,
      steps: plan.levels.flat().map((s) => {
        const e = entry(s);
        const status = e.status === 'pending' ? 'skipped' : (e.status as Outcome['steps'][number]['status']);
        return {
          stage: s.stage,
          ref: s.ref,
          probability: s.probability,
          reason: s.reason,
          status,
          latencyMs: e.latencyMs,
          cpuMs: e.cpuMs,
          memoryMb: e.memoryMb,
          costUsd: e.costUsd,
          error: e.error,
          decision: s.decision,
        };
      }),
      result,
      error,
      latencyMs: Date.now() - startedAt,
    });

  if (failure) {
    setState('compensating');
    // A failed step may have done part of its work before it failed (a row
    // written, then a timeout): its undo runs first, by the same key, with
    // nothing reported made. Runs that began compensating before this change
    // replay without it.
    if (patched('undo-failed-steps')) {
      for (const step of failed.filter((s) => s.undo)) {
        await undoHandler({ step: { stage: step.stage, ref: step.ref }, request, outputs, resources: [] });
      }
    }
    for (const { step, result } of [...done].reverse()) {
      if (!step.undo) continue;
      await undoHandler({ step: { stage: step.stage, ref: step.ref }, request, outputs, resources: result.resources });
      entry(step).status = 'compensated';
    }
    setState('failed');
    const message = `${failure.step.ref} failed in stage ${failure.step.stage}: ${messageOf(failure.error)}`;
    await record('failed', { type: 'CompositionFailed', message, handler: failure.step.ref });
    throw ApplicationFailure.nonRetryable(message, 'CompositionFailed', { handler: failure.step.ref, stage: failure.step.stage });
  }

  await record('succeeded');
  setState('succeeded');
  return { workflowId, policy: plan.policy, outputs, resources, steps: progress.steps };
}
