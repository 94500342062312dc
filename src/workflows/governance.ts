import { patched, proxyActivities, upsertSearchAttributes, type RetryPolicy } from '@temporalio/workflow';
import type { AuditReadPayload, ChangeRequest, ChangeResult, GovernanceActivities } from '../activities/governance';
import type { PolicyEvaluation, PolicyStoreActivities } from '../activities/policy-store';
import {
  KEY_ID,
  SIGNED_READS,
  type AdminInit,
  type GovernanceQuery,
  type GovernanceQueryKind,
  type GovernanceViews,
} from '../contract/governance';
import type { PolicyContext } from '../pdl/types';
import type { SignedRequest } from '../security/signed-request';
import { MosaicAccount, MosaicState } from '../contract/search-attributes';

// Denials are non-retryable failures from the activities; only storage
// trouble retries, with a bounded backoff.
const retry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 };

const { verifyChange, applyChange, recordRead } = proxyActivities<GovernanceActivities>({ startToCloseTimeout: '30 seconds', retry });
const { readGovernance, evaluatePolicyContext, bootstrapAdmin } = proxyActivities<PolicyStoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry,
});

/** A signed change to policies or roles: verified first, then written, audited either way. */
export async function managePolicy(change: ChangeRequest): Promise<ChangeResult> {
  // Read before verification, so only if it is a key id: a malformed request must fail in verifyChange as
  // InvalidChange, not stall this workflow's task on a search attribute of the wrong type or size.
  const keyId: unknown = change?.request?.keyId;
  if (typeof keyId === 'string' && KEY_ID.test(keyId)) upsertSearchAttributes([{ key: MosaicAccount, value: keyId }]);
  try {
    const actor = await verifyChange(change);
    const result = await applyChange({ payload: change.payload, actor, request: change.request });
    upsertSearchAttributes([{ key: MosaicState, value: 'applied' }]);
    return result;
  } catch (err) {
    upsertSearchAttributes([{ key: MosaicState, value: 'denied' }]);
    throw err;
  }
}

/** The first admin, from a public key given at setup. */
export async function initAdmin(input: AdminInit): Promise<{ keyId: string; created: boolean }> {
  return bootstrapAdmin(input);
}

/**
 * Read-only views for the CLI: policies, history, audit, actors. The audit
 * trail and the actors are read only by a signed request of a role with
 * `audit.read`, which signs the query itself, and each such read is audited
 * after it is served (its own entry shows in the next read, not in this one).
 * Reads begun before either replay as they ran.
 */
export async function inspectGovernance<K extends GovernanceQueryKind>(
  query: GovernanceQuery<K>,
  request?: SignedRequest,
): Promise<GovernanceViews[K]> {
  if (SIGNED_READS.includes(query?.kind) && patched('signed-audit-read')) {
    const payload = { operation: 'audit.read', query } as AuditReadPayload;
    const actor = await verifyChange({ request: request as SignedRequest, payload });
    const view = await readGovernance(query);
    if (patched('audited-audit-read')) {
      await recordRead({ actor, query: payload.query, returned: (view as unknown[]).length });
    }
    return view;
  }
  return readGovernance(query);
}

/** What the active, verified policies allow for a context, and why. */
export async function evaluatePolicies(input: { context: PolicyContext; handler?: string }): Promise<PolicyEvaluation> {
  return evaluatePolicyContext(input);
}
