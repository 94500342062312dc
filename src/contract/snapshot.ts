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

export type CatalogRequest =
  | { operation: 'template.create'; template: unknown }
  | { operation: 'template.list' }
  | { operation: 'template.show'; id: string }
  | { operation: 'host.register'; host: unknown; /** Replace a registered host of that name with other content. */ replace?: boolean }
  | { operation: 'host.list' };

/** The workflow types as Temporal knows them, and the signatures their implementations keep. */
export const composeSnapshot = 'composeSnapshot';
export type ComposeSnapshot = (manifest: unknown) => Promise<SnapshotStatus>;
export const manageSnapshotCatalog = 'manageSnapshotCatalog';
export type ManageSnapshotCatalog = (request: CatalogRequest) => Promise<unknown>;

export const statusQuery = defineQuery<SnapshotStatus>('status');
/** Tears down what the composition made and ends it; the reason is recorded. */
export const cancelSignal = defineSignal<[reason?: string]>('cancel');

/** The failure types of snapshot composition and its catalog (ApplicationFailure `type`). */
export const SnapshotFailure = {
  ManifestInvalid: 'ManifestInvalid',
  LimitsUnsatisfiable: 'LimitsUnsatisfiable',
  TemplateNotFound: 'TemplateNotFound',
  HostUnavailable: 'HostUnavailable',
  PathOutsideRoots: 'PathOutsideRoots',
  TemplateExists: 'TemplateExists',
  HostExists: 'HostExists',
  PortContested: 'PortContested',
} as const;
export type SnapshotFailure = (typeof SnapshotFailure)[keyof typeof SnapshotFailure];

export const snapshotKind = 'snapshot';
export const snapshotCatalogKind = 'snapshot-catalog';
