import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { PersonaStoreActivities } from '../activities/persona-store';
import type { Analysed, NegotiationActivities, ProvisionedInstance, Review } from '../activities/negotiation';
import type { ObservedUsage } from '../negotiation/evolution';
import type { Feedback } from '../negotiation/feedback';
import type { NegotiationRequestInput } from '../negotiation/request';
import type { Proposal, SolveResult } from '../negotiation/solver';
import type * as NegotiationLogic from './negotiation-logic';
import {
  acceptUpdate,
  addConstraintsUpdate,
  answerQuestionsUpdate,
  cancelUpdate,
  endObservationUpdate,
  feedbackSignal,
  modifyUpdate,
  proposalsQuery,
  rejectUpdate,
  reportUsageSignal,
  type HistoryEntry,
  type NegotiationResult,
  type NegotiationStatus,
  type NegotiationView,
  type PersonaOperation,
  type PersonaOperationKind,
  type PersonaViews,
} from '../contract/negotiate';
import { MosaicInstanceType, MosaicMonthlyUsd, MosaicRegion, MosaicState } from '../contract/search-attributes';

/**
 * Loaded on first use, not at import. The SDK evaluates the bundle's modules
 * again for every run of every workflow type on the worker, and this logic
 * builds its zod schemas and parses the instance catalog as it loads: at
 * import it cost every composition about 8 ms of CPU.
 */
let loaded: typeof NegotiationLogic | undefined;
const logic = () => (loaded ??= require('./negotiation-logic') as typeof NegotiationLogic);

type Conflict = Extract<SolveResult, { ok: false }>['conflict'];

/** Everything a run hands to the next one through continue-as-new. */
interface Carried {
  analysed: Analysed;
  round: number;
  proposals: Proposal[];
  previous?: { round: number; proposals: Proposal[] };
  history: HistoryEntry[];
  outcomes: [string, Outcome][];
  queue: Queued[];
  reminders: number;
  deadlineAt: number;
  waitingSince: number;
  policyAdded: number;
  run: number;
}

type Outcome = { ok: true } | { ok: false; type: string; message: string };
/** Answers to the analysis' questions: queued like feedback, applied in order with it. */
type AnswerQuestions = { kind: 'answerQuestions'; answers: Record<string, unknown>; by?: string };
interface Queued {
  id: string;
  feedback: Feedback | AnswerQuestions;
}

// History and idempotency records kept across runs: enough to answer duplicates and show what happened lately.
const KEEP_HISTORY = 100;
const KEEP_OUTCOMES = 200;

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

/**
 * A refusal as the caller (or the Web UI) shows it: the message and its type,
 * without the workflow's stack, which would only show source paths.
 */
function refusal(message: string, type: string, details?: unknown): ApplicationFailure {
  const failure = ApplicationFailure.create({ message, type, nonRetryable: true, details: details === undefined ? undefined : [details] });
  failure.stack = '';
  return failure;
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
  const negotiationId = workflowInfo().workflowId;
  const state = {
    status: (carried ? 'awaiting-feedback' : 'analysing') as NegotiationStatus,
    analysed: carried?.analysed,
    round: carried?.round ?? 0,
    proposals: carried?.proposals ?? [],
    previous: carried?.previous,
    history: carried?.history ?? [],
    reminders: carried?.reminders ?? 0,
    deadlineAt: carried?.deadlineAt ?? 0,
    waitingSince: carried?.waitingSince ?? Date.now(),
    policyAdded: carried?.policyAdded ?? 0,
    run: (carried?.run ?? 0) + 1,
    agreed: undefined as Proposal | undefined,
    provisioned: undefined as ProvisionedInstance | undefined,
    review: undefined as Review | undefined,
    reason: undefined as string | undefined,
  };
  const outcomes = new Map<string, Outcome>(carried?.outcomes ?? []);
  const queue: Queued[] = carried?.queue ?? [];
  let reported: ObservedUsage | undefined;
  let cancelled: { reason?: string; by?: string } | undefined;
  let observationEnded: { by?: string } | undefined;

  const log = (event: string, detail: string, by?: string) => {
    state.history.push({ round: state.round, at: new Date().toISOString(), event, by, detail });
    if (state.history.length > KEEP_HISTORY) state.history.splice(0, state.history.length - KEEP_HISTORY);
  };
  const setStatus = (status: NegotiationStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: MosaicState, value: status }]);
  };
  const view = (): NegotiationView => {
    const a = state.analysed?.analysis;
    return {
      negotiationId,
      status: state.status,
      round: state.round,
      proposals: state.proposals,
      constraints: (state.analysed?.requirements.constraints ?? []).map(logic().describeConstraint),
      analysis: a && {
        role: a.role,
        method: a.method,
        confidence: a.confidence,
        uncertain: a.uncertain,
        headroom: a.headroom,
        notes: a.notes,
        profile: a.profile,
        kind: a.kind,
        compliance: a.compliance,
        questions: a.questions,
        answers: a.answers,
        schedule: a.schedule,
      },
      history: state.history,
      ...(state.previous && { previous: state.previous }),
      reminders: state.reminders,
      deadline: new Date(state.deadlineAt).toISOString(),
      run: state.run,
      agreed: state.agreed,
      provisioned: state.provisioned,
      review: state.review,
      reason: state.reason,
    };
  };

  // ---- feedback: updates answer the caller, signals are fire-and-forget; both go through one queue in order.
  setHandler(proposalsQuery, view);
  const remember = (id: string, outcome: Outcome) => {
    outcomes.set(id, outcome);
    if (outcomes.size > KEEP_OUTCOMES) outcomes.delete(outcomes.keys().next().value!);
  };
  const checked = (kind: Feedback['kind'], payload: unknown): Feedback => {
    try {
      return logic().validateFeedback(logic().feedbackFromPayload(kind, payload), state);
    } catch (err) {
      throw refusal((err as Error).message, 'FeedbackRejected');
    }
  };
  const known = (id: string) => outcomes.has(id) || queue.some((q) => q.id === id);
  const feedbackUpdate = (kind: Feedback['kind']) => ({
    // A repeated update id is answered with the first one's outcome, not re-validated against the new state.
    validator: (arg: unknown) => {
      if (!known(currentUpdateInfo()!.id)) checked(kind, arg);
    },
    handler: async (arg: unknown): Promise<NegotiationView> => {
      const id = currentUpdateInfo()!.id;
      if (!known(id)) queue.push({ id, feedback: checked(kind, arg) });
      await condition(() => outcomes.has(id));
      const outcome = outcomes.get(id)!;
      if (!outcome.ok) throw refusal(outcome.message, outcome.type);
      return view();
    },
  });
  for (const [update, kind] of [
    [acceptUpdate, 'accept'],
    [rejectUpdate, 'reject'],
    [modifyUpdate, 'modify'],
    [addConstraintsUpdate, 'addConstraints'],
  ] as const) {
    const { validator, handler } = feedbackUpdate(kind);
    setHandler(update as never, handler as never, { validator: validator as never });
  }
  setHandler(
    answerQuestionsUpdate,
    async (arg) => {
      const id = currentUpdateInfo()!.id;
      if (!known(id)) queue.push({ id, feedback: { kind: 'answerQuestions', answers: arg.answers, by: arg.by } });
      await condition(() => outcomes.has(id));
      const outcome = outcomes.get(id)!;
      if (!outcome.ok) throw ApplicationFailure.nonRetryable(outcome.message, outcome.type);
      return view();
    },
    {
      validator: (arg) => {
        if (known(currentUpdateInfo()!.id)) return;
        if (state.status !== 'awaiting-feedback')
          throw ApplicationFailure.nonRetryable(
            `the negotiation is ${state.status}; it takes answers while it waits for feedback`,
            'FeedbackRejected',
          );
        const parsed = logic().answersSchema.safeParse(arg?.answers);
        if (!parsed.success)
          throw ApplicationFailure.nonRetryable(
            parsed.error.issues.map((i) => `answers${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; '),
            'FeedbackRejected',
          );
      },
    },
  );
  setHandler(feedbackSignal, (sent: unknown) => {
    // Whatever arrives (words, an object, or something else entirely) is read without throwing: a signal has nobody to answer.
    const { id, ...fields } = typeof sent === 'object' && sent !== null ? (sent as Record<string, unknown>) : {};
    const key = typeof id === 'string' ? id : `signal-${uuid4()}`;
    if (known(key)) return;
    try {
      const feedback =
        typeof sent === 'string' ? logic().feedbackFromText(sent) : logic().feedbackFromPayload(fields.kind as never, fields);
      queue.push({ id: key, feedback: logic().validateFeedback(feedback, state) });
    } catch (err) {
      remember(key, { ok: false, type: 'FeedbackRejected', message: (err as Error).message });
      const kind = typeof fields.kind === 'string' ? fields.kind : 'feedback';
      log('ignored', `${kind} by signal: ${(err as Error).message}`, typeof fields.by === 'string' ? fields.by : undefined);
    }
  });
  setHandler(
    cancelUpdate,
    async (arg) => {
      cancelled ??= logic().cancellationFromPayload(arg);
      await condition(() => state.status === 'cancelled');
      return view();
    },
    {
      validator: (arg) => {
        if (state.status !== 'awaiting-feedback' && state.status !== 'analysing' && state.status !== 'cancelled')
          throw refusal(
            `the negotiation is ${state.status}; only one that waits for feedback can be cancelled${state.status === 'observing' ? ' (end the observation with endObservation)' : ''}`,
            'FeedbackRejected',
          );
        try {
          logic().cancellationFromPayload(arg);
        } catch (err) {
          throw refusal((err as Error).message, 'FeedbackRejected');
        }
      },
    },
  );
  setHandler(
    endObservationUpdate,
    async (arg) => {
      observationEnded ??= { by: arg?.by };
      await condition(() => state.status === 'completed');
      return view();
    },
    {
      validator: (arg) => {
        if (state.status !== 'provisioning' && state.status !== 'observing' && state.status !== 'completed')
          throw refusal(`the negotiation is ${state.status}; only an agreed instance is observed`, 'FeedbackRejected');
        if (arg !== undefined && arg !== null && (typeof arg !== 'object' || (arg.by !== undefined && typeof arg.by !== 'string')))
          throw refusal('endObservation takes nothing, or {"by": "<who>"}', 'FeedbackRejected');
      },
    },
  );
  setHandler(reportUsageSignal, (usage) => {
    const parsed = logic().observedUsageSchema.safeParse(usage);
    if (parsed.success) reported = { ...parsed.data, source: 'reported' };
    else log('ignored', `usage report: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  });

  // ---- analyse and propose
  if (!state.analysed) {
    state.analysed = await analyseWorkload(input);
    state.deadlineAt = Date.now() + msToNumber(state.analysed.request.limits.deadline as Duration);
    state.round = 1;
    const first = await proposeInstances({ requirements: state.analysed.requirements, round: 1, k: state.analysed.request.proposals });
    if (!first.ok) {
      setStatus('failed');
      throw refusal(conflictMessage(first.conflict, 'the request'), 'ConstraintsConflict', first.conflict);
    }
    state.proposals = first.proposals;
    state.waitingSince = Date.now();
    log(
      'proposed',
      `${first.proposals.length} proposals from ${first.feasible} feasible of ${first.candidates} configurations (${state.analysed.analysis.notes.join('; ')})`,
    );
  }
  const analysed = state.analysed;
  const { request } = analysed;
  const roundTimeoutMs = msToNumber(request.limits.roundTimeout as Duration);
  setStatus('awaiting-feedback');

  /** New proposals under more constraints, or a refusal naming the conflict (the state stays as it was). */
  /** New proposals under the first reading of the answer that has any (`readings`: constraints to add, strictest first). */
  async function propose(
    after: 'reject' | 'addConstraints',
    readings: ReturnType<typeof NegotiationLogic.rejectionConstraints>[],
    why: string,
  ): Promise<ReturnType<typeof NegotiationLogic.rejectionConstraints>> {
    const [requirements, ...fallbacks] = readings.map((extra) => ({
      ...analysed.requirements,
      constraints: [...analysed.requirements.constraints, ...extra],
    }));
    const result = await proposeInstances({
      requirements: requirements!,
      round: state.round + 1,
      k: request.proposals,
      after,
      ...(fallbacks.length ? { fallbacks } : {}),
    });
    if (!result.ok) throw refusal(conflictMessage(result.conflict, why), 'ConstraintsConflict', result.conflict);
    const used = result.fallback === undefined ? 0 : result.fallback + 1;
    analysed.requirements = used ? fallbacks[used - 1]! : requirements!;
    replaceProposals(result.proposals, state.round + 1);
    return readings[used]!;
  }

  /** The round's proposals change; the ones they replace are kept for the reader's "what changed". */
  function replaceProposals(proposals: Proposal[], round: number) {
    state.previous = { round: state.round, proposals: state.proposals };
    state.round = round;
    state.proposals = proposals;
  }

  async function apply({ feedback: f }: Queued): Promise<void> {
    switch (f.kind) {
      case 'answerQuestions': {
        const next = await reanalyseWorkload({ analysed, answers: f.answers });
        const result = await proposeInstances({
          requirements: next.requirements,
          round: state.round + 1,
          k: request.proposals,
          after: 'answerQuestions',
        });
        if (!result.ok)
          throw ApplicationFailure.nonRetryable(conflictMessage(result.conflict, 'the answers'), 'ConstraintsConflict', result.conflict);
        analysed.analysis = next.analysis;
        analysed.requirements = next.requirements;
        analysed.ingress = next.ingress;
        replaceProposals(result.proposals, state.round + 1);
        const answered = Object.entries(f.answers).map(([k, v]) => `${k} ${String(v)}`);
        log(
          'answered',
          `${answered.join(', ')}; ${state.proposals.length} new proposals (${next.analysis.notes.slice(0, 3).join('; ')})`,
          f.by,
        );
        return;
      }
      case 'accept':
        state.agreed = state.proposals.find((p) => p.id === f.proposalId)!;
        log(
          'accepted',
          `${f.proposalId}: ${state.agreed.instanceType}, ${state.agreed.storage.kind}, ${state.agreed.security.level}, $${state.agreed.monthlyUsd}/month`,
          f.by,
        );
        return;
      case 'reject': {
        const readings = logic().rejectionReadings(f, state.proposals);
        const rejected = state.proposals;
        const softest = readings[readings.length - 1]!;
        const cheaper = softest.find((c) => c.kind === 'maxMonthlyUsd');
        const used = await propose(
          'reject',
          readings,
          `rejecting ${rejected.map((p) => p.id).join(', ')} ${logic().describeRejection(f, softest)}${cheaper ? ` — nothing cheaper fits than the rejected ($${Math.min(...rejected.map((p) => p.monthlyUsd))}/month and up)` : ''}`,
        );
        const softened =
          used !== readings[0]
            ? ` (nothing under the cheapest rejected, $${Math.min(...rejected.map((p) => p.monthlyUsd))}/month, fits: cheaper than their average instead)`
            : '';
        log('rejected', `${logic().describeRejection(f, used)}${softened}; ${state.proposals.length} new proposals`, f.by);
        return;
      }
      case 'modify': {
        const original = state.proposals.find((p) => p.id === f.proposalId)!;
        const revised = await reviseProposal({ proposal: original, changes: f.changes, requirements: analysed.requirements });
        replaceProposals(
          state.proposals.map((p) => (p.id === revised.id ? revised : p)),
          state.round,
        );
        log(
          'modified',
          `${f.proposalId} → ${revised.instanceType}, ${revised.storage.kind} ${revised.storage.sizeGbEach} GiB, ${revised.security.level}: $${revised.monthlyUsd}/month`,
          f.by,
        );
        return;
      }
      case 'addConstraints':
        await propose('addConstraints', [f.constraints], `adding ${f.constraints.map(logic().describeConstraint).join(', ')}`);
        log('constrained', `${f.constraints.map(logic().describeConstraint).join(', ')}; ${state.proposals.length} new proposals`, f.by);
        return;
    }
  }

  // ---- the rounds
  let roundsThisRun = 0;
  while (state.status === 'awaiting-feedback') {
    if (cancelled) {
      state.reason = `cancelled${cancelled.by ? ` by ${cancelled.by}` : ''}${cancelled.reason ? `: ${cancelled.reason}` : ''}`;
      log('cancelled', cancelled.reason ?? 'no reason given', cancelled.by);
      setStatus('cancelled');
      break;
    }
    if (state.round > request.limits.maxRounds) {
      state.reason = `no agreement within ${request.limits.maxRounds} rounds`;
      setStatus('failed');
      break;
    }
    if (request.policy && !queue.length) {
      const decision = logic().decideByPolicy(request.policy, state.proposals, state.round, state.policyAdded);
      if ('giveUp' in decision) {
        state.reason = decision.giveUp;
        setStatus('gave-up');
        break;
      }
      if (decision.feedback.kind === 'addConstraints') state.policyAdded += 1;
      queue.push({ id: `policy-${state.round}-${state.policyAdded}-${decision.feedback.kind}`, feedback: decision.feedback });
    }
    const now = Date.now();
    const wait = Math.min(state.waitingSince + roundTimeoutMs, state.deadlineAt) - now;
    const woke = queue.length > 0 || (wait > 0 && (await condition(() => queue.length > 0 || cancelled !== undefined, wait)));
    if (cancelled) continue;
    if (!woke) {
      if (Date.now() >= state.deadlineAt) {
        state.reason = `no agreement before the deadline (${request.limits.deadline} after the start)`;
        setStatus('expired');
        break;
      }
      state.reminders += 1;
      const sent = await sendReminder({
        negotiationId,
        round: state.round,
        reminder: state.reminders,
        proposals: state.proposals.map((p) => p.id),
      });
      log('reminded', `no feedback for ${request.limits.roundTimeout}${sent.sent ? '; webhook notified' : '; no webhook configured'}`);
      state.waitingSince = Date.now();
      continue;
    }
    const item = queue.shift()!;
    const roundBefore = state.round;
    try {
      await apply(item);
      remember(item.id, { ok: true });
    } catch (err) {
      const { type, message } = failureOf(err);
      remember(item.id, { ok: false, type, message });
      log('refused', `${item.feedback.kind}: ${message}`, item.feedback.by);
      if (item.feedback.by === 'policy') {
        // The policy would answer the same again: it has nothing left to try.
        state.reason = `the policy's ${item.feedback.kind} was refused: ${message}`;
        setStatus('gave-up');
        break;
      }
    }
    state.waitingSince = Date.now();
    if (state.agreed) {
      // Visibility shows what was agreed: the Web UI's filters and memo, not the region the request started with.
      if (patched('agreement-in-visibility')) {
        upsertSearchAttributes([{ key: MosaicRegion, value: state.agreed.region }]);
        upsertMemo({ agreed: logic().agreementMemo(state.agreed) });
      }
      // A later change: histories agreed before it have no marker here and replay without this upsert.
      if (patched('agreed-type-and-cost-in-visibility')) {
        upsertSearchAttributes([
          { key: MosaicInstanceType, value: state.agreed.instanceType },
          { key: MosaicMonthlyUsd, value: state.agreed.monthlyUsd },
        ]);
      }
      setStatus('provisioning');
      break;
    }
    if (state.round > roundBefore) roundsThisRun += 1;
    if (roundsThisRun >= request.limits.roundsPerRun || workflowInfo().continueAsNewSuggested) {
      // Updates in flight finish in this run; their answers are already recorded.
      await condition(allHandlersFinished);
      log('continued', `history handed to run ${state.run + 1} after ${workflowInfo().historyLength} events`);
      await continueAsNew<typeof negotiateInstance>(input, {
        analysed,
        round: state.round,
        proposals: state.proposals,
        ...(state.previous && { previous: state.previous }),
        history: state.history,
        outcomes: [...outcomes],
        queue,
        reminders: state.reminders,
        deadlineAt: state.deadlineAt,
        waitingSince: state.waitingSince,
        policyAdded: state.policyAdded,
        run: state.run,
      });
    }
  }

  if (state.status !== 'provisioning') {
    await concludeNegotiation({ negotiationId, persona: analysed.persona, agreed: false, rounds: state.round, status: state.status });
    await condition(allHandlersFinished);
    return view();
  }

  // ---- agreement → provision → observe → evolve and review cost
  const agreed = state.agreed!;
  state.provisioned = await provisionInstance({ negotiationId, provider: request.provider, proposal: agreed, ingress: analysed.ingress });
  log(
    'provisioned',
    `${state.provisioned.instance.provider} ${state.provisioned.instance.id} (${agreed.instanceType} in ${agreed.region})`,
  );
  await concludeNegotiation({ negotiationId, persona: analysed.persona, agreed: true, rounds: state.round });
  setStatus('observing');
  await condition(() => reported !== undefined || observationEnded !== undefined, request.observe.window as Duration);
  if (observationEnded) log('observation ended', `before the ${request.observe.window} window`, observationEnded.by);
  state.review = await reviewInstance({
    negotiationId,
    request,
    analysis: analysed.analysis,
    agreed,
    provisioned: state.provisioned,
    reported,
    requirements: analysed.requirements,
  });
  const e = state.review.evolution;
  log(
    'reviewed',
    `${e ? (e.differs ? `usage differs from the prediction; proposed persona ${e.newVersion}` : 'usage matches the prediction') : 'no usage observed'}; $${state.review.cost.runningUsd} so far${state.review.cost.recommendation ? `; right-size to ${state.review.cost.recommendation.instanceType} to save $${state.review.cost.recommendation.savingPerMonthUsd}/month` : ''}`,
  );
  setStatus('completed');
  await condition(allHandlersFinished);
  return view();
}

function conflictMessage(conflict: Conflict, why: string): string {
  // The three nearest in the message; all of them are in the failure's details.
  const relax = conflict.relaxations
    .slice(0, 3)
    .map((r) => `${r.suggestion} ($${r.proposal.monthlyUsd}/month)`)
    .join('; or ');
  return `no configuration satisfies ${why}: these constraints conflict: ${conflict.constraints.map((c) => `"${c.label}"`).join(' + ')}${relax ? `. Nearest relaxations: ${relax}` : ''}`;
}
