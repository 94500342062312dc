import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { PersonaStoreActivities } from '../activities/persona-store';
import type { NegotiationActivities } from '../activities/negotiation';
import type { UserConstraint } from '../negotiation/constraints';
import type { NegotiationRequestInput } from '../negotiation/request';
import type { Proposal, SolveResult } from '../negotiation/solver';
import type { NegotiationResult, PersonaOperation, PersonaOperationKind, PersonaViews } from '../contract/negotiate';
import { MosaicInstanceType, MosaicMonthlyUsd, MosaicRegion } from '../contract/search-attributes';
import { logic, NegotiationState, refusal, type Carried, type Queued } from './negotiation-state';

type Conflict = Extract<SolveResult, { ok: false }>['conflict'];

const quickRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 };
// Analysis trains the text model on first use (seconds); solving is milliseconds, and both are pure but for the store read.
const { analyseWorkload, reanalyseWorkload, concludeNegotiation, sendReminder } = proxyActivities<NegotiationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: quickRetry,
});
const { proposeInstances, reviseProposal } = proxyLocalActivities<NegotiationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: quickRetry,
});
// After an agreement the instance must come to be: provider outages are retried for hours, the keys make it happen once.
// It heartbeats while the provider works: a worker killed meanwhile costs 30 seconds, not the 5-minute timeout.
const { provisionInstance } = proxyActivities<NegotiationActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 50 },
});
const { reviewInstance } = proxyActivities<NegotiationActivities>({ startToCloseTimeout: '2 minutes', retry: quickRetry });
const { personaOperation } = proxyActivities<PersonaStoreActivities>({ startToCloseTimeout: '30 seconds', retry: quickRetry });

/** The persona marketplace for the CLI: list, show, create a version, publish; one store operation per run. */
export async function managePersonas<K extends PersonaOperationKind>(operation: PersonaOperation<K>): Promise<PersonaViews[K]> {
  return personaOperation(operation);
}

function failureOf(err: unknown): { type: string; message: string } {
  let current = err as { message?: string; type?: string; cause?: unknown } | undefined;
  let found = { type: 'Error', message: current?.message ?? String(err) };
  while (current) {
    if (current.type) found = { type: current.type, message: current.message ?? found.message };
    current = current.cause as typeof current;
  }
  return found;
}

/**
 * negotiate(workload, basePersona), as the specification's engine: analyse,
 * propose, then per round present the proposals and wait for feedback —
 * accept (agreement), modify (that proposal re-validated and re-priced),
 * reject (new proposals avoiding the rejected ones and the reason), add
 * constraints (new proposals) — until agreement, the deadline or the round
 * limit. An agreement is provisioned once; then the usage is observed, the
 * persona evolves if the prediction was off, and the cost is reviewed.
 */
export async function negotiateInstance(input: NegotiationRequestInput, carried?: Carried): Promise<NegotiationResult> {
  const negotiation = new NegotiationState(workflowInfo().workflowId, carried, Date.now());
  negotiation.listen();
  if (!negotiation.analysed) await analyseAndPropose(negotiation, input);
  const { request } = negotiation.analysed!;
  negotiation.setStatus('awaiting-feedback');

  let roundsThisRun = 0;
  while (negotiation.status === 'awaiting-feedback') {
    if (endedWithoutAgreement(negotiation)) break;
    if (request.policy && !negotiation.queue.length && !askPolicy(negotiation)) break;
    const feedback = await nextFeedback(negotiation);
    if (negotiation.cancelled) continue;
    if (!feedback) {
      if (Date.now() >= negotiation.deadlineAt) {
        negotiation.reason = `no agreement before the deadline (${request.limits.deadline} after the start)`;
        negotiation.setStatus('expired');
        break;
      }
      await remind(negotiation);
      continue;
    }
    const roundBefore = negotiation.round;
    if (!(await applyOrRefuse(negotiation, feedback))) break;
    negotiation.waitingSince = Date.now();
    if (negotiation.agreed) {
      showAgreement(negotiation.agreed);
      negotiation.setStatus('provisioning');
      break;
    }
    if (negotiation.round > roundBefore) roundsThisRun += 1;
    if (roundsThisRun >= request.limits.roundsPerRun || workflowInfo().continueAsNewSuggested) {
      // Updates in flight finish in this run; their answers are already recorded.
      await condition(allHandlersFinished);
      negotiation.log('continued', `history handed to run ${negotiation.run + 1} after ${workflowInfo().historyLength} events`);
      await continueAsNew<typeof negotiateInstance>(input, negotiation.carried());
    }
  }

  if (negotiation.status !== 'provisioning') {
    await concludeNegotiation({
      negotiationId: negotiation.negotiationId,
      persona: negotiation.analysed!.persona,
      agreed: false,
      rounds: negotiation.round,
      status: negotiation.status,
    });
  } else {
    await provisionObserveReview(negotiation);
    negotiation.setStatus('completed');
  }
  await condition(allHandlersFinished);
  return negotiation.view();
}

/** The first round: the workload analysed and the first proposals, or a refusal naming what conflicts. */
async function analyseAndPropose(negotiation: NegotiationState, input: NegotiationRequestInput): Promise<void> {
  const analysed = await analyseWorkload(input);
  negotiation.analysed = analysed;
  negotiation.deadlineAt = Date.now() + msToNumber(analysed.request.limits.deadline as Duration);
  negotiation.round = 1;
  const first = await proposeInstances({ requirements: analysed.requirements, round: 1, k: analysed.request.proposals });
  if (!first.ok) {
    negotiation.setStatus('failed');
    throw refusal(conflictMessage(first.conflict, 'the request'), 'ConstraintsConflict', first.conflict);
  }
  negotiation.proposals = first.proposals;
  negotiation.waitingSince = Date.now();
  negotiation.log(
    'proposed',
    `${first.proposals.length} proposals from ${first.feasible} feasible of ${first.candidates} configurations (${analysed.analysis.notes.join('; ')})`,
  );
}

/** Cancelled, or out of rounds: the negotiation ends here, and says why. */
function endedWithoutAgreement(negotiation: NegotiationState): boolean {
  const { cancelled } = negotiation;
  const { limits } = negotiation.analysed!.request;
  if (cancelled) {
    negotiation.reason = `cancelled${cancelled.by ? ` by ${cancelled.by}` : ''}${cancelled.reason ? `: ${cancelled.reason}` : ''}`;
    negotiation.log('cancelled', cancelled.reason ?? 'no reason given', cancelled.by);
    negotiation.setStatus('cancelled');
    return true;
  }
  if (negotiation.round > limits.maxRounds) {
    negotiation.reason = `no agreement within ${limits.maxRounds} rounds`;
    negotiation.setStatus('failed');
    return true;
  }
  return false;
}

/** An application's negotiation policy answers for it; false when it gives up. */
function askPolicy(negotiation: NegotiationState): boolean {
  const decision = logic().decideByPolicy(
    negotiation.analysed!.request.policy!,
    negotiation.proposals,
    negotiation.round,
    negotiation.policyAdded,
  );
  if ('giveUp' in decision) {
    negotiation.reason = decision.giveUp;
    negotiation.setStatus('gave-up');
    return false;
  }
  if (decision.feedback.kind === 'addConstraints') negotiation.policyAdded += 1;
  negotiation.queue.push({
    id: `policy-${negotiation.round}-${negotiation.policyAdded}-${decision.feedback.kind}`,
    feedback: decision.feedback,
  });
  return true;
}

/** The next feedback in the queue, waiting for it until the round times out or the deadline (then nothing). */
async function nextFeedback(negotiation: NegotiationState): Promise<Queued | undefined> {
  const { limits } = negotiation.analysed!.request;
  const roundTimeoutMs = msToNumber(limits.roundTimeout as Duration);
  const wait = Math.min(negotiation.waitingSince + roundTimeoutMs, negotiation.deadlineAt) - Date.now();
  const woke =
    negotiation.queue.length > 0 ||
    (wait > 0 && (await condition(() => negotiation.queue.length > 0 || negotiation.cancelled !== undefined, wait)));
  return woke && !negotiation.cancelled ? negotiation.queue.shift() : undefined;
}

async function remind(negotiation: NegotiationState): Promise<void> {
  negotiation.reminders += 1;
  const sent = await sendReminder({
    negotiationId: negotiation.negotiationId,
    round: negotiation.round,
    reminder: negotiation.reminders,
    proposals: negotiation.proposals.map((p) => p.id),
  });
  negotiation.log(
    'reminded',
    `no feedback for ${negotiation.analysed!.request.limits.roundTimeout}${sent.sent ? '; webhook notified' : '; no webhook configured'}`,
  );
  negotiation.waitingSince = Date.now();
}

/** Applies one feedback and records its outcome for the update waiting on it; false when the policy's own was refused (it gives up). */
async function applyOrRefuse(negotiation: NegotiationState, item: Queued): Promise<boolean> {
  try {
    await apply(negotiation, item.feedback);
    negotiation.remember(item.id, { ok: true });
  } catch (err) {
    const { type, message } = failureOf(err);
    negotiation.remember(item.id, { ok: false, type, message });
    negotiation.log('refused', `${item.feedback.kind}: ${message}`, item.feedback.by);
    if (item.feedback.by === 'policy') {
      // The policy would answer the same again: it has nothing left to try.
      negotiation.reason = `the policy's ${item.feedback.kind} was refused: ${message}`;
      negotiation.setStatus('gave-up');
      return false;
    }
  }
  return true;
}

async function apply(negotiation: NegotiationState, f: Queued['feedback']): Promise<void> {
  const analysed = negotiation.analysed!;
  switch (f.kind) {
    case 'answerQuestions': {
      const next = await reanalyseWorkload({ analysed, answers: f.answers });
      const result = await proposeInstances({
        requirements: next.requirements,
        round: negotiation.round + 1,
        k: analysed.request.proposals,
        after: 'answerQuestions',
      });
      if (!result.ok) throw refusal(conflictMessage(result.conflict, 'the answers'), 'ConstraintsConflict', result.conflict);
      analysed.analysis = next.analysis;
      analysed.requirements = next.requirements;
      analysed.ingress = next.ingress;
      negotiation.replaceProposals(result.proposals, negotiation.round + 1);
      const answered = Object.entries(f.answers).map(([k, v]) => `${k} ${String(v)}`);
      negotiation.log(
        'answered',
        `${answered.join(', ')}; ${negotiation.proposals.length} new proposals (${next.analysis.notes.slice(0, 3).join('; ')})`,
        f.by,
      );
      return;
    }
    case 'accept': {
      const agreed = negotiation.proposals.find((p) => p.id === f.proposalId)!;
      negotiation.agreed = agreed;
      negotiation.log(
        'accepted',
        `${f.proposalId}: ${agreed.instanceType}, ${agreed.storage.kind}, ${agreed.security.level}, $${agreed.monthlyUsd}/month`,
        f.by,
      );
      return;
    }
    case 'reject': {
      const readings = logic().rejectionReadings(f, negotiation.proposals);
      const rejected = negotiation.proposals;
      const softest = readings[readings.length - 1]!;
      const cheaper = softest.find((c) => c.kind === 'maxMonthlyUsd');
      const cheapest = Math.min(...rejected.map((p) => p.monthlyUsd));
      const used = await propose(
        negotiation,
        'reject',
        readings,
        `rejecting ${rejected.map((p) => p.id).join(', ')} ${logic().describeRejection(f, softest)}${cheaper ? ` — nothing cheaper fits than the rejected ($${cheapest}/month and up)` : ''}`,
      );
      const softened =
        used !== readings[0] ? ` (nothing under the cheapest rejected, $${cheapest}/month, fits: cheaper than their average instead)` : '';
      negotiation.log('rejected', `${logic().describeRejection(f, used)}${softened}; ${negotiation.proposals.length} new proposals`, f.by);
      return;
    }
    case 'modify': {
      const original = negotiation.proposals.find((p) => p.id === f.proposalId)!;
      const revised = await reviseProposal({ proposal: original, changes: f.changes, requirements: analysed.requirements });
      negotiation.replaceProposals(
        negotiation.proposals.map((p) => (p.id === revised.id ? revised : p)),
        negotiation.round,
      );
      negotiation.log(
        'modified',
        `${f.proposalId} → ${revised.instanceType}, ${revised.storage.kind} ${revised.storage.sizeGbEach} GiB, ${revised.security.level}: $${revised.monthlyUsd}/month`,
        f.by,
      );
      return;
    }
    case 'addConstraints': {
      const described = f.constraints.map(logic().describeConstraint).join(', ');
      await propose(negotiation, 'addConstraints', [f.constraints], `adding ${described}`);
      negotiation.log('constrained', `${described}; ${negotiation.proposals.length} new proposals`, f.by);
      return;
    }
  }
}

/**
 * New proposals under the first reading of the answer that has any
 * (`readings`: constraints to add, strictest first), or a refusal naming the
 * conflict (the state stays as it was). Returns the reading used.
 */
async function propose(
  negotiation: NegotiationState,
  after: 'reject' | 'addConstraints',
  readings: UserConstraint[][],
  why: string,
): Promise<UserConstraint[]> {
  const analysed = negotiation.analysed!;
  const [requirements, ...fallbacks] = readings.map((extra) => ({
    ...analysed.requirements,
    constraints: [...analysed.requirements.constraints, ...extra],
  }));
  const result = await proposeInstances({
    requirements: requirements!,
    round: negotiation.round + 1,
    k: analysed.request.proposals,
    after,
    ...(fallbacks.length ? { fallbacks } : {}),
  });
  if (!result.ok) throw refusal(conflictMessage(result.conflict, why), 'ConstraintsConflict', result.conflict);
  const used = result.fallback === undefined ? 0 : result.fallback + 1;
  analysed.requirements = used ? fallbacks[used - 1]! : requirements!;
  negotiation.replaceProposals(result.proposals, negotiation.round + 1);
  return readings[used]!;
}

/** Visibility shows what was agreed: the Web UI's filters and memo, not the region the request started with. */
function showAgreement(agreed: Proposal): void {
  if (patched('agreement-in-visibility')) {
    upsertSearchAttributes([{ key: MosaicRegion, value: agreed.region }]);
    upsertMemo({ agreed: logic().agreementMemo(agreed) });
  }
  // A later change: histories agreed before it have no marker here and replay without this upsert.
  if (patched('agreed-type-and-cost-in-visibility')) {
    upsertSearchAttributes([
      { key: MosaicInstanceType, value: agreed.instanceType },
      { key: MosaicMonthlyUsd, value: agreed.monthlyUsd },
    ]);
  }
}

/** Agreement → provision (once) → observe the usage → evolve the persona and review the cost. */
async function provisionObserveReview(negotiation: NegotiationState): Promise<void> {
  const { negotiationId } = negotiation;
  const analysed = negotiation.analysed!;
  const { request } = analysed;
  const agreed = negotiation.agreed!;
  const provisioned = await provisionInstance({ negotiationId, provider: request.provider, proposal: agreed, ingress: analysed.ingress });
  negotiation.provisioned = provisioned;
  negotiation.log(
    'provisioned',
    `${provisioned.instance.provider} ${provisioned.instance.id} (${agreed.instanceType} in ${agreed.region})`,
  );
  await concludeNegotiation({ negotiationId, persona: analysed.persona, agreed: true, rounds: negotiation.round });
  negotiation.setStatus('observing');
  await condition(
    () => negotiation.reported !== undefined || negotiation.observationEnded !== undefined,
    request.observe.window as Duration,
  );
  if (negotiation.observationEnded)
    negotiation.log('observation ended', `before the ${request.observe.window} window`, negotiation.observationEnded.by);
  const review = await reviewInstance({
    negotiationId,
    request,
    analysis: analysed.analysis,
    agreed,
    provisioned,
    reported: negotiation.reported,
    requirements: analysed.requirements,
  });
  negotiation.review = review;
  const e = review.evolution;
  negotiation.log(
    'reviewed',
    `${e ? (e.differs ? `usage differs from the prediction; proposed persona ${e.newVersion}` : 'usage matches the prediction') : 'no usage observed'}; $${review.cost.runningUsd} so far${review.cost.recommendation ? `; right-size to ${review.cost.recommendation.instanceType} to save $${review.cost.recommendation.savingPerMonthUsd}/month` : ''}`,
  );
}

function conflictMessage(conflict: Conflict, why: string): string {
  // The three nearest in the message; all of them are in the failure's details.
  const relax = conflict.relaxations
    .slice(0, 3)
    .map((r) => `${r.suggestion} ($${r.proposal.monthlyUsd}/month)`)
    .join('; or ');
  return `no configuration satisfies ${why}: these constraints conflict: ${conflict.constraints.map((c) => `"${c.label}"`).join(' + ')}${relax ? `. Nearest relaxations: ${relax}` : ''}`;
}
