import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { contentHash } from '../../src/activities/content-hash';
import { auditModel } from '../../src/models/audit';
import { parsePolicy, type PolicyContext } from '../../src/pdl';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const context = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'contexts', 'database-eu-pci.json'), 'utf8')) as PolicyContext;

// An attacker with write access to MongoDB but no root key: every row they write is one the workers refuse.
describe('trust anchored outside MongoDB: root keys from the workers configuration', () => {
  let w: TestWorker;
  let db: Connection;
  const root = generateKeyPair();
  const bob = generateKeyPair();
  const mallory = generateKeyPair();
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/trust_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_ROOT_KEYS: root.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
  });

  const rows = (collection: string, filter: Record<string, unknown> = {}) => db.collection(collection).find(filter).toArray();
  const refusals = (keyId: string) =>
    auditModel(db)
      .find({ operation: 'actor.load', target: `actor:${keyId}` })
      .lean();
  const plantedPolicy = () => {
    const source = signYaml(fs.readFileSync(path.join(EXAMPLES, 'policies', 'databases-eu.yaml'), 'utf8'), mallory.privateKeyPem);
    return { source, document: parsePolicy(source) };
  };

  it('an actor row inserted with the driver and a policy it signed are refused, audited and never served', async () => {
    const now = new Date();
    // As the real admin would look: same role, granted "by" the root key.
    await db.collection('actors').insertOne({
      keyId: mallory.keyId,
      publicKeyPem: mallory.publicKeyPem,
      role: 'admin',
      name: 'admin',
      grantedBy: root.keyId,
      grantedAt: now,
    });
    const { source, document } = plantedPolicy();
    // Through Mosaic: a signed change from the planted actor.
    const viaChange = await failureOf(w.client.governance.change({ operation: 'policy.apply', source }, mallory.privateKeyPem));
    expect(viaChange.type).toBe('UnknownActor');
    expect(await rows('policies')).toEqual([]);
    // Around Mosaic: the policy and its head written straight into the database.
    await db.collection('policies').insertOne({
      name: 'databases-eu',
      version: 1,
      document,
      source,
      contentHash: contentHash(document),
      signedBy: mallory.keyId,
      appliedBy: root.keyId,
      appliedAt: now,
    });
    await db.collection('policy_heads').insertOne({ name: 'databases-eu', activeVersion: 1, activatedBy: root.keyId, activatedAt: now });
    const served = await w.client.governance.evaluate(context);
    expect(served.rejected).toEqual([expect.objectContaining({ name: 'databases-eu', version: 1 })]);
    expect(served.evaluation?.policies ?? []).not.toContain('databases-eu');
    // A grant from the planted admin is refused too, and makes nobody.
    const grant = await failureOf(
      w.client.governance.change({ operation: 'role.grant', publicKeyPem: bob.publicKeyPem, role: 'admin' }, mallory.privateKeyPem),
    );
    expect(grant.type).toBe('UnknownActor');
    expect(await rows('actors', { keyId: bob.keyId })).toEqual([]);
    // The listing shows the row for what it is.
    const actors = await w.client.governance.inspect({ kind: 'actors' }, { key: root.privateKeyPem });
    expect(actors.find((a) => a.keyId === mallory.keyId)?.trusted).toBe('no');
    // One refusal per row content, however often workers load actors; each change attempt has its own denial.
    expect(await refusals(mallory.keyId)).toEqual([expect.objectContaining({ result: 'denied', type: 'UntrustedActor' })]);
    const denials = await auditModel(db).find({ actor: mallory.keyId, result: 'denied' }).lean();
    expect(denials.map((d) => d.type)).toEqual(['UnknownActor', 'UnknownActor']);
    await db.collection('policy_heads').deleteMany({});
    await db.collection('policies').deleteMany({});
    await db.collection('actors').deleteOne({ keyId: mallory.keyId });
  });

  it('a role grant row edited in the database is refused: the key is believed no more', async () => {
    await w.client.governance.change(
      { operation: 'role.grant', publicKeyPem: bob.publicKeyPem, role: 'viewer', name: 'bob' },
      root.privateKeyPem,
    );
    await db.collection('actors').updateOne({ keyId: bob.keyId }, { $set: { role: 'admin' } });
    const carol = generateKeyPair();
    const failure = await failureOf(
      w.client.governance.change({ operation: 'role.grant', publicKeyPem: carol.publicKeyPem, role: 'admin' }, bob.privateKeyPem),
    );
    expect(failure.type).toBe('UnknownActor');
    expect(await rows('actors', { keyId: carol.keyId })).toEqual([]);
    expect(await refusals(bob.keyId)).toEqual([
      expect.objectContaining({ type: 'UntrustedActor', reason: expect.stringMatching(/differs from what its grant signed/) }),
    ]);
    // Put back as signed, the row is believed again: the refusal was of the edit, not of bob.
    await db.collection('actors').updateOne({ keyId: bob.keyId }, { $set: { role: 'viewer' } });
    const actors = await w.client.governance.inspect({ kind: 'actors' }, { key: root.privateKeyPem });
    expect(actors.find((a) => a.keyId === bob.keyId)).toMatchObject({ trusted: 'chain', role: 'viewer' });
  });

  it('refuses to make an admin of a key that is not a root key, whoever asks', async () => {
    const failure = await failureOf(w.client.governance.initAdmin(mallory.publicKeyPem, 'admin'));
    expect(failure.type).toBe('NotARootKey');
    expect(await rows('actors', { keyId: mallory.keyId })).toEqual([]);
  });
});
