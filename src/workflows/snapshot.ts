import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { SnapshotActivities } from '../activities/snapshot';
import type { ServiceHealth } from '../providers/service-health';
import {
  cancelSignal,
  SnapshotFailure,
  statusQuery,
  type CatalogOperation,
  type CatalogRequest,
  type CatalogViews,
  type SnapshotState,
  type SnapshotStatus,
} from '../contract/snapshot';
import { MosaicState } from '../contract/search-attributes';

const storeRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 };
const workRetry: RetryPolicy = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 };

const { validateSnapshotManifest, resolveSnapshotComposition } = proxyActivities<SnapshotActivities>({
  startToCloseTimeout: '5 minutes',
  retry: storeRetry,
});
// Capture, materialisation and start-up can take long on big trees; heartbeats tell a hung one from a slow one.
const { retrieveSnapshotSource, provisionSnapshotWorkspace, startSnapshotServices } = proxyActivities<SnapshotActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: workRetry,
});
const { teardownSnapshot } = proxyActivities<SnapshotActivities>({ startToCloseTimeout: '5 minutes', retry: storeRetry });
// The watch returns within 50 minutes when nothing changes. It retries without a cap: while no worker
// can run it the environment stays as it is and the workflow waits; it must never tear down for that.
const { watchSnapshotServices } = proxyActivities<SnapshotActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const messageOf = (err: unknown): string => {
  let current = err as { message?: string; cause?: unknown } | undefined;
  let message = current?.message ?? String(err);
  while (current?.cause) {
    current = current.cause as { message?: string; cause?: unknown };
    if (current.message) message = current.message;
  }
  return message;
};

/**
 * The snapshot orchestrator: validate the manifest, retrieve every source in
 * parallel, resolve conflicts under its strategy, provision the workspace,
 * start the services and monitor them; then keep the environment until
 * `cancel`. A failure after retrieval began, or a cancel, tears down
 * everything made so far.
 */
export async function composeSnapshot(input: unknown): Promise<SnapshotStatus> {
  const { workflowId } = workflowInfo();
  const status: SnapshotStatus = { state: 'validating', sources: [], services: [] };
  setHandler(statusQuery, () => status);
  const setState = (state: SnapshotState) => {
    status.state = state;
    upsertSearchAttributes([{ key: MosaicState, value: state }]);
  };

  let validated;
  try {
    validated = await validateSnapshotManifest(input);
  } catch (err) {
    status.error = messageOf(err);
    setState('failed');
    throw err;
  }
  const { manifest, monitorSeconds } = validated;
  status.manifest = { name: manifest.name, strategy: manifest.strategy };
  status.sources = manifest.sources.map((s) => ({ label: s.label, type: s.type, state: 'pending' }));

  const work = new CancellationScope();
  let cancelReason: string | undefined;
  setHandler(cancelSignal, (reason) => {
    cancelReason ??= reason ?? 'cancelled by request';
    work.cancel();
  });

  let step = 'retrieve';
  try {
    await work.run(async () => {
      setState('retrieving');
      await Promise.all(
        manifest.sources.map(async (source, i) => {
          const entry = status.sources[i]!;
          entry.state = 'retrieving';
          try {
            entry.resources = (await retrieveSnapshotSource({ workflowId, source })).resources;
            entry.state = 'retrieved';
          } catch (err) {
            Object.assign(entry, { state: 'failed', error: messageOf(err) });
            throw err;
          }
        }),
      );
      step = 'resolve';
      setState('resolving');
      status.resolution = await resolveSnapshotComposition({ workflowId, manifest });
      step = 'provision';
      setState('provisioning');
      status.provisioned = await provisionSnapshotWorkspace({ workflowId });
      step = 'start';
      setState('starting');
      status.services = await startSnapshotServices({ workflowId });
      step = 'monitor';
      setState('monitoring');
      const { monitorSnapshot } = proxyActivities<SnapshotActivities>({
        startToCloseTimeout: `${monitorSeconds + 60} seconds`,
        heartbeatTimeout: '15 seconds',
        retry: workRetry,
      });
      status.monitor = await monitorSnapshot({ workflowId, windowSeconds: monitorSeconds });
      // Compositions recorded before services were watched wait without watching, as they did.
      if (!patched('snapshot-watch-services')) {
        setState('running');
        await condition(() => false);
      }
      // Up until someone cancels it, and honest about it: degraded while any service is not healthy.
      let health: ServiceHealth[] = status.monitor.services.map(({ name, healthy, kind, reason }) => ({ name, healthy, kind, reason }));
      for (;;) {
        status.health = health;
        const next: SnapshotState = health.every((h) => h.healthy) ? 'running' : 'degraded';
        if (status.state !== next) setState(next);
        health = await watchSnapshotServices({ workflowId, reported: health });
      }
    });
  } catch (err) {
    const cancelled = isCancellation(err);
    if (!cancelled) status.error = `${step} failed: ${messageOf(err)}`;
    setState('tearing-down');
    status.teardown = await CancellationScope.nonCancellable(() =>
      teardownSnapshot({ workflowId, state: cancelled ? 'cancelled' : 'failed' }),
    );
    status.services = [];
    if (cancelled) {
      status.error = cancelReason;
      setState('cancelled');
      return status;
    }
    setState('failed');
    throw ApplicationFailure.create({
      nonRetryable: true,
      message: status.error,
      type: SnapshotFailure.SnapshotCompositionFailed,
      details: [{ step }],
      cause: err as Error,
    });
  }
  return status;
}

const { snapshotCatalog } = proxyActivities<SnapshotActivities>({ startToCloseTimeout: '1 minute', retry: storeRetry });

/** Templates and hosts: one short workflow per change or read, so each is in the history like every other change. */
export async function manageSnapshotCatalog<K extends CatalogOperation>(request: CatalogRequest<K>): Promise<CatalogViews[K]> {
  return snapshotCatalog(request);
}
