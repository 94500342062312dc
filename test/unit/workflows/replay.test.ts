import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import * as workflows from '../../../src/workflows';
import { workflowBundle } from '../../harness/bundle';
import { HISTORIES_DIR, recordedHistories } from '../../harness/histories';
import { quietRuntime } from '../../harness/runtime';

// Replaying recorded histories against today's code catches non-determinism
// before it reaches a running workflow.
describe('workflow replay', () => {
  beforeAll(quietRuntime);
  const histories = recordedHistories();

  it('has a recorded history for every workflow the worker registers', () => {
    const recorded = new Set(histories.map((h) => h.workflowType));
    const missing = Object.keys(workflows).filter((name) => !recorded.has(name));
    expect(missing).toEqual([]);
  });

  it.each(histories.map((h) => [path.basename(h.file), h.file]))(
    'replays %s',
    async (_name, file) => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, path.basename(file));
    },
    30_000,
  );

  it('fails a recorded history against a workflow changed without patched()', async () => {
    // The check above is only worth something if it can fail: the same history, a bundle whose healthCheck waits on a timer first.
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, 'healthCheck.passed.json'), 'utf8')));
    const altered = await workflowBundle(require.resolve('../../fixtures/altered-workflows'));
    await expect(Worker.runReplayHistory({ workflowBundle: altered }, history, 'healthCheck.passed.json')).rejects.toBeInstanceOf(
      DeterminismViolationError,
    );
  }, 60_000);
});
