import { randomBytes } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import {
  changePolicyModel,
  inspectKind,
  inspectPolicyModels,
  modelKind,
  retrainKind,
  retrainPolicy,
  type ChangePolicyModel,
  type InspectPolicyModels,
  type ModelChangePayload,
  type ModelQuery,
  type ModelSummary,
  type ModelStatus,
  type ModelViews,
  type ReportData,
  type RetrainInput,
  type RetrainPayload,
  type RetrainPolicy,
  type RetrainResult,
} from '../contract/models';
import { MosaicKind, MosaicState } from '../contract/search-attributes';
import { createSignedRequest } from '../security/signed-request';
import type { MosaicClient } from './mosaic-client';
import { readableId } from './mosaic-client';
import { RETRAIN_SCHEDULE_ID } from './retrain-schedule';

/** The decision model: its versions, the retrain workflow and the schedule that runs it. */
export class ModelClient {
  constructor(private readonly mosaic: MosaicClient) {}

  private get workflows() {
    return this.mosaic.temporal.workflow;
  }

  /**
   * Runs a retrain now, signed with the operator's or admin's key and credited to it; it ends as `busy` if
   * another one holds the lease. The worker refuses it unsigned or from any other role, before training.
   */
  async retrain(
    { horizonDays }: Pick<RetrainInput, 'horizonDays'>,
    privateKeyPem: string,
  ): Promise<RetrainResult & { workflowId: string; url: string }> {
    const payload: RetrainPayload = { operation: 'model.retrain', horizonDays };
    const request = createSignedRequest(payload.operation, payload, privateKeyPem, {
      now: new Date(),
      nonce: randomBytes(16).toString('hex'),
    });
    const workflowId = readableId('retrain');
    const result = await this.workflows.execute<RetrainPolicy>(retrainPolicy, {
      taskQueue: this.mosaic.taskQueue,
      workflowId,
      args: [{ horizonDays, request }],
      typedSearchAttributes: [
        { key: MosaicKind, value: retrainKind },
        { key: MosaicState, value: 'training' },
      ],
    });
    return { ...result, workflowId, url: this.mosaic.url(workflowId) };
  }

  /** Signs the change with the operator's or admin's key and runs it; the worker refuses it unsigned or from any other role. */
  async change(
    payload: ModelChangePayload,
    privateKeyPem: string,
  ): Promise<{ version: number; name: string; previous?: number; workflowId: string; url: string }> {
    const request = createSignedRequest(payload.operation, payload, privateKeyPem, {
      now: new Date(),
      nonce: randomBytes(16).toString('hex'),
    });
    const workflowId = readableId(payload.operation.replace('.', '-'));
    const result = await this.workflows.execute<ChangePolicyModel>(changePolicyModel, {
      taskQueue: this.mosaic.taskQueue,
      workflowId,
      args: [{ request, payload }],
      typedSearchAttributes: [{ key: MosaicKind, value: modelKind }],
    });
    return { ...result, workflowId, url: this.mosaic.url(workflowId) };
  }

  /** Each query kind answers with its own view (ModelViews); the workflow's result is their union. */
  private inspect<K extends ModelQuery['kind']>(
    query: Extract<ModelQuery, { kind: K }>,
    options: { timeout?: Duration } = {},
  ): Promise<ModelViews[K]> {
    return this.workflows.execute<InspectPolicyModels>(inspectPolicyModels, {
      taskQueue: this.mosaic.taskQueue,
      workflowId: readableId(`model-${query.kind}`),
      workflowExecutionTimeout: options.timeout,
      args: [query],
      typedSearchAttributes: [{ key: MosaicKind, value: inspectKind }],
    }) as Promise<ModelViews[K]>;
  }

  /** The active version, what this task queue's worker serves, and the retrain schedule. */
  /** `timeout` bounds the wait for a worker to answer (the read ends by itself when none does). */
  async status(
    options: { timeout?: Duration } = {},
  ): Promise<ModelStatus & { schedule?: { interval: string; overlap: string; nextRun?: string; recentRuns: number } }> {
    const status = await this.inspect({ kind: 'status' }, options);
    try {
      const d = await this.mosaic.temporal.schedule.getHandle(RETRAIN_SCHEDULE_ID).describe();
      const every = d.spec.intervals?.[0]?.every;
      return {
        ...status,
        schedule: {
          interval: every === undefined ? 'unknown' : `${Number(every) / 60_000}m`,
          overlap: String(d.policies.overlap),
          nextRun: d.info.nextActionTimes[0]?.toISOString(),
          recentRuns: d.info.recentActions.length,
        },
      };
    } catch (err) {
      // No worker has started yet to create it: the status says so by its absence.
      if (err instanceof ScheduleNotFoundError) return status;
      throw err;
    }
  }

  history(): Promise<ModelSummary[]> {
    return this.inspect({ kind: 'history' });
  }

  reportData(outcomes?: number): Promise<ReportData> {
    return this.inspect({ kind: 'report', outcomes });
  }
}
