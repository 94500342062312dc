import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure, RetryState } from '@temporalio/common';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import * as client from '../../../src/client';
import { InvalidRequest } from '../../../src/composition/request';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('the client library entry (src/client/index.ts)', () => {
  it('loads no worker, activity, database or model code', () => {
    // A fresh Node process, so what Jest has loaded for other tests does not count.
    const loaded = execFileSync(
      process.execPath,
      ['--require', 'tsx/cjs', '-e', "require('./src/client'); process.stdout.write(JSON.stringify(Object.keys(require.cache)))"],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const modules = JSON.parse(loaded) as string[];
    expect(modules.some((m) => m.includes(`${path.sep}src${path.sep}client${path.sep}index.ts`))).toBe(true);
    for (const heavy of [
      '@temporalio/worker',
      'mongoose',
      '@tensorflow',
      'quickjs-emscripten',
      `src${path.sep}activities`,
      `src${path.sep}worker.ts`,
      // The CLI and the operator tools are built on the library, never under it.
      `src${path.sep}cli${path.sep}`,
      `src${path.sep}operator${path.sep}`,
      `node_modules${path.sep}commander`,
    ]) {
      expect(modules.filter((m) => m.includes(heavy))).toEqual([]);
    }
  });

  it('exports the client, the config loader and the error classes', () => {
    expect(Object.keys(client).sort()).toEqual(
      [
        'CompositionFailedError',
        'ConfigError',
        'InvalidRequestError',
        'MosaicClient',
        'MosaicWorkflowError',
        'NoEligibleHandlerError',
        'PermissionDeniedError',
        'SignatureInvalidError',
        'TemporalUnavailable',
        'loadConfig',
        'readableId',
        'registerWorkflowError',
        'typedError',
        'InvalidNegotiationError',
        'ConstraintsConflictError',
        'FeedbackRejectedError',
        'ProposalInvalidError',
        'UnknownPersonaError',
        'InvalidPersonaError',
        'PersonaRefusedError',
        'ManifestInvalidError',
        'LimitsUnsatisfiableError',
        'TemplateNotFoundError',
        'HostUnavailableError',
        'PathOutsideRootsError',
        'TemplateExistsError',
        'HostExistsError',
        'PortContestedError',
      ].sort(),
    );
  });
});

describe('typed workflow errors', () => {
  const failed = (type: string, message: string, details: unknown[] = []) =>
    new WorkflowFailedError(
      'Workflow execution failed',
      ApplicationFailure.nonRetryable(message, type, ...details),
      RetryState.NON_RETRYABLE_FAILURE,
    );

  it('turns a workflow failure into the class of its type, keeping message, details and cause', () => {
    const original = failed('CompositionFailed', 'notify@1 failed in stage notify: 400', [{ handler: 'notify@1', stage: 'notify' }]);
    const err = client.typedError(original, 'compose-x') as client.CompositionFailedError;
    expect(err).toBeInstanceOf(client.CompositionFailedError);
    expect(err).toBeInstanceOf(client.MosaicWorkflowError);
    expect(err).toMatchObject({
      type: 'CompositionFailed',
      name: 'CompositionFailedError',
      message: 'notify@1 failed in stage notify: 400',
      workflowId: 'compose-x',
    });
    expect(err.details).toEqual([{ handler: 'notify@1', stage: 'notify' }]);
    expect(err.cause).toBe(original);
  });

  it('gives a type without a class of its own the generic class with its type', () => {
    const err = client.typedError(failed('QuotaExceeded', 'account over quota'));
    expect(err).toBeInstanceOf(client.MosaicWorkflowError);
    expect(err).toMatchObject({ type: 'QuotaExceeded', name: 'MosaicWorkflowError' });
  });

  it('lets a workflow family register its own classes', () => {
    class SnapshotConflictError extends client.MosaicWorkflowError {
      static override readonly type = 'SnapshotConflict';
    }
    client.registerWorkflowError(SnapshotConflictError);
    expect(client.typedError(failed('SnapshotConflict', 'port 80 twice'))).toBeInstanceOf(SnapshotConflictError);
  });

  it('maps the client-side schema check to the same class the worker-side one gets, with the field', () => {
    const err = client.typedError(new InvalidRequest('spec.name', 'expected a lower-case name'));
    expect(err).toBeInstanceOf(client.InvalidRequestError);
    expect(err).toMatchObject({ type: 'InvalidRequest', field: 'spec.name', message: 'spec.name: expected a lower-case name' });
    expect(client.typedError(failed('InvalidRequest', 'spec.name: bad'))).toBeInstanceOf(client.InvalidRequestError);
  });

  it("gives the negotiation and persona failures their classes, from a run's end and from a refused update", () => {
    const conflict = { constraints: [{ label: 'at most $5/month' }], relaxations: [] };
    const ended = client.typedError(failed('ConstraintsConflict', 'no configuration satisfies the request', [conflict]), 'negotiate-x');
    expect(ended).toBeInstanceOf(client.ConstraintsConflictError);
    expect(ended).toMatchObject({ workflowId: 'negotiate-x', details: [conflict] });
    const refused = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.nonRetryable('proposal r9-p9 does not exist', 'FeedbackRejected'),
    );
    expect(client.typedError(refused)).toBeInstanceOf(client.FeedbackRejectedError);
    for (const [type, Class] of [
      ['ProposalInvalid', client.ProposalInvalidError],
      ['UnknownPersona', client.UnknownPersonaError],
      ['InvalidPersona', client.InvalidPersonaError],
      ['PersonaRefused', client.PersonaRefusedError],
      ['InvalidNegotiation', client.InvalidNegotiationError],
    ] as const) {
      expect(client.typedError(failed(type, 'x'))).toBeInstanceOf(Class);
    }
  });

  it('gives the snapshot failures their classes', () => {
    for (const [type, Class] of [
      ['ManifestInvalid', client.ManifestInvalidError],
      ['LimitsUnsatisfiable', client.LimitsUnsatisfiableError],
      ['TemplateNotFound', client.TemplateNotFoundError],
      ['HostUnavailable', client.HostUnavailableError],
      ['PathOutsideRoots', client.PathOutsideRootsError],
      ['TemplateExists', client.TemplateExistsError],
      ['HostExists', client.HostExistsError],
      ['PortContested', client.PortContestedError],
    ] as const) {
      expect(client.typedError(failed(type, 'x'))).toBeInstanceOf(Class);
    }
  });

  it('leaves errors that are not workflow failures alone', () => {
    const err = new Error('connection refused');
    expect(client.typedError(err)).toBe(err);
  });
});
