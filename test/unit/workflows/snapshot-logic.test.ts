import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { SnapshotActivities } from '../../../src/activities/snapshot';
import type { ServiceHealth } from '../../../src/providers/service-health';
import { cancelSignal, composeSnapshot, SnapshotFailure, statusQuery, type ComposeSnapshot } from '../../../src/contract/snapshot';
import { eventually } from '../../harness/eventually';
import { stubbedEnvironment, withStubbedWorker } from '../../harness/stubbed-workflows';

// The snapshot workflow's logic over stubbed activities: the order of its
// steps, what a failure or a cancel tears down, and how the watched health
// of the services moves its state. The activities run against the real
// stack in test/integration/snapshot*.test.ts.

type Stubbed = Pick<
  SnapshotActivities,
  | 'validateSnapshotManifest'
  | 'retrieveSnapshotSource'
  | 'resolveSnapshotComposition'
  | 'provisionSnapshotWorkspace'
  | 'startSnapshotServices'
  | 'monitorSnapshot'
  | 'watchSnapshotServices'
  | 'teardownSnapshot'
>;

const healthy = (name: string): ServiceHealth => ({ name, healthy: true });

/** Activities for a two-source manifest; `health` says what a watch reports, as the test moves it along. */
function stubs(over: Partial<Stubbed> = {}, health: () => ServiceHealth[] = () => [healthy('api')]) {
  const calls: string[] = [];
  const teardowns: string[] = [];
  const activities: Stubbed = {
    async validateSnapshotManifest() {
      calls.push('validate');
      return {
        manifest: { name: 'shop', strategy: 'prefer-latest', sources: [{ label: 'prod' }, { label: 'staging' }] },
        monitorSeconds: 5,
      } as never;
    },
    async retrieveSnapshotSource({ source }) {
      calls.push(`retrieve ${source.label}`);
      return { label: source.label, resources: 3, files: 2, services: 1 };
    },
    async resolveSnapshotComposition() {
      calls.push('resolve');
      return { conflicts: 0 } as never;
    },
    async provisionSnapshotWorkspace() {
      calls.push('provision');
      return { workspace: '/tmp/ws', files: 2, volumes: 0, ports: [8080] };
    },
    async startSnapshotServices() {
      calls.push('start');
      return [{ name: 'api', pid: 1, port: 8080 }] as never;
    },
    async monitorSnapshot({ windowSeconds }) {
      calls.push('monitor');
      return { windowSeconds, services: [{ ...healthy('api'), cpuCores: 0.1, rssBytes: 1 }], diskBytes: 0 };
    },
    async watchSnapshotServices() {
      // A watch returns when health changes; the stub waits a little so the loop does not spin.
      await Context.current().sleep(50);
      return health();
    },
    async teardownSnapshot({ state }) {
      teardowns.push(state);
      return { stopped: 1, snapshotsDeleted: 0, services: {} as never };
    },
    ...over,
  };
  return { activities, calls, teardowns };
}

describe('the snapshot workflow over stubbed activities', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await stubbedEnvironment('real-time');
  }, 60_000);
  afterAll(() => env?.teardown());

  const start = (taskQueue: string) =>
    env.client.workflow.start<ComposeSnapshot>(composeSnapshot, {
      taskQueue,
      workflowId: `snapshot-${randomUUID()}`,
      args: [{ name: 'shop' }],
    });

  it('goes validate → retrieve every source → resolve → provision → start → monitor, shows a sick service as degraded, and tears down on cancel', async () => {
    const sick: ServiceHealth = { name: 'api', healthy: false, kind: 'exited', reason: 'exited with code 1' };
    const s = stubs({}, () => [sick]);
    const { final, seen } = await withStubbedWorker(env, s.activities, async (taskQueue) => {
      const handle = await start(taskQueue);
      const seen = await eventually(async () => {
        const status = await handle.query(statusQuery);
        expect(status.state).toBe('degraded');
        return status;
      });
      await handle.signal(cancelSignal, 'done testing');
      return { final: await handle.result(), seen };
    });

    expect(s.calls.slice(0, 1)).toEqual(['validate']);
    expect(s.calls.slice(1, 3).sort()).toEqual(['retrieve prod', 'retrieve staging']);
    expect(s.calls.slice(3)).toEqual(['resolve', 'provision', 'start', 'monitor']);
    expect(seen.health).toEqual([sick]);
    expect(s.teardowns).toEqual(['cancelled']);
    expect(final).toMatchObject({ state: 'cancelled', error: 'done testing', services: [] });
    expect(final.sources.map((x) => x.state)).toEqual(['retrieved', 'retrieved']);
  }, 60_000);

  it('comes back to running when the watch sees the service healthy again', async () => {
    const sick: ServiceHealth = { name: 'api', healthy: false, kind: 'not-answering', reason: 'no answer on 8080' };
    let now = [sick];
    const s = stubs({}, () => now);
    const stateOf = async (handle: { query: (q: typeof statusQuery) => Promise<{ state: string }> }, want: string) =>
      eventually(async () => expect((await handle.query(statusQuery)).state).toBe(want));
    await withStubbedWorker(env, s.activities, async (taskQueue) => {
      const handle = await start(taskQueue);
      await stateOf(handle, 'degraded');
      now = [healthy('api')];
      await stateOf(handle, 'running');
      await handle.signal(cancelSignal);
      await handle.result();
    });
    expect(s.teardowns).toEqual(['cancelled']);
  }, 60_000);

  it('tears down what was made when a step fails, and fails naming the step', async () => {
    const s = stubs({
      async provisionSnapshotWorkspace() {
        throw ApplicationFailure.nonRetryable('volume data is 40 GiB, over the 10 GiB limit', 'AllocationExceeded');
      },
    });
    const result = await withStubbedWorker(env, s.activities, async (taskQueue) =>
      (await start(taskQueue)).result().catch((err: unknown) => err),
    );

    const failure = (result as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe(SnapshotFailure.SnapshotCompositionFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('provision failed: volume data is 40 GiB, over the 10 GiB limit');
    expect(failure.details).toEqual([{ step: 'provision' }]);
    expect(s.calls).not.toContain('start');
    expect(s.teardowns).toEqual(['failed']);
  }, 60_000);

  it('refuses a manifest that does not validate without tearing anything down', async () => {
    const s = stubs({
      async validateSnapshotManifest() {
        throw ApplicationFailure.nonRetryable('sources[0].type: expected one of template, host', 'InvalidManifest');
      },
    });
    const result = await withStubbedWorker(env, s.activities, async (taskQueue) =>
      (await start(taskQueue)).result().catch((err: unknown) => err),
    );

    expect(result).toBeInstanceOf(WorkflowFailedError);
    expect(((result as WorkflowFailedError).cause as ApplicationFailure).cause).toMatchObject({ type: 'InvalidManifest' });
    expect(s.calls).toEqual([]);
    expect(s.teardowns).toEqual([]);
  }, 60_000);
});
