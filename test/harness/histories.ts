import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

/**
 * Every workflow gets a replay test over a recorded history. Integration tests
 * call this after a run; with MOSAIC_RECORD_HISTORIES=1 it adds
 * `test/fixtures/histories/<workflowType>.<name>.json`, otherwise it does nothing.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.MOSAIC_RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  const { type } = await handle.describe();
  const history = await handle.fetchHistory();
  addHistory(HISTORIES_DIR, type, name, `${historyToJSON(history)}\n`);
}

/**
 * Writes a history beside the ones already there and returns its file: the
 * first as `<type>.<name>.json`, later ones as `<type>.<name>.2.json`, `.3`...
 * An old history is never overwritten, so runs started by older code keep
 * being replayed against today's.
 */
export function addHistory(dir: string, workflowType: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${workflowType}.${name}${n === 1 ? '' : `.${n}`}.json`);
    try {
      // 'wx': create only, so two recorders racing for a name get one each.
      fs.writeFileSync(file, text, { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
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

export function recordedHistories(dir = HISTORIES_DIR): { workflowType: string; file: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ workflowType: file.split('.')[0]!, file: path.join(dir, file) }));
}
