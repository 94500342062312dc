import { mosaic } from '../harness/cli';
import { eventually } from '../harness/eventually';
import { bucketRequest, startComposingWorker } from '../harness/composing-worker';
import type { TestWorker } from '../harness/worker';

describe('mosaic status against the real stack', () => {
  let w: TestWorker;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    w = await startComposingWorker();
    env = { MOSAIC_TASK_QUEUE: w.taskQueue };
    await (await w.client.compose(bucketRequest())).result();
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
  });

  it('shows workflows by kind and state from visibility, the worker, handler health and no model yet', async () => {
    // The worker writes handler counters behind, every half second.
    const report = await eventually(async () => {
      const run = await mosaic(['status', '--since-hours', '1', '--json'], env);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const parsed = JSON.parse(run.stdout);
      expect(parsed.handlers).toEqual(expect.arrayContaining([expect.objectContaining({ ref: 'provision-bucket@1', calls: 1 })]));
      return parsed;
    }, 30_000);
    expect(report.workflows).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'compose', state: 'succeeded' })]));
    expect(report.workflows.some((r: { kind: string }) => r.kind === 'inspect')).toBe(false);
    expect(report.workers).toHaveLength(1);
    expect(report.handlers).toEqual(
      expect.arrayContaining([expect.objectContaining({ ref: 'provision-bucket@1', calls: 1, errorRate: 0, health: 'ok' })]),
    );
    expect(report.model).toEqual({ serving: 'metrics-prior', active: null });
    expect(report.url).toContain('/workflows?query=MosaicKind%20IS%20NOT%20NULL');

    const human = await mosaic(['status'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^compose +succeeded +\d+$/m);
    expect(human.stdout).toContain('MODEL    metrics-prior (no version promoted)');
    expect(human.stdout).toMatch(/^provision-bucket@1 +active +1 +0 +[\d.]+ +ok$/m);
  });

  it('refuses a bad window with exit code 2', async () => {
    const run = await mosaic(['status', '--since-hours', 'soon'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected a number of hours');
  });
});
