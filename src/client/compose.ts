import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type WorkflowHandle,
} from '@temporalio/client';
import { parseCompositionRequest, type CompositionRequestInput } from '../composition/request';
import {
  composeKind,
  composeResource,
  planQuery,
  type ComposeResource,
  type ComposeState,
  type CompositionProgress,
} from '../contract/compose';
import { MosaicAccount, MosaicKind, MosaicRegion, MosaicResourceType, MosaicState } from '../contract/search-attributes';
import type { MosaicClient } from './mosaic-client';
import { typed, typedError } from './workflow-errors';

export type CompositionHandle = WorkflowHandle<ComposeResource> & {
  url: string;
  progress(): Promise<CompositionProgress>;
};

/**
 * Starts composeResource as `compose-<requestId>`: starting the same request
 * twice attaches to the first run instead of provisioning twice. The request
 * is validated here with the worker's schema, so a typo fails before it
 * reaches Temporal.
 */
export async function startComposition(mosaic: MosaicClient, input: CompositionRequestInput): Promise<CompositionHandle> {
  let request;
  try {
    request = parseCompositionRequest(input);
  } catch (err) {
    throw typedError(err);
  }
  const workflowId = `compose-${request.requestId}`;
  const options = {
    taskQueue: mosaic.taskQueue,
    workflowId,
    // Running: attach to it. Finished: never run again; hand back the first run.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [input] as [CompositionRequestInput],
    typedSearchAttributes: [
      { key: MosaicKind, value: composeKind },
      { key: MosaicResourceType, value: request.resourceType },
      { key: MosaicRegion, value: request.region },
      { key: MosaicAccount, value: request.account },
      { key: MosaicState, value: 'running' satisfies ComposeState },
    ],
    memo: { summary: `${request.resourceType} ${String(request.spec.name)} for ${request.account} in ${request.region}` },
  };
  let handle: WorkflowHandle<ComposeResource>;
  try {
    handle = await mosaic.temporal.workflow.start<ComposeResource>(composeResource, options);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = mosaic.temporal.workflow.getHandle<ComposeResource>(workflowId);
  }
  const result = handle.result.bind(handle);
  return Object.assign(handle, {
    // A failure arrives as its class (InvalidRequestError, NoEligibleHandlerError, …), see workflow-errors.ts.
    result: () => typed(result(), workflowId),
    url: mosaic.url(workflowId),
    progress: () => handle.query(planQuery),
  });
}
