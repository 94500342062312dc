import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { CompositionActivities, StepInput, StepResult } from '../../../src/activities/composition';
import type { PlannedStep } from '../../../src/composition/plan';
import { composeResource, ComposeFailure, planQuery, type ComposeResource } from '../../../src/contract/compose';
import type { Outcome } from '../../../src/models/outcome';
import { stubbedEnvironment, withStubbedWorker } from '../../harness/stubbed-workflows';

// The compose workflow's logic over stubbed activities: what runs when, what
// is undone in which order, what is recorded and how the run ends. The
// activities themselves are tested against the real stack elsewhere.

const step = (stage: string, ref: string, over: Partial<PlannedStep> = {}): PlannedStep => ({
  stage,
  ref,
  probability: 1,
  reason: 'chosen',
  requires: [],
  provides: [],
  undo: true,
  retry: { maximumAttempts: 1, initialIntervalMs: 10, backoffCoefficient: 1, maximumIntervalMs: 10 },
  timeoutMs: 5000,
  ...over,
});

type Call = { op: 'run' | 'undo'; ref: string; outputs: Record<string, string>; resources: string[] };

/** Activities that serve `levels` as the plan and run each step by `behave` (default: succeed, output `<ref>=done`). */
function stubs(levels: PlannedStep[][], behave: Record<string, (attempt: number) => void> = {}) {
  const calls: Call[] = [];
  const outcomes: Omit<Outcome, 'at'>[] = [];
  const attempts = new Map<string, number>();
  const activities: Pick<CompositionActivities, 'planComposition' | 'runHandler' | 'undoHandler' | 'recordOutcome'> = {
    async planComposition(input) {
      return { request: input as never, policy: 'stub-policy', model: 'stub-model', levels, explanation: [] };
    },
    async runHandler({ step: { ref }, outputs, resources }: StepInput): Promise<StepResult> {
      calls.push({ op: 'run', ref, outputs, resources: resources.map((r) => r.id) });
      const attempt = (attempts.get(ref) ?? 0) + 1;
      attempts.set(ref, attempt);
      behave[ref]?.(attempt);
      return {
        output: { [ref]: 'done' },
        resources: [{ provider: 'local', kind: 'bucket', id: `made-by-${ref}`, key: ref, attributes: {} }],
        latencyMs: 1,
        cpuMs: 1,
      };
    },
    async undoHandler({ step: { ref }, outputs, resources }: StepInput) {
      calls.push({ op: 'undo', ref, outputs, resources: resources.map((r) => r.id) });
    },
    async recordOutcome(outcome) {
      outcomes.push(outcome);
    },
  };
  return { activities, calls, outcomes, attempts };
}

const failsForGood = (message: string) => () => {
  throw ApplicationFailure.nonRetryable(message, 'ProviderRejected');
};

describe('the compose workflow over stubbed activities', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await stubbedEnvironment('skip-time');
  }, 60_000);
  afterAll(() => env?.teardown());

  const compose = (activities: object) =>
    withStubbedWorker(env, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start<ComposeResource>(composeResource, {
        taskQueue,
        workflowId: `compose-${randomUUID()}`,
        args: [{ resourceType: 'bucket' } as never],
      });
      const result = await handle.result().catch((err: unknown) => err);
      return { result, progress: await handle.query(planQuery) };
    });

  it('runs level by level, each level seeing only what the levels before it made', async () => {
    const s = stubs([[step('a', 'a@1')], [step('b', 'b@1'), step('c', 'c@1')], [step('d', 'd@1')]]);
    const { result, progress } = await compose(s.activities);

    expect(result).toMatchObject({ policy: 'stub-policy', outputs: { 'a@1': 'done', 'b@1': 'done', 'c@1': 'done', 'd@1': 'done' } });
    const run = (ref: string) => s.calls.find((c) => c.op === 'run' && c.ref === ref)!;
    expect(s.calls.map((c) => c.ref).slice(0, 1)).toEqual(['a@1']);
    // b and c run side by side: neither sees the other's output.
    expect(run('b@1').outputs).toEqual({ 'a@1': 'done' });
    expect(run('c@1').outputs).toEqual({ 'a@1': 'done' });
    expect(run('d@1').outputs).toEqual({ 'a@1': 'done', 'b@1': 'done', 'c@1': 'done' });
    expect(run('d@1').resources.sort()).toEqual(['made-by-a@1', 'made-by-b@1', 'made-by-c@1']);
    expect(s.calls.some((c) => c.op === 'undo')).toBe(false);
    expect(progress.state).toBe('succeeded');
    expect(s.outcomes).toHaveLength(1);
    expect(s.outcomes[0]).toMatchObject({ result: 'succeeded', policy: 'stub-policy', model: 'stub-model' });
    expect(s.outcomes[0]!.steps.map((x) => x.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  }, 60_000);

  it('on a failure retrying cannot fix: undoes the failed step, then what was made in reverse, and never starts the next level', async () => {
    const s = stubs([[step('a', 'a@1')], [step('b', 'b@1'), step('c', 'c@1', { undo: false })], [step('d', 'd@1')], [step('e', 'e@1')]], {
      'd@1': failsForGood('quota exceeded for buckets'),
    });
    const { result, progress } = await compose(s.activities);

    expect(result).toBeInstanceOf(WorkflowFailedError);
    const failure = (result as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe(ComposeFailure.CompositionFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('d@1 failed in stage d: quota exceeded for buckets');
    expect(failure.details).toEqual([{ handler: 'd@1', stage: 'd' }]);

    const undone = s.calls.filter((c) => c.op === 'undo');
    // The failed step first (it may have made part of something, so nothing is reported made), then
    // b and a in reverse; c declares no undo; e never ran.
    expect(undone.map((c) => [c.ref, c.resources])).toEqual([
      ['d@1', []],
      ['b@1', ['made-by-b@1']],
      ['a@1', ['made-by-a@1']],
    ]);
    expect(s.calls.some((c) => c.ref === 'e@1')).toBe(false);
    expect(progress.state).toBe('failed');
    expect(progress.steps.map((x) => [x.ref, x.status])).toEqual([
      ['a@1', 'compensated'],
      ['b@1', 'compensated'],
      ['c@1', 'succeeded'],
      ['d@1', 'failed'],
      ['e@1', 'pending'],
    ]);
    expect(s.outcomes).toHaveLength(1);
    expect(s.outcomes[0]).toMatchObject({ result: 'failed', error: { type: 'CompositionFailed', handler: 'd@1' } });
    expect(s.outcomes[0]!.steps.find((x) => x.ref === 'e@1')!.status).toBe('skipped');
  }, 60_000);

  it('retries a step by its own retry policy and goes on when it recovers, undoing nothing', async () => {
    const retry = { maximumAttempts: 3, initialIntervalMs: 10, backoffCoefficient: 1, maximumIntervalMs: 10 };
    const s = stubs([[step('a', 'a@1', { retry })]], {
      'a@1': (attempt) => {
        if (attempt < 3) throw new Error('connection reset');
      },
    });
    const { result } = await compose(s.activities);

    expect(result).toMatchObject({ outputs: { 'a@1': 'done' } });
    expect(s.attempts.get('a@1')).toBe(3);
    expect(s.calls.some((c) => c.op === 'undo')).toBe(false);
  }, 60_000);

  it('gives up on a step after its declared attempts and compensates', async () => {
    const retry = { maximumAttempts: 2, initialIntervalMs: 10, backoffCoefficient: 1, maximumIntervalMs: 10 };
    const s = stubs([[step('a', 'a@1')], [step('b', 'b@1', { retry })]], {
      'b@1': () => {
        throw new Error('connection reset');
      },
    });
    const { result } = await compose(s.activities);

    expect(((result as WorkflowFailedError).cause as ApplicationFailure).type).toBe(ComposeFailure.CompositionFailed);
    expect(s.attempts.get('b@1')).toBe(2);
    expect(s.calls.filter((c) => c.op === 'undo').map((c) => c.ref)).toEqual(['b@1', 'a@1']);
  }, 60_000);

  it('ends with the planner’s own refusal, running and recording nothing', async () => {
    const s = stubs([]);
    s.activities.planComposition = async () => {
      throw ApplicationFailure.nonRetryable('no handler serves stage database', ComposeFailure.NoEligibleHandler);
    };
    const { result, progress } = await compose(s.activities);

    const failure = (result as WorkflowFailedError).cause as ApplicationFailure;
    // Through the local activity's wrapper, the planner's type is what the caller reads.
    expect((failure.cause as ApplicationFailure | undefined)?.type ?? failure.type).toBe(ComposeFailure.NoEligibleHandler);
    expect(progress.state).toBe('failed');
    expect(s.calls).toEqual([]);
    expect(s.outcomes).toEqual([]);
  }, 60_000);
});
