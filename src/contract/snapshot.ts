/**
 * The snapshot family's contract: composeSnapshot and manageSnapshotCatalog,
 * the `status` query and `cancel` signal, the status shape and the failure
 * types. Type-only imports from the worker side keep this module free of I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { MonitorReport, Provisioned, TeardownResult } from '../activities/snapshot';
import type { StartedService } from '../providers/local-workspace';
import type { ServiceHealth } from '../providers/service-health';
import type { ResolutionSummary } from '../snapshot/summary';
import type { Host, Template } from '../snapshot/template';

export type SnapshotState =
  | 'validating'
  | 'retrieving'
  | 'resolving'
  | 'provisioning'
  | 'starting'
  | 'monitoring'
  | 'running'
  /** Up, but a service is not healthy: `health` says which and why. */
  | 'degraded'
  | 'tearing-down'
  | 'cancelled'
  | 'failed';

export interface SnapshotStatus {
  state: SnapshotState;
  manifest?: { name: string; strategy: string };
  sources: { label: string; type: string; state: 'pending' | 'retrieving' | 'retrieved' | 'failed'; resources?: number; error?: string }[];
  resolution?: ResolutionSummary;
  provisioned?: Provisioned;
  services: StartedService[];
  monitor?: MonitorReport;
  /** Each service's health as last checked (after the monitor window, then whenever it changes). */
  health?: ServiceHealth[];
  teardown?: TeardownResult;
  error?: string;
}

/** What each catalog operation is asked with, besides its name. */
export interface CatalogOperations {
  'template.create': { template: unknown };
  'template.list': object;
  'template.show': { id: string };
  'host.list': object;
}
export type CatalogOperation = keyof CatalogOperations;
/** A catalog request of operation K (any of them by default); its operation picks the answer's type. */
export type CatalogRequest<K extends CatalogOperation = CatalogOperation> = {
  [P in K]: { operation: P } & CatalogOperations[P];
}[K];

/** What each catalog operation answers with; dates are ISO text, as they cross the wire. */
export interface CatalogViews {
  /** `created: false` when the same template was there already. */
  'template.create': { id: string; created: boolean };
  'template.list': { id: string; description?: string; tags: string[]; resources: number; createdAt: string }[];
  'template.show': Template & { createdAt: string };
  /** Without the signed registration: who registered a host is what a reader needs. */
  'host.list': (Host & { registeredAt: string; registeredBy?: string })[];
}

/** The workflow types as Temporal knows them, and the signatures their implementations keep. */
export const composeSnapshot = 'composeSnapshot';
export type ComposeSnapshot = (manifest: unknown) => Promise<SnapshotStatus>;
export const manageSnapshotCatalog = 'manageSnapshotCatalog';
/** Generic, so the implementation is checked to answer each operation with that operation's view. */
export type ManageSnapshotCatalog = <K extends CatalogOperation>(request: CatalogRequest<K>) => Promise<CatalogViews[K]>;
/** One operation's instance of it, for the client to start (Temporal's types take a plain function). */
export type ManageSnapshotCatalogOf<K extends CatalogOperation> = (request: CatalogRequest<K>) => Promise<CatalogViews[K]>;

export const statusQuery = defineQuery<SnapshotStatus>('status');
/** Tears down what the composition made and ends it; the reason is recorded. */
export const cancelSignal = defineSignal<[reason?: string]>('cancel');

/** The failure types of snapshot composition and its catalog (ApplicationFailure `type`). */
export const SnapshotFailure = {
  /** A step after validation failed; what was made is torn down first. `details[0].step` names the step. */
  SnapshotCompositionFailed: 'SnapshotCompositionFailed',
  ManifestInvalid: 'ManifestInvalid',
  LimitsUnsatisfiable: 'LimitsUnsatisfiable',
  TemplateNotFound: 'TemplateNotFound',
  HostUnavailable: 'HostUnavailable',
  PathOutsideRoots: 'PathOutsideRoots',
  TemplateExists: 'TemplateExists',
  PortContested: 'PortContested',
} as const;
export type SnapshotFailure = (typeof SnapshotFailure)[keyof typeof SnapshotFailure];

export const snapshotKind = 'snapshot';
export const snapshotCatalogKind = 'snapshot-catalog';
