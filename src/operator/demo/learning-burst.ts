import { BURST_FAULTED, BURST_PHASES, burstRequestId, phaseShare, type BurstPhase, type BurstSummary } from '../../learning/burst';
import type { CompositionRequestInput } from '../../composition/request';
import type { MosaicClient } from '../../client/mosaic-client';
import { PostgresFault } from './postgres-fault';

export interface BurstSize {
  /** Compositions per phase (before, fault, after). */
  calls: number;
  /** Decisions per window of the share table and plot. */
  window: number;
}

export const DEFAULT_BURST: BurstSize = { calls: 20, window: 5 };
export const MAX_BURST_CALLS = 200;

/**
 * Two at a time: each decision then sees the outcomes of all but the one
 * beside it (counters are written within a second, and read through a
 * one-second cache), as a steady stream of requests would; more at once
 * would decide many calls on the same stale view.
 */
const CONCURRENCY = 2;

/**
 * The databases of a burst: ones that leave the engine to the platform, so
 * examples/policies/databases-postgres.yaml decides between the local provider's two alternatives (provision-database@1
 * on FerretDB, postgres-local@1 on the stack's PostgreSQL, which it prefers
 * while it works), under an account of its own so they never count against
 * the compose family's quota.
 */
const request = (requestId: string): CompositionRequestInput => ({
  requestId,
  user: 'mosaic-demo',
  account: 'learning-demo',
  region: 'eu-west-1',
  resourceType: 'database',
  spec: { name: 'burst-db', sizeGb: 1 },
});

export type BurstResult = { family: string; workflowId: string; outcome: string; url: string; learningBurst?: BurstSummary };

/**
 * The learning loop at work: compositions before, during and after a fault
 * that makes postgres-local@1 fail for real (postgres-fault.ts); the shares
 * per window are what the worker logged (choice and propensity per
 * decision), read back through the model report's data.
 */
export async function demoLearningBurst(client: MosaicClient, size: BurstSize): Promise<BurstResult> {
  const fault = new PostgresFault(client.config);
  const why = fault.unavailable();
  if (why) return { family: 'learning-burst', workflowId: '', outcome: `skipped: ${why}`, url: '' };
  await fault.restore();
  const burst = new Date()
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 14);
  const phase = async (name: BurstPhase) => {
    let next = 1;
    const worker = async () => {
      while (next <= size.calls) {
        const seq = next++;
        const handle = await client.compose(request(burstRequestId({ burst, window: size.window, phase: name, seq })));
        // A failed composition is the point of the fault phase: its outcome is logged all the same.
        await handle.result().catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  for (const name of BURST_PHASES) await (name === 'fault' ? fault.around(() => phase(name)) : phase(name));
  const summary = (await client.models.reportData()).learningBurst;
  if (summary?.burst !== burst) throw new Error(`the outcomes of learning burst ${burst} were not found in the model report's data`);
  const pct = (p: BurstPhase) => `${((phaseShare(summary.windows, p, BURST_FAULTED) ?? 0) * 100).toFixed(0)} %`;
  const query = encodeURIComponent(`WorkflowId STARTS_WITH "compose-learning-${burst}-"`);
  return {
    family: 'learning-burst',
    workflowId: `compose-learning-${burst}-*`,
    outcome: `${BURST_FAULTED} chosen ${pct('before')} before, ${pct('fault')} while PostgreSQL could not create databases, ${pct('after')} after (${size.calls} calls each)`,
    url: `${client.config.temporal.webUiUrl}/namespaces/${client.config.temporal.namespace}/workflows?query=${query}`,
    learningBurst: summary,
  };
}
