/**
 * The decision model family's contract: the scheduled retrain, promote and
 * rollback, and the read-only views. Type-only imports from the worker side
 * keep this module free of I/O.
 */
import type { ModelQuery, ModelStatus, ModelSummary, TrainResult } from '../activities/learning';
import type { ReportData } from '../activities/model-report-data';
import type { PromotionDecision } from '../learning/promotion';
import type { SignedRequest } from '../security/signed-request';

export type { ModelQuery, ModelStatus, ModelSummary, ReportData };

/** The schedule that retrains by itself; its runs are the only ones that need no signed request. */
export const RETRAIN_SCHEDULE_ID = 'mosaic-retrain-policy';

/**
 * How late the schedule may take one of its own times (Temporal's catch-up
 * window, after the server was down): a calendar time taken later than this is
 * a backfill, refused unsigned. A retrain missed for longer waits for the next.
 */
export const RETRAIN_CATCHUP_MS = 5 * 60_000;

/** What an operator or admin signs to retrain by hand; the retrain is credited to the signing key. */
export interface RetrainPayload {
  operation: 'model.retrain';
  horizonDays?: number;
}

export interface RetrainInput {
  /** Who asked, as runs begun before retrains were signed said it; a signed run is credited to its key. */
  requestedBy?: string;
  horizonDays?: number;
  /** Signs `{ operation: 'model.retrain', horizonDays }`; required of every run the schedule did not start. */
  request?: SignedRequest;
}

export type RetrainResult =
  | { status: 'busy'; holder: string }
  | (Extract<TrainResult, { status: 'not-enough-data' }> & { message: string })
  | (Extract<TrainResult, { status: 'trained' }> & { decision: PromotionDecision; promoted: boolean });

export type ModelChange =
  { action: 'promote'; version: number; by: string; reason: string } | { action: 'rollback'; version?: number; by: string; reason: string };

/** What an operator or admin signs to move the serving pointer; the worker credits the change to the signing key. */
export type ModelChangePayload =
  { operation: 'model.promote'; version: number; reason: string } | { operation: 'model.rollback'; version?: number; reason: string };

export interface SignedModelChange {
  request: SignedRequest;
  payload: ModelChangePayload;
}

/** What each model query answers with. */
export interface ModelViews {
  status: ModelStatus;
  history: ModelSummary[];
  report: ReportData;
}
export type ModelView = ModelViews[keyof ModelViews];

/** The workflow types as Temporal knows them, and the signatures their implementations keep. */
export const retrainPolicy = 'retrainPolicy';
export type RetrainPolicy = (input?: RetrainInput) => Promise<RetrainResult>;
export const changePolicyModel = 'changePolicyModel';
export type ChangePolicyModel = (change: SignedModelChange) => Promise<{ version: number; name: string; previous?: number }>;
export const inspectPolicyModels = 'inspectPolicyModels';
export type InspectPolicyModels = (query: ModelQuery) => Promise<ModelView>;

export const retrainKind = 'retrain';
export const modelKind = 'model';
export const inspectKind = 'inspect';
