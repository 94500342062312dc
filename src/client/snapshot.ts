import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { parseManifest } from '../snapshot/manifest';
import {
  cancelSignal,
  composeSnapshot,
  manageSnapshotCatalog,
  snapshotCatalogKind,
  snapshotKind,
  statusQuery,
  type CatalogOperation,
  type CatalogRequest,
  type CatalogViews,
  type ComposeSnapshot,
  type ManageSnapshotCatalogOf,
  type SnapshotState,
  type SnapshotStatus,
} from '../contract/snapshot';
import { MosaicKind, MosaicState } from '../contract/search-attributes';
import { readableId, type MosaicClient } from './mosaic-client';
// Registers the snapshot failure classes, so typed() below throws them.
import './snapshot-errors';
import { typed } from './workflow-errors';

export type SnapshotHandle = WorkflowHandle<ComposeSnapshot> & { url: string };

/** Snapshot composition from the client side: compose, follow, cancel, and the template and host catalog. */
export class SnapshotClient {
  constructor(private readonly mosaic: MosaicClient) {}

  /** Starts composeSnapshot; the manifest is validated here first, so a typo fails before it reaches Temporal. */
  async compose(manifest: unknown, workflowId = readableId('snapshot')): Promise<SnapshotHandle> {
    const parsed = parseManifest(manifest);
    const handle = await this.mosaic.temporal.workflow.start<ComposeSnapshot>(composeSnapshot, {
      taskQueue: this.mosaic.taskQueue,
      workflowId,
      args: [manifest],
      typedSearchAttributes: [
        { key: MosaicKind, value: snapshotKind },
        { key: MosaicState, value: 'validating' satisfies SnapshotState },
      ],
      memo: { summary: `${parsed.name}: ${parsed.sources.length} sources, ${parsed.strategy}` },
    });
    const result = handle.result.bind(handle);
    // A failure arrives as its class (MosaicWorkflowError with the failure's type), see workflow-errors.ts.
    return Object.assign(handle, { url: this.mosaic.url(workflowId), result: () => typed(result(), workflowId) });
  }

  status(workflowId: string): Promise<SnapshotStatus> {
    return this.mosaic.temporal.workflow.getHandle<ComposeSnapshot>(workflowId).query(statusQuery);
  }

  /** Asks the composition to tear down and end; resolves with its final status. */
  async cancel(workflowId: string, reason?: string): Promise<SnapshotStatus> {
    const handle = this.mosaic.temporal.workflow.getHandle<ComposeSnapshot>(workflowId);
    await handle.signal(cancelSignal, reason);
    return typed(handle.result(), workflowId);
  }

  /**
   * Polls `status` until the composition reaches one of `states` (or fails,
   * which rejects). No `result()` long poll runs beside it: one left pending
   * when the state is reached outlives this call, and on a Temporal cluster
   * (whose long polls end and are retried) its retry fired after the client
   * had closed and crashed the CLI with "Channel has been shut down".
   */
  async waitFor(
    handle: SnapshotHandle,
    states: SnapshotStatus['state'][],
    onStatus: (s: SnapshotStatus) => void = () => undefined,
  ): Promise<SnapshotStatus> {
    for (;;) {
      const { status: run } = await handle.describe();
      // An ended composition reaches no other state: its final status (or its failure) is the answer.
      if (run.name !== 'RUNNING') {
        const final = await handle.result();
        onStatus(final);
        return final;
      }
      const status = await handle.query(statusQuery);
      onStatus(status);
      if (states.includes(status.state)) return status;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  catalog<K extends CatalogOperation>(request: CatalogRequest<K>): Promise<CatalogViews[K]> {
    return typed(
      this.mosaic.temporal.workflow.execute<ManageSnapshotCatalogOf<K>>(manageSnapshotCatalog, {
        taskQueue: this.mosaic.taskQueue,
        workflowId: readableId(`snapshot-${request.operation.replace('.', '-')}`),
        args: [request],
        typedSearchAttributes: [{ key: MosaicKind, value: snapshotCatalogKind }],
      }),
    );
  }
}

/** A host registration read from a file: a relative local `root` is taken from the file's directory. */
export function hostFromFile(file: string, parsed: unknown): unknown {
  const host = parsed as { provider?: string; root?: unknown };
  if (host?.provider !== 'local' || typeof host.root !== 'string' || path.isAbsolute(host.root)) return parsed;
  return { ...host, root: path.resolve(path.dirname(file), host.root) };
}
