import mongoose, { type Connection } from 'mongoose';
import {
  CompositionFailedError,
  InvalidRequestError,
  MosaicWorkflowError,
  NoEligibleHandlerError,
  PermissionDeniedError,
} from '../../src/client';
import { handlerModel } from '../../src/models/handler';
import { generateKeyPair } from '../../src/security/keys';
import { bucketRequest, startComposingWorker } from '../harness/composing-worker';
import type { TestWorker } from '../harness/worker';

// What a service importing the client library sees when a workflow fails: a class to catch.
describe('the typed client against real workflows', () => {
  let w: TestWorker;
  let db: Connection;

  beforeAll(async () => {
    w = await startComposingWorker();
    db = await mongoose.createConnection(w.config.mongodb.uri).asPromise();
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
  });

  it('throws InvalidRequestError naming the field before anything starts', async () => {
    const err = await w.client.compose(bucketRequest({ spec: { name: 'Not_A_Name' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ type: 'InvalidRequest', field: 'spec.name' });
  });

  it('throws NoEligibleHandlerError from the workflow when the registry leaves a stage empty', async () => {
    await handlerModel(db).updateOne({ ref: 'provision-bucket@1' }, { $set: { status: 'retired' } });
    try {
      const handle = await w.client.compose(bucketRequest());
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoEligibleHandlerError);
      expect(err).toBeInstanceOf(MosaicWorkflowError);
      expect(err).not.toBeInstanceOf(CompositionFailedError);
      expect(err).toMatchObject({ type: 'NoEligibleHandler', workflowId: handle.workflowId });
      expect((err as Error).message).toContain('no eligible handler for stage provision');
      // And a person finds it with the README's kind of visibility query.
      const query = 'MosaicKind = "compose" AND MosaicState = "failed" AND MosaicResourceType = "bucket" AND MosaicRegion = "eu-west-1"';
      const found = async () => {
        for await (const wf of w.client.temporal.workflow.list({ query })) if (wf.workflowId === handle.workflowId) return true;
        return false;
      };
      const deadline = Date.now() + 15_000;
      while (!(await found())) {
        if (Date.now() > deadline) throw new Error(`${handle.workflowId} not found by ${query}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await handlerModel(db).updateOne({ ref: 'provision-bucket@1' }, { $set: { status: 'active' } });
    }
  });

  it('throws the generic MosaicWorkflowError with its type for a failure without a class of its own', async () => {
    const viewer = generateKeyPair();
    const err = await w.client.governance
      .change({ operation: 'policy.activate', name: 'default-composition', version: 1 }, viewer.privateKeyPem)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MosaicWorkflowError);
    // A key nobody granted a role: refused as UnknownActor, before any role is looked at.
    expect((err as MosaicWorkflowError).type).toBe('UnknownActor');
    expect(err).not.toBeInstanceOf(PermissionDeniedError);
  });
});
