/**
 * The governance family's contract: signed changes to policies, roles and
 * handlers, the first admin, the read-only views and policy evaluation.
 * Type-only imports from the worker side keep this module free of I/O.
 */
import type { ChangePayload, ChangeRequest, ChangeResult } from '../activities/governance';
import type { GovernedChange } from '../activities/governed-store';
import type { HandlerChange } from '../activities/handler-registry';
import type { PolicyEvaluation } from '../activities/policy-store';
import type { StoredHandler } from '../models/handler';
import type { PolicyContext } from '../pdl/types';
import type { Role } from '../security/roles';
import type { SignedRequest } from '../security/signed-request';
import type { GovernedKind, Registration } from '../security/governed';

export type { ChangePayload, ChangeRequest, ChangeResult, GovernedChange, HandlerChange, PolicyEvaluation };

/** What each read-only view is asked with, besides its kind. */
export interface GovernanceQueries {
  policies: object;
  policy: { name: string; version?: number };
  history: { name: string };
  audit: { limit?: number; actor?: string; operation?: string };
  actors: object;
  signers: object;
  handlers: { resourceType?: string };
  handler: { ref: string };
  governed: { type: GovernedKind };
  'governed-object': { type: GovernedKind; ref: string };
}
export type GovernanceQueryKind = keyof GovernanceQueries;
/**
 * A query of kind K (the union of all of them by default). Written as a map
 * indexed by K so a caller's `kind` picks the view it gets back, with no cast
 * on either side.
 */
export type GovernanceQuery<K extends GovernanceQueryKind = GovernanceQueryKind> = {
  [P in K]: { kind: P } & GovernanceQueries[P];
}[K];

/** A handler version's figures from its call counters; cpu and memory only once it has been called. */
export interface HandlerFigures {
  calls: number;
  errorRate: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  cpuMs?: number;
  memoryMb?: number;
}

/** What each read-only view answers with; dates are ISO text, as they cross the wire. */
export interface GovernanceViews {
  policies: { name: string; activeVersion: number; versions: number; activatedBy: string; activatedAt: string }[];
  policy: { name: string; version: number; source: string; signedBy: string; appliedBy: string; appliedAt: string };
  history: {
    version: number;
    active: boolean;
    retired: boolean;
    signedBy: string;
    appliedBy: string;
    appliedAt: string;
    /** Its first 12 characters: enough to tell versions apart in a table. */
    contentHash: string;
  }[];
  audit: {
    at: string;
    actor: string;
    operation: string;
    target: string;
    result: 'allowed' | 'denied';
    reason: string;
    workflowId?: string;
  }[];
  /** `trusted`: whether the row chains to a root key ('root' is one); a planted or edited row shows 'no' and is not believed. */
  actors: { keyId: string; role: Role; name?: string; grantedBy: string; grantedAt: string; trusted: 'root' | 'chain' | 'no' }[];
  signers: { keyId: string; publicKeyPem: string }[];
  handlers: ({
    ref: string;
    status: StoredHandler['status'];
    resourceTypes: string[];
    provides: string[];
    requires: string[];
    undo: boolean;
  } & HandlerFigures)[];
  handler: Omit<StoredHandler, 'registeredAt'> & { registeredAt: string; metrics?: HandlerFigures };
  /** The spec's fields beside the registration's. */
  governed: ({ ref: string; registeredBy: string; registeredAt: string } & Record<string, unknown>)[];
  'governed-object': {
    ref: string;
    kind: GovernedKind;
    spec: Record<string, unknown>;
    registeredBy: string;
    registeredAt: string;
    registration: Registration['request'];
  };
}

export interface AdminInit {
  publicKeyPem: string;
  name?: string;
}

/** The workflow types as Temporal knows them, and the signatures their implementations keep. */
/**
 * The shape of a key id (`keyIdOf` in security/keys.ts). managePolicy names the signer in a search attribute before
 * the request is verified, so only a value of this shape goes there: a hostile one (100,000 characters, past the
 * server's 2,048-byte keyword limit) would fail the workflow task instead of being denied by verification.
 */
export const KEY_ID = /^ed25519:[A-Za-z0-9_-]{22}$/;

export const managePolicy = 'managePolicy';
export type ManagePolicy = (change: ChangeRequest) => Promise<ChangeResult>;
export const initAdmin = 'initAdmin';
export type InitAdmin = (input: AdminInit) => Promise<{ keyId: string; created: boolean }>;
export const inspectGovernance = 'inspectGovernance';
/** Generic, so the implementation is checked to answer each kind with that kind's view. */
export type InspectGovernance = <K extends GovernanceQueryKind>(
  query: GovernanceQuery<K>,
  request?: SignedRequest,
) => Promise<GovernanceViews[K]>;
/** One kind's instance of it, for the client to start (Temporal's types take a plain function). */
export type InspectGovernanceOf<K extends GovernanceQueryKind> = (
  query: GovernanceQuery<K>,
  request?: SignedRequest,
) => Promise<GovernanceViews[K]>;
/** The views only a signed read (`audit.read`) may see. */
export const SIGNED_READS: readonly GovernanceQueryKind[] = ['audit', 'actors'];
export const evaluatePolicies = 'evaluatePolicies';
export type EvaluatePolicies = (input: { context: PolicyContext; handler?: string }) => Promise<PolicyEvaluation>;

/** The failure types of governed changes (ApplicationFailure `type`). */
export const GovernanceFailure = {
  PermissionDenied: 'PermissionDenied',
  SignatureInvalid: 'SignatureInvalid',
  NonceReused: 'NonceReused',
  PolicyNotFound: 'PolicyNotFound',
  // Governed commands, files and hosts: a reference nobody registered, a row not what was signed, a registration refused.
  NotRegistered: 'NotRegistered',
  RegistrationTampered: 'RegistrationTampered',
  InvalidRegistration: 'InvalidRegistration',
  RegistrationExists: 'RegistrationExists',
  HostExists: 'HostExists',
} as const;
export type GovernanceFailure = (typeof GovernanceFailure)[keyof typeof GovernanceFailure];

export const policyKind = 'policy';
export const evaluateKind = 'evaluate';
/** MosaicState values a governed change ends in. */
export type GovernanceState = 'verifying' | 'applied' | 'denied';
