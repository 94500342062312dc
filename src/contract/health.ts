/**
 * The health family's contract: the end-to-end check `mosaic doctor` runs.
 * Type-only imports from the worker side keep this module free of I/O.
 */
import type { RuntimeDescription, StorageProbe } from '../activities/health';

export interface HealthReport {
  workflowId: string;
  storage: StorageProbe;
  runtime: RuntimeDescription;
}

/** The workflow type as Temporal knows it, and the signature its implementation keeps. */
export const healthCheck = 'healthCheck';
export type HealthCheck = () => Promise<HealthReport>;

export const healthKind = 'health';
/** MosaicState values a health check ends in. */
export type HealthState = 'passed' | 'failed';
