import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { ChangeRequest } from '../../src/activities/governance';
import { actorModel } from '../../src/models/actor';
import { auditModel } from '../../src/models/audit';
import { nonceModel } from '../../src/models/nonce';
import { generateKeyPair } from '../../src/security/keys';
import { createSignedRequest } from '../../src/security/signed-request';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

// An attacker who can read workflow history (every signed change sits in its
// input) captures the admin's grant of a role and, after the admin has
// downgraded that key, sends the captured request again: under its original
// workflow id (with an id-reuse policy of their own choosing), under fresh
// ids, and concurrently. Each attempt is refused as NonceReused, the role
// stays downgraded, and every attempt has its own audit entry.
describe('replayed signed changes', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const bob = generateKeyPair();
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/replay_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
  });

  const roleOf = async (keyId: string) => (await actorModel(db).findOne({ keyId }).lean())?.role;
  const auditOf = (nonceWorkflows: string[]) =>
    auditModel(db)
      .find({ workflowId: { $in: nonceWorkflows } })
      .sort({ at: 1 })
      .lean();
  /** Starts managePolicy straight through Temporal, as an attacker's own client would. */
  const startRaw = (change: ChangeRequest, workflowId: string) =>
    w.client.temporal.workflow.start('managePolicy', {
      taskQueue: w.taskQueue,
      workflowId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      args: [change],
    });

  it('a role grant replayed after a downgrade is refused every way it is sent, and each attempt is audited', async () => {
    const grant = { operation: 'role.grant' as const, publicKeyPem: bob.publicKeyPem, role: 'admin' as const, name: 'bob' };
    const captured: ChangeRequest = {
      request: createSignedRequest('role.grant', grant, admin.privateKeyPem, { now: new Date(), nonce: randomUUID() }),
      payload: grant,
    };
    const first = await w.client.governance.submit(captured);
    expect(await roleOf(bob.keyId)).toBe('admin');
    await w.client.governance.change(
      { operation: 'role.grant', publicKeyPem: bob.publicKeyPem, role: 'viewer', name: 'bob' },
      admin.privateKeyPem,
    );
    expect(await roleOf(bob.keyId)).toBe('viewer');

    // 1. Through Mosaic's client, under the default workflow id: Temporal refuses a second run of it.
    await expect(w.client.governance.submit(captured)).rejects.toMatchObject({ type: 'NonceReused' });
    // 2. Under the same workflow id, with a reuse policy that allows a new run: the worker refuses the nonce.
    const sameId = await failureOf((await startRaw(captured, first.workflowId)).result());
    expect(sameId.type).toBe('NonceReused');
    // 3. Under fresh workflow ids, three at once: one nonce, claimed once ever.
    const freshIds = [1, 2, 3].map(() => `role-grant-${randomUUID()}`);
    const fresh = await Promise.all(freshIds.map(async (id) => failureOf((await startRaw(captured, id)).result())));
    expect(fresh.map((f) => f.type)).toEqual(['NonceReused', 'NonceReused', 'NonceReused']);

    expect(await roleOf(bob.keyId)).toBe('viewer');
    expect(await nonceModel(db).countDocuments({ nonce: captured.request.nonce })).toBe(1);
    // Every attempt that reached a worker has its own entry: the original grant, the replay under its id, the three fresh ones.
    const entries = await auditOf([first.workflowId, ...freshIds]);
    expect(entries.map((e) => [e.workflowId, e.result, e.type ?? null])).toEqual(
      expect.arrayContaining([
        [first.workflowId, 'allowed', null],
        [first.workflowId, 'denied', 'NonceReused'],
        ...freshIds.map((id) => [id, 'denied', 'NonceReused']),
      ]),
    );
    expect(entries).toHaveLength(5);
  });

  it('a stale request (signed long ago) is refused as RequestExpired and audited as such, claiming no nonce', async () => {
    const grant = { operation: 'role.grant' as const, publicKeyPem: bob.publicKeyPem, role: 'admin' as const, name: 'bob' };
    const stale: ChangeRequest = {
      request: createSignedRequest('role.grant', grant, admin.privateKeyPem, {
        now: new Date(Date.now() - 3_600_000),
        nonce: randomUUID(),
      }),
      payload: grant,
    };
    const workflowId = `role-grant-${randomUUID()}`;
    const failure = await failureOf((await startRaw(stale, workflowId)).result());
    expect(failure.type).toBe('RequestExpired');
    expect(await roleOf(bob.keyId)).toBe('viewer');
    expect(await nonceModel(db).countDocuments({ nonce: stale.request.nonce })).toBe(0);
    expect((await auditOf([workflowId])).map((e) => [e.result, e.type])).toEqual([['denied', 'RequestExpired']]);
  });
});
