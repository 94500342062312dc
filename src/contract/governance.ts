/**
 * The governance family's contract: signed changes to policies, roles and
 * handlers, the first admin, the read-only views and policy evaluation.
 * Type-only imports from the worker side keep this module free of I/O.
 */
import type { ChangePayload, ChangeRequest, ChangeResult } from '../activities/governance';
import type { HandlerChange } from '../activities/handler-registry';
import type { GovernanceQuery, PolicyEvaluation } from '../activities/policy-store';
import type { PolicyContext } from '../pdl/types';

export type { ChangePayload, ChangeRequest, ChangeResult, GovernanceQuery, HandlerChange, PolicyEvaluation };

export interface AdminInit {
  publicKeyPem: string;
  name?: string;
}

/** The workflow types as Temporal knows them, and the signatures their implementations keep. */
export const managePolicy = 'managePolicy';
export type ManagePolicy = (change: ChangeRequest) => Promise<ChangeResult>;
export const initAdmin = 'initAdmin';
export type InitAdmin = (input: AdminInit) => Promise<{ keyId: string; created: boolean }>;
export const inspectGovernance = 'inspectGovernance';
export type InspectGovernance = (query: GovernanceQuery) => Promise<unknown>;
export const evaluatePolicies = 'evaluatePolicies';
export type EvaluatePolicies = (input: { context: PolicyContext; handler?: string }) => Promise<PolicyEvaluation>;

/** The failure types of governed changes (ApplicationFailure `type`). */
export const GovernanceFailure = {
  PermissionDenied: 'PermissionDenied',
  SignatureInvalid: 'SignatureInvalid',
  NonceReused: 'NonceReused',
  PolicyNotFound: 'PolicyNotFound',
} as const;
export type GovernanceFailure = (typeof GovernanceFailure)[keyof typeof GovernanceFailure];

export const policyKind = 'policy';
export const evaluateKind = 'evaluate';
/** MosaicState values a governed change ends in. */
export type GovernanceState = 'verifying' | 'applied' | 'denied';
