import { patched, proxyActivities, upsertSearchAttributes, workflowInfo, type RetryPolicy } from '@temporalio/workflow';
import type { GovernanceActivities } from '../activities/governance';
import type { LearningActivities } from '../activities/learning';
import {
  RETRAIN_SCHEDULE_ID,
  type ModelChange,
  type ModelQuery,
  type ModelView,
  type RetrainInput,
  type RetrainResult,
  type SignedModelChange,
} from '../contract/models';
import { decidePromotion } from '../learning/promotion';
import { MosaicKind, MosaicState } from '../contract/search-attributes';

const retry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 };

const { acquireRetrainLease, releaseRetrainLease, recordPromotionDecision, activatePolicyModel, readPolicyModels } =
  proxyActivities<LearningActivities>({
    startToCloseTimeout: '1 minute',
    retry,
  });
// Denials are non-retryable failures from verifyChange, which audits them; only storage trouble retries.
const { verifyChange } = proxyActivities<GovernanceActivities>({ startToCloseTimeout: '30 seconds', retry });
// Retried within seconds: the schedule lists a run it started just after starting it.
const { verifyScheduledRun } = proxyActivities<GovernanceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
});
// Training is CPU work on up to the whole horizon: it heartbeats between pages and epochs.
const { trainPolicyCandidate } = proxyActivities<LearningActivities>({
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { ...retry, maximumAttempts: 3 },
});

/**
 * The scheduled retrain (Schedule `mosaic-retrain-policy`): train a candidate
 * on the logged outcomes, compare it with the serving model off-policy on
 * held-out decisions, and promote it only if it is better by the margin.
 * One retrain at a time, whoever started it. A retrain by hand is a signed
 * request (operator or admin), verified before anything is trained and
 * credited to its key; only the schedule's own runs go unsigned. Runs begun
 * before retrains were signed replay as they ran.
 */
export async function retrainPolicy(input: RetrainInput = {}): Promise<RetrainResult> {
  const { workflowId } = workflowInfo();
  upsertSearchAttributes([
    { key: MosaicKind, value: 'retrain' },
    { key: MosaicState, value: 'training' },
  ]);
  let requestedBy = input.requestedBy;
  if (patched('signed-retrain')) {
    try {
      requestedBy = await startedBy(input);
    } catch (err) {
      upsertSearchAttributes([{ key: MosaicState, value: 'denied' }]);
      throw err;
    }
  }
  const lease = await acquireRetrainLease({ holder: workflowId });
  if (!lease.acquired) {
    upsertSearchAttributes([{ key: MosaicState, value: 'skipped' }]);
    return { status: 'busy', holder: lease.holder };
  }
  try {
    const trained = await trainPolicyCandidate({ runId: workflowId, horizonDays: input.horizonDays });
    if (trained.status === 'not-enough-data') {
      upsertSearchAttributes([{ key: MosaicState, value: 'not-enough-data' }]);
      return {
        ...trained,
        message: `not enough data: ${trained.decisions} logged decisions in ${trained.outcomes} outcomes, ${trained.needed} needed; nothing changed`,
      };
    }
    const decision = decidePromotion(trained, trained.settings);
    await recordPromotionDecision({ version: trained.version, decision });
    if (decision.promote) {
      await activatePolicyModel({
        version: trained.version,
        by: requestedBy ?? workflowId,
        reason: decision.reason,
        action: 'promote',
      });
    }
    upsertSearchAttributes([{ key: MosaicState, value: decision.promote ? 'promoted' : 'kept' }]);
    return { ...trained, decision, promoted: decision.promote };
  } finally {
    await releaseRetrainLease({ holder: workflowId });
  }
}

/** The signing key of a retrain by hand; the schedule's own run is credited to its workflow id. */
async function startedBy({ request, horizonDays }: RetrainInput): Promise<string | undefined> {
  if (request === undefined) {
    await verifyScheduledRun({ scheduleId: RETRAIN_SCHEDULE_ID, operation: 'model.retrain' });
    return undefined;
  }
  const actor = await verifyChange({ request, payload: { operation: 'model.retrain', horizonDays } });
  return actor.keyId;
}

/**
 * `mosaic model promote|rollback`: point serving at a stored version, after
 * checking it loads. The change is a signed request, verified like a policy
 * change (key chaining to a root key, role, nonce, freshness) and credited to
 * the signing key; runs begun before signing was required carried the change
 * unsigned, and replay as they ran.
 */
export async function changePolicyModel(input: SignedModelChange): Promise<{ version: number; name: string; previous?: number }> {
  const change = patched('signed-model-change') ? await verifiedChange(input) : (input as unknown as ModelChange);
  const result = await activatePolicyModel(change);
  upsertSearchAttributes([{ key: MosaicState, value: change.action === 'promote' ? 'promoted' : 'rolled-back' }]);
  return result;
}

async function verifiedChange(input: SignedModelChange): Promise<ModelChange> {
  const actor = await verifyChange(input);
  const { payload } = input;
  return payload.operation === 'model.promote'
    ? { action: 'promote', version: payload.version, by: actor.keyId, reason: payload.reason }
    : { action: 'rollback', version: payload.version, by: actor.keyId, reason: payload.reason };
}

/** Read-only views for `mosaic model status|history|report`. */
export async function inspectPolicyModels(query: ModelQuery): Promise<ModelView> {
  return readPolicyModels(query);
}
