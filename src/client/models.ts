import { ScheduleNotFoundError } from '@temporalio/client';
import type { ModelStatus, ModelSummary } from '../activities/learning';
import type { ReportData } from '../activities/model-report-data';
import type { changePolicyModel, inspectPolicyModels, ModelChange, RetrainInput, RetrainResult, retrainPolicy } from '../workflows/retrain';
import { MosaicKind, MosaicState } from '../workflows/search-attributes';
import type { MosaicClient } from './mosaic-client';
import { readableId } from './mosaic-client';
import { RETRAIN_SCHEDULE_ID } from './retrain-schedule';

/** The decision model: its versions, the retrain workflow and the schedule that runs it. */
export class ModelClient {
  constructor(private readonly mosaic: MosaicClient) {}

  private get workflows() {
    return this.mosaic.temporal.workflow;
  }

  /** Runs a retrain now; it ends as `busy` if another one holds the lease. */
  async retrain(input: RetrainInput = {}): Promise<RetrainResult & { workflowId: string; url: string }> {
    const workflowId = readableId('retrain');
    const result = await this.workflows.execute<typeof retrainPolicy>('retrainPolicy', {
      taskQueue: this.mosaic.taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: [
        { key: MosaicKind, value: 'retrain' },
        { key: MosaicState, value: 'training' },
      ],
    });
    return { ...result, workflowId, url: this.mosaic.url(workflowId) };
  }

  async change(change: ModelChange): Promise<{ version: number; name: string; previous?: number; workflowId: string; url: string }> {
    const workflowId = readableId(`model-${change.action}`);
    const result = await this.workflows.execute<typeof changePolicyModel>('changePolicyModel', {
      taskQueue: this.mosaic.taskQueue,
      workflowId,
      args: [change],
      typedSearchAttributes: [{ key: MosaicKind, value: 'model' }],
    });
    return { ...result, workflowId, url: this.mosaic.url(workflowId) };
  }

  private inspect<T>(query: Parameters<typeof inspectPolicyModels>[0]): Promise<T> {
    return this.workflows.execute<typeof inspectPolicyModels>('inspectPolicyModels', {
      taskQueue: this.mosaic.taskQueue,
      workflowId: readableId(`model-${query.kind}`),
      args: [query],
      typedSearchAttributes: [{ key: MosaicKind, value: 'inspect' }],
    }) as Promise<T>;
  }

  /** The active version, what this task queue's worker serves, and the retrain schedule. */
  async status(): Promise<ModelStatus & { schedule?: { interval: string; overlap: string; nextRun?: string; recentRuns: number } }> {
    const status = await this.inspect<ModelStatus>({ kind: 'status' });
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
