import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

/**
 * Every workflow gets a replay test over a recorded history. Integration tests
 * call this after a run; with MOSAIC_RECORD_HISTORIES=1 it (re)writes
 * `test/fixtures/histories/<workflowType>.<name>.json`, otherwise it does nothing.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.MOSAIC_RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  const { type } = await handle.describe();
  const history = await handle.fetchHistory();
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${type}.${name}.json`), `${historyToJSON(history)}\n`);
}

/** Records the newest closed run of a workflow type on a task queue (for clients that return no id). */
export async function recordLatest(client: Client, taskQueue: string, workflowType: string, name: string): Promise<void> {
  if (process.env.MOSAIC_RECORD_HISTORIES !== '1') return;
  for await (const run of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND WorkflowType = '${workflowType}' AND ExecutionStatus != 'Running'`,
  })) {
    return recordHistory(client, run.workflowId, name);
  }
  throw new Error(`no closed ${workflowType} run on ${taskQueue} to record`);
}

export function recordedHistories(): { workflowType: string; file: string }[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ workflowType: file.split('.')[0]!, file: path.join(HISTORIES_DIR, file) }));
}
