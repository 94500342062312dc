import { WorkflowFailedError, type WorkflowExecutionStatusName } from '@temporalio/client';
import { TimeoutFailure } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import type { ModelStatus } from '../contract/models';
import { visibilityUrl } from '../config';
import { MosaicKind, MosaicState } from '../contract/search-attributes';
import type { MosaicClient, Poller } from './mosaic-client';

/** A handler version whose error rate is above this is reported degraded (the example policies forbid above 0.2). */
export const DEGRADED_ERROR_RATE = 0.2;
/** Visibility rows read at most: status is a glance, not a report. */
const MAX_ROWS = 5000;
/**
 * How long status waits for a worker to read the handlers and the model. A poller stays listed for
 * minutes after its worker died, so its presence alone does not promise an answer.
 */
export const WORKER_READ_TIMEOUT_S = 10;

export interface WorkflowCount {
  kind: string;
  state: string;
  count: number;
}

export interface HandlerHealth {
  ref: string;
  status: string;
  calls: number;
  errorRate: number;
  latencyP95Ms: number;
  health: 'ok' | 'degraded' | 'unused';
}

export interface StatusReport {
  since: string;
  workflows: WorkflowCount[];
  workers: Poller[];
  handlers: HandlerHealth[];
  /** What the worker on this task queue decides with, and the promoted version (issue 6's `policy_model_pointer`); null when unread. */
  model: ModelInForce | null;
  /** Why the handlers and the model were not read: a worker reads them, and none answered. */
  unread?: string;
  /** The same workflows in the Web UI. */
  url: string;
}

export interface ModelInForce {
  serving: string;
  active: { version: number; name: string; at: string } | null;
  refused?: { version: number; reason: string };
}

/** The model part of a model status: what serves, what is promoted since when, and a version refused. */
export function modelInForce(status: ModelStatus): ModelInForce {
  const { serving, active, refused } = status;
  return { serving, active: active ? { version: active.version, name: active.name, at: active.at } : null, ...(refused && { refused }) };
}

/** One line: `bandit-v3 (promoted 2026-…)`, or the prior when nothing is promoted, and a refused version's reason. */
export function describeModel(model: ModelInForce): string {
  const promoted = model.active ? `${model.active.name} promoted ${model.active.at}` : 'no version promoted';
  const refused = model.refused ? `; refused version ${model.refused.version}: ${model.refused.reason}` : '';
  return `${model.serving} (${promoted}${refused})`;
}

interface Row {
  kind?: string;
  state?: string;
  status: WorkflowExecutionStatusName;
}

/**
 * What a workflow is doing, in Mosaic's words where it says: MosaicState while
 * it runs (planning, compensating, awaiting-response…) and for its own end
 * (succeeded, failed, denied…); the server's status when the server ended it
 * (terminated, timed_out, cancelled) or it never said.
 */
export function stateOf(row: Row): string {
  if (row.status === 'RUNNING') return row.state ?? 'running';
  const ownEnd = row.status === 'COMPLETED' || row.status === 'FAILED';
  return ownEnd && row.state && row.state !== 'running' ? row.state : row.status.toLowerCase();
}

/** Counts by kind and state, kinds in name order, the largest states first. */
export function tally(rows: Row[]): WorkflowCount[] {
  const counts = new Map<string, WorkflowCount>();
  for (const row of rows) {
    const kind = row.kind ?? 'unknown';
    const state = stateOf(row);
    const key = `${kind}\u0000${state}`;
    const entry = counts.get(key) ?? counts.set(key, { kind, state, count: 0 }).get(key)!;
    entry.count += 1;
  }
  return [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind) || b.count - a.count || a.state.localeCompare(b.state));
}

export function handlerHealth(rows: Omit<HandlerHealth, 'health'>[]): HandlerHealth[] {
  return rows
    .filter((h) => h.status !== 'retired')
    .map((h) => ({ ...h, health: h.calls === 0 ? 'unused' : h.errorRate > DEGRADED_ERROR_RATE ? 'degraded' : 'ok' }));
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/** The SDK's name for a raw execution status: RUNNING, COMPLETED, … */
function statusName(code: temporal.api.enums.v1.WorkflowExecutionStatus | null | undefined): WorkflowExecutionStatusName {
  const name = temporal.api.enums.v1.WorkflowExecutionStatus[code ?? 0] ?? '';
  return (name.startsWith(STATUS_PREFIX) ? name.slice(STATUS_PREFIX.length) : 'UNKNOWN') as WorkflowExecutionStatusName;
}

/** Every Mosaic workflow running now or started since `since`, except status's own reads. */
export function statusQuery(since: Date): string {
  return `MosaicKind IS NOT NULL AND MosaicKind != "inspect" AND (ExecutionStatus = "Running" OR StartTime > "${since.toISOString()}")`;
}

export async function readStatus(mosaic: MosaicClient, opts: { since: Date }): Promise<StatusReport> {
  const query = statusQuery(opts.since);
  const rows: Row[] = [];
  // Listed raw rather than with workflow.list(), which decodes every run's
  // memo: counting runs needs their search attributes and status only, and an
  // operator without the payload keys (MOSAIC_PAYLOAD_KEYS) can still read them.
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await mosaic.temporal.workflowService.listWorkflowExecutions({
      namespace: mosaic.config.temporal.namespace,
      query,
      pageSize: 100,
      nextPageToken,
    });
    for (const wf of page.executions ?? []) {
      const attributes = decodeTypedSearchAttributes(wf.searchAttributes?.indexedFields);
      rows.push({ kind: attributes.get(MosaicKind), state: attributes.get(MosaicState), status: statusName(wf.status) });
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken && rows.length < MAX_ROWS);
  const workers = await mosaic.pollers();
  const reads = await readFromWorker(mosaic, workers);
  return {
    since: opts.since.toISOString(),
    workflows: tally(rows),
    workers,
    ...reads,
    url: visibilityUrl(mosaic.config, query),
  };
}

/**
 * The handlers' health and the model in force, which workflows read on a worker. With no worker
 * polling those reads would wait for one, so status says why they are missing instead of hanging.
 */
async function readFromWorker(mosaic: MosaicClient, workers: Poller[]): Promise<Pick<StatusReport, 'handlers' | 'model' | 'unread'>> {
  const queue = mosaic.taskQueue;
  if (!workers.length)
    return { handlers: [], model: null, unread: `no worker polls task queue "${queue}": start one with \`mosaic worker --detach\`` };
  const timeout = `${WORKER_READ_TIMEOUT_S} seconds`;
  let handlers: HandlerHealth[];
  let model: ModelStatus;
  try {
    [handlers, model] = await Promise.all([
      mosaic.governance.inspect({ kind: 'handlers' }, { timeout }).then(handlerHealth),
      mosaic.models.status({ timeout }),
    ]);
  } catch (err) {
    if (!(err instanceof WorkflowFailedError) || !(err.cause instanceof TimeoutFailure)) throw err;
    return {
      handlers: [],
      model: null,
      unread: `no worker on task queue "${queue}" answered within ${WORKER_READ_TIMEOUT_S} s (a listed poller may have stopped): check \`mosaic doctor\``,
    };
  }
  return {
    handlers: handlers.map(({ ref, status, calls, errorRate, latencyP95Ms, health }) => ({
      ref,
      status,
      calls,
      errorRate,
      latencyP95Ms,
      health,
    })),
    model: modelInForce(model),
  };
}
