import type { MosaicClient } from '../src/client/mosaic-client';
import { ConstraintsConflictError } from '../src/client/negotiation-errors';
import type { NegotiationRequestInput } from '../src/negotiation/request';
import type { Proposal } from '../src/negotiation/solver';
import type { NegotiationView } from '../src/contract/negotiate';
import { untilAnswered } from '../test/harness/answered';

const cheapest = (ps: Proposal[]) => ps.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));

/**
 * One negotiation driven to its end as an application would through the
 * typed client: wait for the first proposals, reject them as too costly,
 * accept the cheapest of the next round and report the usage it observed, so
 * the observation ends at once. Every update carries a fixed id: a call
 * repeated after a lost answer gets the first answer, never a second effect.
 */
export async function driveNegotiation(client: MosaicClient, request: NegotiationRequestInput, deadline: number): Promise<NegotiationView> {
  const negotiations = client.negotiations;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const persist = <T>(call: () => Promise<T>) => untilAnswered(call, deadline);
  const { workflowId } = await persist(() => negotiations.start(request));
  let view = await persist(() => negotiations.show(workflowId));
  while (view.status === 'analysing') {
    await pause(500);
    view = await persist(() => negotiations.show(workflowId));
  }
  if (view.status !== 'awaiting-feedback') return negotiations.result(workflowId);
  // Nothing cheaper is a typed refusal that leaves the round as it was: accept from it then.
  const first = view;
  view = await persist(() => negotiations.feedback(workflowId, 'reject', { because: 'cost', by: 'load' }, `${workflowId}/reject`)).catch(
    (err: unknown) => {
      if (err instanceof ConstraintsConflictError) return first;
      throw err;
    },
  );
  const pick = cheapest(view.proposals).id;
  await persist(() => negotiations.feedback(workflowId, 'accept', { proposalId: pick, by: 'load' }, `${workflowId}/accept`));
  await persist(() => negotiations.reportUsage(workflowId, { cpu: 0.5, memoryGb: 1, iops: 100, networkGbps: 0.05 }));
  return persist(() => negotiations.result(workflowId));
}
