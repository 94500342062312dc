import { randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { consoleUrl } from '../config';
import { costSummary, type AgreedInstance, type CostSummary } from '../negotiation/cost';
import type { ObservedUsage } from '../negotiation/evolution';
import type { FeedbackInput } from '../negotiation/feedback';
import { InvalidNegotiation, parseNegotiationRequest, type NegotiationRequest, type NegotiationRequestInput } from '../negotiation/request';
import {
  answerQuestionsUpdate,
  cancelUpdate,
  endObservationUpdate,
  feedbackSignal,
  managePersonas,
  negotiateInstance,
  negotiateKind,
  personasKind,
  proposalsQuery,
  reportUsageSignal,
  acceptUpdate,
  rejectUpdate,
  modifyUpdate,
  addConstraintsUpdate,
  type ManagePersonasOf,
  type NegotiateInstance,
  type NegotiationStatus,
  type NegotiationView,
  type PersonaOperation,
  type PersonaOperationKind,
  type PersonaViews,
} from '../contract/negotiate';
import { MosaicAccount, MosaicKind, MosaicRegion, MosaicResourceType, MosaicState } from '../contract/search-attributes';
import { readableId, type MosaicClient } from './mosaic-client';
import { InvalidNegotiationError } from './negotiation-errors';
import { typed, typedError } from './workflow-errors';

/** A row of `negotiate list`: what visibility knows of a negotiation. */
export interface NegotiationSummary {
  negotiationId: string;
  workflowId: string;
  state: string;
  region?: string;
  account?: string;
  startedAt: string;
  summary?: string;
  agreed?: { proposalId: string; instanceType: string; region: string; monthlyUsd: number };
  url: string;
  consoleUrl: string;
}

/** Feedback for a negotiation that has ended, or never was: what happened instead. */
export class NegotiationClosed extends Error {
  readonly type = 'NegotiationClosed';
  constructor(workflowId: string, status: string) {
    super(`negotiation ${workflowId} has ended (${status}); it no longer takes feedback`);
    this.name = 'NegotiationClosed';
  }
}

export const negotiationWorkflowId = (id: string) => (id.startsWith('negotiate-') ? id : `negotiate-${id}`);

type Kind = FeedbackInput['kind'];

/** Each kind of feedback is its own update of the contract. */
const feedbackUpdates: Record<Kind, UpdateDefinition<NegotiationView, [unknown]>> = {
  accept: acceptUpdate,
  reject: rejectUpdate,
  modify: modifyUpdate,
  addConstraints: addConstraintsUpdate,
};

/** The request as the worker will read it, or InvalidNegotiationError naming the field. */
function parsed(input: NegotiationRequestInput): NegotiationRequest {
  try {
    return parseNegotiationRequest(input);
  } catch (err) {
    if (err instanceof InvalidNegotiation) throw new InvalidNegotiationError(err.type, err.message, [], undefined, { cause: err });
    throw err;
  }
}

/**
 * Failures arrive as classes (negotiation-errors.ts): ConstraintsConflictError,
 * FeedbackRejectedError, UnknownPersonaError…
 *
 * Negotiations as a person or an application drives them: start, read the
 * proposals, answer with updates (each carries an id: sending the same id
 * again gets the first answer, never a second effect), or signal when
 * nobody waits for the answer.
 */
export class NegotiationClient {
  constructor(private readonly mosaic: MosaicClient) {}

  /** Starts `negotiate-<negotiationId>`; starting the same id again attaches to the first run. */
  async start(input: NegotiationRequestInput): Promise<{ workflowId: string; url: string; consoleUrl: string }> {
    const request = parsed(input);
    const workflowId = negotiationWorkflowId(request.negotiationId);
    const page = consoleUrl(this.mosaic.config.console.url, workflowId);
    try {
      await this.mosaic.temporal.workflow.start<NegotiateInstance>(negotiateInstance, {
        taskQueue: this.mosaic.taskQueue,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [input],
        typedSearchAttributes: [
          { key: MosaicKind, value: negotiateKind },
          { key: MosaicResourceType, value: 'instance' },
          { key: MosaicRegion, value: request.region },
          { key: MosaicAccount, value: request.account },
          { key: MosaicState, value: 'analysing' satisfies NegotiationStatus },
        ],
        // What the Web UI shows above the history: where a person negotiates it (static: set once, at start).
        staticSummary: `Negotiation for ${request.account} — open ${page} to accept, reject, modify or add constraints`,
        staticDetails: [
          `**Negotiation console:** [${page}](${page})`,
          '',
          'Proposals side by side, the load chart and the feedback forms are there; `mosaic negotiate show` prints the same in a terminal.',
        ].join('\n'),
        memo: {
          summary: `instance for ${request.account}: ${request.workload.kind === 'text' ? request.workload.text : `${request.workload.workload.role} at ${request.workload.workload.requestsPerSecond} req/s`}`,
        },
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return { workflowId, url: this.mosaic.url(workflowId), consoleUrl: page };
  }

  private handle(id: string): WorkflowHandle<NegotiateInstance> {
    return this.mosaic.temporal.workflow.getHandle<NegotiateInstance>(negotiationWorkflowId(id));
  }

  /** Proposals, round, history: live from a running negotiation, or the result of an ended one. */
  async show(id: string): Promise<NegotiationView> {
    const handle = this.handle(id);
    const { status } = await handle.describe();
    return status.name === 'RUNNING' ? handle.query(proposalsQuery) : this.result(id);
  }

  result(id: string): Promise<NegotiationView> {
    const handle = this.handle(id);
    return typed(handle.result(), handle.workflowId);
  }

  /** Sends one kind of feedback as an update and returns the negotiation after it was applied. */
  async feedback<K extends Kind>(
    id: string,
    kind: K,
    body: Omit<Extract<FeedbackInput, { kind: K }>, 'kind'>,
    updateId: string = randomUUID(),
  ): Promise<NegotiationView> {
    return this.update(id, feedbackUpdates[kind], body, updateId);
  }

  private async update<A>(id: string, update: UpdateDefinition<NegotiationView, [A]>, body: A, updateId: string): Promise<NegotiationView> {
    const handle = this.handle(id);
    try {
      return await handle.executeUpdate(update, { args: [body], updateId });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw typedError(err, handle.workflowId);
      // An ended run answers updates with "not found" or "already completed": say what became of it.
      const described = await handle.describe().catch(() => undefined);
      if (err instanceof WorkflowNotFoundError || (described && described.status.name !== 'RUNNING')) {
        throw new NegotiationClosed(handle.workflowId, described?.status.name.toLowerCase() ?? 'not found');
      }
      throw err;
    }
  }

  /** Ends a negotiation that waits for feedback, without agreement; the same update id cancels once. */
  async cancel(id: string, body: { reason?: string; by?: string } = {}, updateId: string = randomUUID()): Promise<NegotiationView> {
    return this.update(id, cancelUpdate, body, updateId);
  }

  /** Closes the observation window of an agreed instance now; answers with the review. */
  async endObservation(id: string, body: { by?: string } = {}, updateId: string = randomUUID()): Promise<NegotiationView> {
    return this.update(id, endObservationUpdate, body, updateId);
  }

  /** Negotiations from visibility, newest first: state, region, account and, once agreed, what was agreed. */
  async list(opts: { state?: string; account?: string; limit?: number } = {}): Promise<NegotiationSummary[]> {
    const filters = [`MosaicKind = ${JSON.stringify(negotiateKind)}`];
    if (opts.state) filters.push(`MosaicState = ${JSON.stringify(opts.state)}`);
    if (opts.account) filters.push(`MosaicAccount = ${JSON.stringify(opts.account)}`);
    const rows: NegotiationSummary[] = [];
    for await (const w of this.mosaic.temporal.workflow.list({
      query: filters.join(' AND '),
      pageSize: Math.min(opts.limit ?? 50, 1000),
    })) {
      const attr = (key: typeof MosaicState) => w.typedSearchAttributes.get(key);
      const agreed = w.memo?.agreed as NegotiationSummary['agreed'];
      rows.push({
        negotiationId: w.workflowId.replace(/^negotiate-/, ''),
        workflowId: w.workflowId,
        state: attr(MosaicState) ?? w.status.name.toLowerCase(),
        region: attr(MosaicRegion),
        account: attr(MosaicAccount),
        startedAt: w.startTime.toISOString(),
        summary: typeof w.memo?.summary === 'string' ? w.memo.summary : undefined,
        ...(agreed && { agreed }),
        url: this.mosaic.url(w.workflowId),
        consoleUrl: consoleUrl(this.mosaic.config.console.url, w.workflowId),
      });
      if (rows.length >= (opts.limit ?? 50)) break;
    }
    return rows;
  }

  /**
   * Running cost of the agreed instances (of one account, or all), summed per
   * account, with each review's right-sizing. Visibility finds the agreed
   * negotiations; each one's view gives when its instance was provisioned.
   */
  async costs(opts: { account?: string; limit?: number } = {}): Promise<CostSummary> {
    const rows = (await this.list({ account: opts.account, limit: opts.limit ?? 200 })).filter((r) => r.agreed);
    const agreed: AgreedInstance[] = [];
    for (const r of rows) {
      const v = await this.show(r.workflowId);
      if (!v.agreed || !v.provisioned) continue;
      agreed.push({
        negotiationId: r.negotiationId,
        account: r.account ?? 'unknown',
        state: r.state,
        provider: v.provisioned.instance.provider,
        instanceId: v.provisioned.instance.id,
        ...(v.provisioned.replica && { replicaId: v.provisioned.replica.id }),
        instanceType: v.agreed.instanceType,
        region: v.agreed.region,
        hourlyUsd: v.agreed.hourlyUsd,
        monthlyUsd: v.agreed.monthlyUsd,
        provisionedAt: v.provisioned.provisionedAt,
        ...(v.agreed.unpriced && { unpriced: true }),
        ...(v.agreed.schedule && { schedule: v.agreed.schedule }),
        ...(v.review?.cost.recommendation && { recommendation: v.review.cost.recommendation }),
      });
    }
    return costSummary(agreed, new Date());
  }

  /**
   * Answers to the first round's questions ({ dataGib: 500, peakRate: 2000 }):
   * the workload is analysed again with them and new proposals follow.
   */
  async answerQuestions(
    id: string,
    answers: Record<string, unknown>,
    by?: string,
    updateId: string = randomUUID(),
  ): Promise<NegotiationView> {
    return this.update(id, answerQuestionsUpdate, { answers, by }, updateId);
  }

  /** Fire-and-forget feedback; the `id` makes a re-sent signal count once. */
  async signal(id: string, feedback: FeedbackInput & { id?: string }): Promise<void> {
    await this.handle(id).signal(feedbackSignal, { id: randomUUID(), ...feedback });
  }

  /** Usage an application observed on its agreed instance, for persona evolution and right-sizing. */
  async reportUsage(id: string, usage: Omit<ObservedUsage, 'source' | 'seconds'>): Promise<void> {
    await this.handle(id).signal(reportUsageSignal, usage as ObservedUsage);
  }

  /** One persona store operation through the managePersonas workflow. */
  personas<K extends PersonaOperationKind>(operation: PersonaOperation<K>): Promise<PersonaViews[K]> {
    const workflowId = readableId(`personas-${operation.kind}`);
    const run = this.mosaic.temporal.workflow.execute<ManagePersonasOf<K>>(managePersonas, {
      taskQueue: this.mosaic.taskQueue,
      workflowId,
      args: [operation],
      typedSearchAttributes: [{ key: MosaicKind, value: personasKind }],
    });
    return typed(run, workflowId);
  }
}
