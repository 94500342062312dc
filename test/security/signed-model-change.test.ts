import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { changePolicyModel, type ChangePolicyModel } from '../../src/contract/models';
import { readableId } from '../../src/client/mosaic-client';
import { auditModel } from '../../src/models/audit';
import { generateKeyPair } from '../../src/security/keys';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

// Moving the serving model is a governed change: someone who can reach Temporal
// but holds no operator or admin key chaining to a root key moves nothing.
describe('model promote and rollback need a signed request from a role that may', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const viewer = generateKeyPair();
  const mallory = generateKeyPair();
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/model_change_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
    await w.client.governance.change({ operation: 'role.grant', publicKeyPem: viewer.publicKeyPem, role: 'viewer' }, admin.privateKeyPem);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
  });

  const pointer = () => db.collection('policy_model_pointer').find().toArray();
  const denials = (operation: string) => auditModel(db).find({ operation, result: 'denied' }).lean();

  it('refuses an unsigned promote started straight on Temporal, naming the fix, and changes nothing', async () => {
    const failure = await failureOf(
      w.client.temporal.workflow.execute<ChangePolicyModel>(changePolicyModel, {
        taskQueue: w.taskQueue,
        workflowId: readableId('unsigned-promote'),
        // The shape the workflow took before changes were signed: a name the client chose, no signature.
        args: [{ action: 'promote', version: 1, by: 'admin', reason: 'trust me' } as unknown as Parameters<ChangePolicyModel>[0]],
      }),
    );
    expect(failure.type).toBe('InvalidChange');
    expect(failure.message).toMatch(/request: missing: .*signed.*--key <file>/);
    expect(await pointer()).toEqual([]);
    expect(await denials('invalid')).toEqual([expect.objectContaining({ type: 'InvalidChange', actor: 'invalid' })]);
  });

  it('refuses a promote signed by a viewer, or by a key only a planted actor row vouches for', async () => {
    const byViewer = await failureOf(
      w.client.models.change({ operation: 'model.promote', version: 1, reason: 'mine' }, viewer.privateKeyPem),
    );
    expect(byViewer).toMatchObject({ type: 'PermissionDenied', message: expect.stringMatching(/role viewer may not model.promote/) });

    await db.collection('actors').insertOne({
      keyId: mallory.keyId,
      publicKeyPem: mallory.publicKeyPem,
      role: 'operator',
      grantedBy: admin.keyId,
      grantedAt: new Date(),
    });
    const byPlanted = await failureOf(w.client.models.change({ operation: 'model.rollback', reason: 'mine' }, mallory.privateKeyPem));
    expect(byPlanted.type).toBe('UnknownActor');
    expect(await pointer()).toEqual([]);
    expect((await denials('model.promote')).map((d) => d.actor)).toEqual([viewer.keyId]);
    expect((await denials('model.rollback')).map((d) => d.actor)).toEqual([mallory.keyId]);
  });

  it("passes an admin's signed promote on to the model store, which still checks the version", async () => {
    const failure = await failureOf(
      w.client.models.change({ operation: 'model.promote', version: 7, reason: 'by hand' }, admin.privateKeyPem),
    );
    expect(failure).toMatchObject({ type: 'ModelRefused', message: expect.stringMatching(/model version 7 does not exist/) });
  });

  it('refuses a model change sent as a policy change: only the model workflow loads and checks a version', async () => {
    const failure = await failureOf(
      w.client.governance.change({ operation: 'model.promote', version: 1, reason: 'sideways' }, admin.privateKeyPem),
    );
    expect(failure.type).toBe('WrongChannel');
    expect(await pointer()).toEqual([]);
  });
});
