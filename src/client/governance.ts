import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { PolicyContext } from '../pdl/types';
import { createSignedRequest } from '../security/signed-request';
import {
  evaluateKind,
  evaluatePolicies,
  initAdmin,
  inspectGovernance,
  managePolicy,
  policyKind,
  SIGNED_READS,
  type ChangePayload,
  type ChangeRequest,
  type ChangeResult,
  type EvaluatePolicies,
  type GovernanceState,
  type GovernanceQuery,
  type GovernanceQueryKind,
  type GovernanceViews,
  type InitAdmin,
  type InspectGovernanceOf,
  type ManagePolicy,
  type PolicyEvaluation,
} from '../contract/governance';
import { inspectKind } from '../contract/models';
import { MosaicKind, MosaicState } from '../contract/search-attributes';
import type { MosaicClient } from './mosaic-client';
import { InputFileRefused, readBoundedFile } from './files';
import { MosaicWorkflowError, typed } from './workflow-errors';
import { readableId } from './mosaic-client';

export class KeyFileError extends Error {
  readonly type = 'KeyFileError';
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}. Create a key pair with \`mosaic keys generate --out <path>\`.`);
    this.name = 'KeyFileError';
  }
}

function readPem(file: string, kind: 'private' | 'public'): string {
  let text: string;
  try {
    // A PEM key is a few hundred bytes; 64 KiB leaves room for certificates beside it.
    text = readBoundedFile(file, 64 * 1024);
  } catch (err) {
    throw new KeyFileError(
      file,
      `cannot read the ${kind} key file (${err instanceof InputFileRefused ? err.message.slice(file.length + 2) : 'error'})`,
    );
  }
  if (!text.includes(`${kind.toUpperCase()} KEY`)) throw new KeyFileError(file, `not a PEM ${kind} key`);
  return text;
}

export const readPrivateKey = (file: string) => readPem(file, 'private');
export const readPublicKey = (file: string) => readPem(file, 'public');

/** Policy and role changes, each a signed request carried by a managePolicy workflow. */
export class GovernanceClient {
  constructor(private readonly mosaic: MosaicClient) {}

  private get workflows() {
    return this.mosaic.temporal.workflow;
  }

  /** Signs the payload with a fresh nonce and submits it. */
  async change(payload: ChangePayload, privateKeyPem: string): Promise<ChangeResult & { workflowId: string; url: string }> {
    const nonce = randomBytes(16).toString('hex');
    const request = createSignedRequest(payload.operation, payload, privateKeyPem, { now: new Date(), nonce });
    return this.submit({ request, payload });
  }

  /** Submits a request signed elsewhere (another tool, an HSM, a pipeline). */
  async submit(change: ChangeRequest, workflowId = `${change.payload.operation.replace('.', '-')}-${change.request.nonce.slice(0, 12)}`) {
    // The nonce names the run: the same signed request sent again while it runs attaches to it; once it has
    // closed, Temporal refuses a new run under its id (the worker would refuse its nonce anyway, and audit it).
    const handle = await this.workflows
      .start<ManagePolicy>(managePolicy, {
        taskQueue: this.mosaic.taskQueue,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [change],
        typedSearchAttributes: [
          { key: MosaicKind, value: policyKind },
          { key: MosaicState, value: 'verifying' satisfies GovernanceState },
        ],
      })
      .catch((err: unknown) => {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          throw new MosaicWorkflowError(
            'NonceReused',
            `this signed request (nonce ${change.request.nonce}) was submitted before as ${workflowId}; a change is applied once: sign a new request`,
            [],
            workflowId,
            { cause: err },
          );
        throw err;
      });
    return { ...(await typed(handle.result(), workflowId)), workflowId, url: this.mosaic.url(workflowId) };
  }

  /**
   * A read-only view; `timeout` bounds the wait for a worker (the run ends by itself when none answers).
   * The audit trail and the actors (SIGNED_READS) are read with `key`, a private key whose role may `audit.read`:
   * the query is signed with it; without one the worker refuses the read.
   */
  inspect<K extends GovernanceQueryKind>(
    query: GovernanceQuery<K>,
    options: { timeout?: Duration; key?: string } = {},
  ): Promise<GovernanceViews[K]> {
    const request =
      options.key !== undefined && SIGNED_READS.includes(query.kind)
        ? createSignedRequest('audit.read', { operation: 'audit.read', query }, options.key, {
            now: new Date(),
            nonce: randomBytes(16).toString('hex'),
          })
        : undefined;
    return typed(
      this.workflows.execute<InspectGovernanceOf<K>>(inspectGovernance, {
        taskQueue: this.mosaic.taskQueue,
        workflowId: readableId(`inspect-${query.kind}`),
        workflowExecutionTimeout: options.timeout,
        args: request ? [query, request] : [query],
        typedSearchAttributes: [{ key: MosaicKind, value: inspectKind }],
      }),
    );
  }

  async evaluate(context: PolicyContext, handler?: string): Promise<PolicyEvaluation> {
    return typed(
      this.workflows.execute<EvaluatePolicies>(evaluatePolicies, {
        taskQueue: this.mosaic.taskQueue,
        workflowId: readableId('evaluate'),
        args: [{ context, handler }],
        typedSearchAttributes: [{ key: MosaicKind, value: evaluateKind }],
      }),
    );
  }

  async initAdmin(publicKeyPem: string, name?: string): Promise<{ keyId: string; created: boolean }> {
    return typed(
      this.workflows.execute<InitAdmin>(initAdmin, {
        taskQueue: this.mosaic.taskQueue,
        workflowId: readableId('admin-init'),
        args: [{ publicKeyPem, name }],
        typedSearchAttributes: [{ key: MosaicKind, value: policyKind }],
      }),
    );
  }
}
