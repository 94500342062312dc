import type { MosaicClient } from '../src/client/mosaic-client';
import { ConstraintsConflictError } from '../src/client/negotiation-errors';
import type { NegotiationRequestInput } from '../src/negotiation/request';
import type { Proposal } from '../src/negotiation/solver';
import type { NegotiationView } from '../src/workflows/negotiate';

const cheapest = (ps: Proposal[]) => ps.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));

/**
 * One negotiation driven to its end as an application would through the
 * typed client: wait for the first proposals, reject them as too costly,
 * accept the cheapest of the next round and report the usage it observed, so
 * the observation ends at once. Every update carries a fixed id: a call
 * repeated after a lost answer gets the first answer, never a second effect.
 */
export async function driveNegotiation(client: MosaicClient, request: NegotiationRequestInput): Promise<NegotiationView> {
  const negotiations = client.negotiations;
  const { workflowId } = await negotiations.start(request);
  let view = await negotiations.show(workflowId);
  while (view.status === 'analysing') {
    await new Promise((r) => setTimeout(r, 500));
    view = await negotiations.show(workflowId);
  }
  if (view.status !== 'awaiting-feedback') return negotiations.result(workflowId);
  // Nothing cheaper is a typed refusal that leaves the round as it was: accept from it then.
  view = await negotiations.feedback(workflowId, 'reject', { because: 'cost', by: 'load' }, `${workflowId}/reject`).catch((err: unknown) => {
    if (err instanceof ConstraintsConflictError) return view;
    throw err;
  });
  await negotiations.feedback(workflowId, 'accept', { proposalId: cheapest(view.proposals).id, by: 'load' }, `${workflowId}/accept`);
  await negotiations.reportUsage(workflowId, { cpu: 0.5, memoryGb: 1, iops: 100, networkGbps: 0.05 });
  return negotiations.result(workflowId);
}
