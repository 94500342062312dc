/**
 * The compose family's contract, shared by the workflow and the client: the
 * workflow's name and signature, its query, its result and progress shapes,
 * the failure types it ends with and the search attribute values it sets.
 * Type-only imports from the worker side keep this module free of I/O.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CompositionPlan } from '../composition/planner';
import type { CompositionRequestInput } from '../composition/request';
import type { ResourceRef } from '../providers/provider';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'compensated' | 'skipped';

export interface CompositionProgress {
  state: 'planning' | 'running' | 'compensating' | 'succeeded' | 'failed';
  plan?: CompositionPlan;
  steps: {
    stage: string;
    ref: string;
    status: StepStatus;
    latencyMs?: number;
    cpuMs?: number;
    memoryMb?: number;
    /** What the step's resource costs (USD, its first month): the objective's costUsd. */
    costUsd?: number;
    error?: string;
  }[];
}

export interface CompositionResult {
  workflowId: string;
  policy: string;
  outputs: Record<string, string>;
  resources: ResourceRef[];
  steps: CompositionProgress['steps'];
}

/** The workflow type as Temporal knows it, and the signature its implementation must keep. */
export const composeResource = 'composeResource';
export type ComposeResource = (input: CompositionRequestInput) => Promise<CompositionResult>;

export const planQuery = defineQuery<CompositionProgress>('plan');

/** The failure types a composition ends with (ApplicationFailure `type`). */
export const ComposeFailure = {
  InvalidRequest: 'InvalidRequest',
  NoEligibleHandler: 'NoEligibleHandler',
  CompositionFailed: 'CompositionFailed',
} as const;
export type ComposeFailure = (typeof ComposeFailure)[keyof typeof ComposeFailure];

export const composeKind = 'compose';
export type ComposeState = CompositionProgress['state'];
