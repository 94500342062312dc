import { ApplicationFailure, condition, currentUpdateInfo, patched, setHandler, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import type { Analysed, ProvisionedInstance, Review } from '../activities/negotiation';
import type { ObservedUsage } from '../negotiation/evolution';
import type { Feedback } from '../negotiation/feedback';
import type { Proposal } from '../negotiation/solver';
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
  type NegotiationStatus,
  type NegotiationView,
} from '../contract/negotiate';
import { MosaicState } from '../contract/search-attributes';

/**
 * Loaded on first use, not at import. The SDK evaluates the bundle's modules
 * again for every run of every workflow type on the worker (a module cache
 * per workflow), and this logic builds its zod schemas and parses the
 * instance catalog as it loads: at import it cost every composition about
 * 8 ms of CPU. Making the catalog lazy where it is defined would let this be
 * a plain import.
 */
let loaded: typeof NegotiationLogic | undefined;
export const logic = () => (loaded ??= require('./negotiation-logic') as typeof NegotiationLogic);

export type Outcome = { ok: true } | { ok: false; type: string; message: string };
/** Answers to the analysis' questions: queued like feedback, applied in order with it. */
type AnswerQuestions = { kind: 'answerQuestions'; answers: Record<string, unknown>; by?: string };
export interface Queued {
  id: string;
  feedback: Feedback | AnswerQuestions;
}

/** Everything a run hands to the next one through continue-as-new. */
export interface Carried {
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

// History and idempotency records kept across runs: enough to answer duplicates and show what happened lately.
const KEEP_HISTORY = 100;
const KEEP_OUTCOMES = 200;

/**
 * A refusal as the caller (or the Web UI) shows it: the message and its type,
 * without the workflow's stack, which would only show source paths.
 */
export function refusal(message: string, type: string, details?: unknown): ApplicationFailure {
  const failure = ApplicationFailure.create({ message, type, nonRetryable: true, details: details === undefined ? undefined : [details] });
  failure.stack = '';
  return failure;
}

/**
 * One negotiation's state and its messages, as the samples' safe message
 * handlers keep them: updates answer the caller, signals are fire-and-forget,
 * and both go through one queue that the workflow's loop applies in order;
 * an update waits until its feedback is applied (or refused).
 */
export class NegotiationState {
  status: NegotiationStatus;
  analysed?: Analysed;
  round: number;
  proposals: Proposal[];
  previous?: { round: number; proposals: Proposal[] };
  readonly history: HistoryEntry[];
  reminders: number;
  deadlineAt: number;
  waitingSince: number;
  /** Constraints the application's negotiation policy added so far (it adds a bounded number). */
  policyAdded: number;
  readonly run: number;
  agreed?: Proposal;
  provisioned?: ProvisionedInstance;
  review?: Review;
  reason?: string;
  /** Feedback waiting to be applied, and the outcome of each applied or refused one by its id (duplicates get the first's). */
  readonly queue: Queued[];
  private readonly outcomes: Map<string, Outcome>;
  reported?: ObservedUsage;
  cancelled?: { reason?: string; by?: string };
  observationEnded?: { by?: string };

  constructor(
    readonly negotiationId: string,
    carried: Carried | undefined,
    now: number,
  ) {
    this.status = carried ? 'awaiting-feedback' : 'analysing';
    this.analysed = carried?.analysed;
    this.round = carried?.round ?? 0;
    this.proposals = carried?.proposals ?? [];
    this.previous = carried?.previous;
    this.history = carried?.history ?? [];
    this.reminders = carried?.reminders ?? 0;
    this.deadlineAt = carried?.deadlineAt ?? 0;
    this.waitingSince = carried?.waitingSince ?? now;
    this.policyAdded = carried?.policyAdded ?? 0;
    this.run = (carried?.run ?? 0) + 1;
    this.outcomes = new Map(carried?.outcomes ?? []);
    this.queue = carried?.queue ?? [];
  }

  log(event: string, detail: string, by?: string): void {
    this.history.push({ round: this.round, at: new Date().toISOString(), event, by, detail });
    if (this.history.length > KEEP_HISTORY) this.history.splice(0, this.history.length - KEEP_HISTORY);
  }

  setStatus(status: NegotiationStatus): void {
    this.status = status;
    upsertSearchAttributes([{ key: MosaicState, value: status }]);
  }

  /** The round's proposals change; the ones they replace are kept for the reader's "what changed". */
  replaceProposals(proposals: Proposal[], round: number): void {
    this.previous = { round: this.round, proposals: this.proposals };
    this.round = round;
    this.proposals = proposals;
  }

  remember(id: string, outcome: Outcome): void {
    this.outcomes.set(id, outcome);
    if (this.outcomes.size > KEEP_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value!);
  }

  /** What the next run starts from. */
  carried(): Carried {
    return {
      analysed: this.analysed!,
      round: this.round,
      proposals: this.proposals,
      ...(this.previous && { previous: this.previous }),
      history: this.history,
      outcomes: [...this.outcomes],
      queue: this.queue,
      reminders: this.reminders,
      deadlineAt: this.deadlineAt,
      waitingSince: this.waitingSince,
      policyAdded: this.policyAdded,
      run: this.run,
    };
  }

  view(): NegotiationView {
    const a = this.analysed?.analysis;
    return {
      negotiationId: this.negotiationId,
      status: this.status,
      round: this.round,
      proposals: this.proposals,
      constraints: (this.analysed?.requirements.constraints ?? []).map(logic().describeConstraint),
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
      history: this.history,
      ...(this.previous && { previous: this.previous }),
      reminders: this.reminders,
      deadline: new Date(this.deadlineAt).toISOString(),
      run: this.run,
      agreed: this.agreed,
      provisioned: this.provisioned,
      review: this.review,
      reason: this.reason,
    };
  }

  /** The query, the updates and the signals of contract/negotiate.ts. */
  listen(): void {
    setHandler(proposalsQuery, () => this.view());
    setHandler(acceptUpdate, ...this.feedbackUpdate('accept'));
    setHandler(rejectUpdate, ...this.feedbackUpdate('reject'));
    setHandler(modifyUpdate, ...this.feedbackUpdate('modify'));
    setHandler(addConstraintsUpdate, ...this.feedbackUpdate('addConstraints'));
    setHandler(
      answerQuestionsUpdate,
      (arg) => (this.known(currentUpdateInfo()!.id) ? this.queued() : this.queued({ kind: 'answerQuestions', ...this.answers(arg) })),
      {
        validator: (arg) => {
          if (!this.known(currentUpdateInfo()!.id)) this.answers(arg);
        },
      },
    );
    setHandler(feedbackSignal, (sent) => this.signalled(sent));
    setHandler(
      cancelUpdate,
      async (arg) => {
        this.cancelled ??= logic().cancellationFromPayload(arg);
        await condition(() => this.status === 'cancelled');
        return this.view();
      },
      { validator: (arg) => this.checkCancel(arg) },
    );
    setHandler(
      endObservationUpdate,
      async (arg) => {
        this.observationEnded ??= { by: arg?.by };
        await condition(() => this.status === 'completed');
        return this.view();
      },
      { validator: (arg) => this.checkEndObservation(arg) },
    );
    setHandler(reportUsageSignal, (usage) => {
      const parsed = logic().observedUsageSchema.safeParse(usage);
      if (parsed.success) this.reported = { ...parsed.data, source: 'reported' };
      else this.log('ignored', `usage report: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    });
  }

  private known(id: string): boolean {
    return this.outcomes.has(id) || this.queue.some((q) => q.id === id);
  }

  private checked(kind: Feedback['kind'], payload: unknown): Feedback {
    try {
      return logic().validateFeedback(logic().feedbackFromPayload(kind, payload), this);
    } catch (err) {
      throw refusal((err as Error).message, 'FeedbackRejected');
    }
  }

  /** An update's handler and validator: a repeated update id is answered with the first one's outcome, not re-validated. */
  private feedbackUpdate(kind: Feedback['kind']): [(arg: unknown) => Promise<NegotiationView>, { validator: (arg: unknown) => void }] {
    return [
      (arg) => (this.known(currentUpdateInfo()!.id) ? this.queued() : this.queued(this.checked(kind, arg))),
      {
        validator: (arg) => {
          if (!this.known(currentUpdateInfo()!.id)) this.checked(kind, arg);
        },
      },
    ];
  }

  /** Queues the update's feedback (unless its id is known) and answers once the loop has applied or refused it. */
  private async queued(feedback?: Queued['feedback']): Promise<NegotiationView> {
    const id = currentUpdateInfo()!.id;
    if (feedback && !this.known(id)) this.queue.push({ id, feedback });
    await condition(() => this.outcomes.has(id));
    const outcome = this.outcomes.get(id)!;
    if (!outcome.ok) throw refusal(outcome.message, outcome.type);
    return this.view();
  }

  /** Whatever a signal carries (words, an object, or something else entirely) is read without throwing: a signal has nobody to answer. */
  private signalled(sent: unknown): void {
    const fields = typeof sent === 'object' && sent !== null ? (sent as Record<string, unknown>) : {};
    const key = typeof fields.id === 'string' ? fields.id : `signal-${uuid4()}`;
    if (this.known(key)) return;
    try {
      // Before this patch an answer by signal was ignored as unreadable feedback; runs recorded then replay that way.
      const answered = patched('answers-by-signal') ? logic().answersFromSignal(sent) : undefined;
      if (answered) this.checkAnswers(answered.answers);
      this.queue.push({
        id: key,
        feedback: answered ? { kind: 'answerQuestions', ...answered } : logic().validateFeedback(logic().feedbackFromSignal(sent), this),
      });
    } catch (err) {
      this.remember(key, { ok: false, type: 'FeedbackRejected', message: (err as Error).message });
      const kind = typeof fields.kind === 'string' ? fields.kind : 'feedback';
      this.log('ignored', `${kind} by signal: ${(err as Error).message}`, typeof fields.by === 'string' ? fields.by : undefined);
    }
  }

  /** The answers an update carries, checked against the questions; a refusal names the field and the forms answers take. */
  private answers(arg: unknown): { answers: Record<string, unknown>; by?: string } {
    let read: { answers: Record<string, unknown>; by?: string };
    try {
      read = logic().answersFromPayload(arg);
    } catch (err) {
      throw refusal((err as Error).message, 'FeedbackRejected');
    }
    this.checkAnswers(read.answers);
    return read;
  }

  private checkAnswers(answers: unknown): void {
    if (this.status !== 'awaiting-feedback')
      throw refusal(`the negotiation is ${this.status}; it takes answers while it waits for feedback`, 'FeedbackRejected');
    const parsed = logic().answersSchema.safeParse(answers);
    if (!parsed.success)
      throw refusal(
        parsed.error.issues.map((i) => `answers${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; '),
        'FeedbackRejected',
      );
  }

  private checkCancel(arg: unknown): void {
    if (this.status !== 'awaiting-feedback' && this.status !== 'analysing' && this.status !== 'cancelled')
      throw refusal(
        `the negotiation is ${this.status}; only one that waits for feedback can be cancelled${this.status === 'observing' ? ' (end the observation with endObservation)' : ''}`,
        'FeedbackRejected',
      );
    try {
      logic().cancellationFromPayload(arg);
    } catch (err) {
      throw refusal((err as Error).message, 'FeedbackRejected');
    }
  }

  private checkEndObservation(arg: { by?: unknown } | undefined | null): void {
    if (this.status !== 'provisioning' && this.status !== 'observing' && this.status !== 'completed')
      throw refusal(`the negotiation is ${this.status}; only an agreed instance is observed`, 'FeedbackRejected');
    if (arg !== undefined && arg !== null && (typeof arg !== 'object' || (arg.by !== undefined && typeof arg.by !== 'string')))
      throw refusal('endObservation takes nothing, or {"by": "<who>"}', 'FeedbackRejected');
  }
}
