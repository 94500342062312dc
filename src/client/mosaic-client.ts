import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { loadConfig, workflowUrl, type Config } from '../config';
import { healthCheck, healthKind, type HealthCheck, type HealthReport } from '../contract/health';
import { MosaicKind, MosaicState } from '../contract/search-attributes';
import type { CompositionRequestInput } from '../composition/request';
import { startComposition, type CompositionHandle } from './compose';
import { connectClient } from './connection';
import { GovernanceClient } from './governance';
import { ModelClient } from './models';
import { readStatus, type StatusReport } from './status';
import { SnapshotClient } from './snapshot';
import { NegotiationClient } from './negotiation';

/** A readable id that sorts by time in the Web UI: `<kind>-<yyyymmddhhmmss>-<4 hex>`. */
export function readableId(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export interface Poller {
  identity: string;
  lastAccessTime?: Date;
}

/** The typed entry point other services use; the CLI is built on it. */
export class MosaicClient {
  constructor(
    readonly temporal: Client,
    readonly config: Config,
  ) {}

  static async connect(config: Config = loadConfig()): Promise<MosaicClient> {
    return new MosaicClient(await connectClient(config), config);
  }

  /** Connects, runs fn, and closes the connection whatever happens. */
  static async use<T>(config: Config, fn: (client: MosaicClient) => Promise<T>): Promise<T> {
    const client = await MosaicClient.connect(config);
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /** Starts a composition; `result()` waits for it, `progress()` reads its plan and step states. */
  compose(request: CompositionRequestInput): Promise<CompositionHandle> {
    return startComposition(this, request);
  }

  get governance(): GovernanceClient {
    return new GovernanceClient(this);
  }

  get models(): ModelClient {
    return new ModelClient(this);
  }

  /** Workflows by kind and state from visibility, workers, handler health and the model version. */
  status(opts: { since: Date }): Promise<StatusReport> {
    return readStatus(this, opts);
  }

  get snapshots(): SnapshotClient {
    return new SnapshotClient(this);
  }

  get negotiations(): NegotiationClient {
    return new NegotiationClient(this);
  }

  get taskQueue(): string {
    return this.config.temporal.taskQueue;
  }

  url(workflowId: string, runId?: string): string {
    return workflowUrl(this.config, workflowId, runId);
  }

  async serverVersion(): Promise<string> {
    const info = await this.temporal.workflowService.getSystemInfo({});
    return info.serverVersion || 'unknown';
  }

  /** Workers polling the task queue for workflow tasks right now. */
  async pollers(): Promise<Poller[]> {
    const res = await this.temporal.workflowService.describeTaskQueue({
      namespace: this.config.temporal.namespace,
      taskQueue: { name: this.taskQueue },
    });
    return (res.pollers ?? []).map((p) => ({
      identity: p.identity ?? '',
      lastAccessTime: p.lastAccessTime?.seconds ? new Date(Number(p.lastAccessTime.seconds) * 1000) : undefined,
    }));
  }

  /** Runs the healthCheck workflow end to end and returns its report. */
  async healthCheck(opts: { timeout?: Duration } = {}): Promise<HealthReport & { url: string }> {
    const workflowId = readableId('health');
    const handle = await this.temporal.workflow.start<HealthCheck>(healthCheck, {
      taskQueue: this.taskQueue,
      workflowId,
      workflowExecutionTimeout: opts.timeout ?? '45 seconds',
      typedSearchAttributes: [
        { key: MosaicKind, value: healthKind },
        { key: MosaicState, value: 'running' },
      ],
    });
    const report = await handle.result();
    return { ...report, url: this.url(workflowId) };
  }

  async close(): Promise<void> {
    await this.temporal.connection.close();
  }
}
