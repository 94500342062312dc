import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { actorModel } from '../../src/models/actor';
import { policyModel } from '../../src/models/policy';
import { parsePolicy, type Policy, type PolicyContext } from '../../src/pdl';
import { generateKeyPair, type KeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { createSignedRequest } from '../../src/security/signed-request';
import { recordHistory, recordLatest } from '../harness/histories';
import { rootFailure } from '../../src/client/failures';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const exampleSource = fs.readFileSync(path.join(EXAMPLES, 'policies', 'databases-eu.yaml'), 'utf8');
const context = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'contexts', 'database-eu-pci.json'), 'utf8')) as PolicyContext;

/** The example policy at another version, signed by `key`. */
function policyText(key: KeyPair, version = 1, tweak: (doc: Policy) => void = () => {}): string {
  const doc = parsePolicy(exampleSource);
  doc.metadata.version = version;
  tweak(doc);
  return signYaml(stringify(doc), key.privateKeyPem);
}

describe('signed policy changes and access control against the real stack', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const author = generateKeyPair();
  const viewer = generateKeyPair();
  const stranger = generateKeyPair();

  beforeAll(async () => {
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/governance_${randomUUID().slice(0, 8)}`;
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_ROOT_KEYS: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
    await expect(w.client.governance.initAdmin(admin.publicKeyPem, 'root')).resolves.toEqual({ keyId: admin.keyId, created: true });
    await w.client.governance.change(
      { operation: 'role.grant', publicKeyPem: author.publicKeyPem, role: 'policy-author', name: 'alice' },
      admin.privateKeyPem,
    );
    await w.client.governance.change(
      { operation: 'role.grant', publicKeyPem: viewer.publicKeyPem, role: 'viewer', name: 'bob' },
      admin.privateKeyPem,
    );
  });

  afterAll(async () => {
    await recordLatest(w.client.temporal, w.taskQueue, 'initAdmin', 'refused');
    await recordLatest(w.client.temporal, w.taskQueue, 'inspectGovernance', 'audit');
    await recordLatest(w.client.temporal, w.taskQueue, 'evaluatePolicies', 'rejected');
    await db?.close();
    await w?.stop();
  });

  const storedVersions = () => policyModel(db).find({}, { name: 1, version: 1, contentHash: 1 }).sort({ version: 1 }).lean();

  it('refuses to make an admin of a key that is not a root key of the workers', async () => {
    const failure = await failureOf(w.client.governance.initAdmin(stranger.publicKeyPem));
    expect(failure.type).toBe('NotARootKey');
    expect(await actorModel(db).exists({ keyId: stranger.keyId })).toBeNull();
  });

  it('applies a policy signed and submitted by a policy author, and audits it', async () => {
    const result = await w.client.governance.change({ operation: 'policy.apply', source: policyText(author, 1) }, author.privateKeyPem);
    expect(result).toMatchObject({ operation: 'policy.apply', target: 'policy:databases-eu', detail: 'version 1 stored and active' });
    await recordHistory(w.client.temporal, result.workflowId, 'applied');

    const list = await w.client.governance.inspect({ kind: 'policies' });
    expect(list).toEqual([expect.objectContaining({ name: 'databases-eu', activeVersion: 1 })]);
    const audit = await w.client.governance.inspect({ kind: 'audit', operation: 'policy.apply' }, { key: admin.privateKeyPem });
    expect(audit[0]).toMatchObject({ result: 'allowed', actor: author.keyId });
  });

  it('evaluates the active policy and explains why rds@1 is not used', async () => {
    const { evaluation, explanation, rejected } = await w.client.governance.evaluate(context, 'rds@1');
    expect(rejected).toEqual([]);
    const provision = evaluation!.stages.find((s) => s.name === 'provision')!;
    expect(provision.allowed.sort()).toEqual(['postgres-local@1', 'provision-database@1']);
    expect(evaluation!.stages.find((s) => s.name === 'secure')!.required).toEqual(['encrypt-at-rest@1']);
    expect(explanation!.join('\n')).toContain('forbid[0] when `handlers["rds@1"].errorRate > 0.2` forbade rds@1');
  });

  it('denies each bad request with its own error type and leaves the store as it was', async () => {
    const before = await storedVersions();
    const v2 = { operation: 'policy.apply' as const, source: policyText(author, 2) };

    // Insufficient role: a viewer may not apply policies.
    expect((await failureOf(w.client.governance.change(v2, viewer.privateKeyPem))).type).toBe('PermissionDenied');
    // Unregistered key.
    expect((await failureOf(w.client.governance.change(v2, stranger.privateKeyPem))).type).toBe('UnknownActor');
    // Wrong key: signed by the stranger but claiming the author's identity.
    const forged = createSignedRequest('policy.apply', v2, stranger.privateKeyPem, { now: new Date(), nonce: randomUUID() });
    expect((await failureOf(w.client.governance.submit({ request: { ...forged, keyId: author.keyId }, payload: v2 }))).type).toBe(
      'SignatureInvalid',
    );
    // Payload swapped after signing.
    const signed = createSignedRequest('policy.apply', v2, author.privateKeyPem, { now: new Date(), nonce: randomUUID() });
    const swapped = { operation: 'policy.apply' as const, source: policyText(author, 3) };
    expect((await failureOf(w.client.governance.submit({ request: signed, payload: swapped }))).type).toBe('PayloadMismatch');
    // Expired timestamp.
    const stale = createSignedRequest('policy.apply', v2, author.privateKeyPem, {
      now: new Date(Date.now() - 10 * 60_000),
      nonce: randomUUID(),
    });
    expect(await failureOf(w.client.governance.submit({ request: stale, payload: v2 })).then((f) => f.type)).toBe('RequestExpired');
    // Policy content changed after it was signed.
    const tampered = policyText(author, 2).replace('errorRate > 0.2', 'errorRate > 0.9');
    const tamperedFailure = await failureOf(
      w.client.governance.change({ operation: 'policy.apply', source: tampered }, author.privateKeyPem),
    );
    expect(tamperedFailure.type).toBe('SignatureInvalid');
    // Policy signed by a key that is not a trusted signer.
    const unknownSigner = await failureOf(
      w.client.governance.change({ operation: 'policy.apply', source: policyText(stranger, 2) }, author.privateKeyPem),
    );
    expect(unknownSigner.type).toBe('UnknownSigner');
    // Same version, other content: versions are immutable.
    const rewrite = policyText(author, 1, (doc) => (doc.spec.priority = 5));
    expect((await failureOf(w.client.governance.change({ operation: 'policy.apply', source: rewrite }, author.privateKeyPem))).type).toBe(
      'PolicyVersionExists',
    );

    expect(await storedVersions()).toEqual(before);
    const denied = await w.client.governance.inspect({ kind: 'audit' }, { key: admin.privateKeyPem });
    expect(denied.filter((e) => e.result === 'denied').length).toBeGreaterThanOrEqual(7);
  });

  it('refuses a replayed request: the same signed request in a second workflow', async () => {
    const payload = { operation: 'policy.apply' as const, source: policyText(author, 2) };
    const request = createSignedRequest('policy.apply', payload, author.privateKeyPem, { now: new Date(), nonce: randomUUID() });
    await w.client.governance.submit({ request, payload });
    // Resubmitting under the same workflow id once the first run has closed is refused (no second run)...
    await expect(w.client.governance.submit({ request, payload })).rejects.toMatchObject({ type: 'NonceReused' });
    // ...but a new workflow carrying the captured request is a replay.
    const replay = await failureOf(w.client.governance.submit({ request, payload }, `replay-${randomUUID()}`));
    expect(replay.type).toBe('NonceReused');
  });

  it('keeps every version and rolls back by activating an older one', async () => {
    await w.client.governance.change({ operation: 'policy.activate', name: 'databases-eu', version: 1 }, author.privateKeyPem);
    const history = await w.client.governance.inspect({ kind: 'history', name: 'databases-eu' });
    expect(history.map((h) => [h.version, h.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    const missing = await failureOf(
      w.client.governance.change({ operation: 'policy.activate', name: 'databases-eu', version: 9 }, author.privateKeyPem),
    );
    expect(missing.type).toBe('PolicyNotFound');
  });

  it('rejects random mutations of signed policies with typed errors and keeps the store unchanged', async () => {
    const before = await storedVersions();
    const signed = policyText(author, 5);
    // PolicyVersionExists: an earlier mutation that kept the signature valid (a comment) was stored as version 5.
    const typed = new Set([
      'PdlSyntaxError',
      'PdlValidationError',
      'PdlExpressionError',
      'StageOrderCycle',
      'SignatureInvalid',
      'PolicyUnsigned',
      'UnknownSigner',
      'PolicyVersionExists',
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(signed.length - 1),
        fc.integer({ min: 1, max: 30 }),
        fc.string({ minLength: 1, maxLength: 8 }),
        async (start, length, insert) => {
          const mutated = signed.slice(0, start) + insert + signed.slice(start + length);
          fc.pre(mutated !== signed);
          const outcome = await w.client.governance.change({ operation: 'policy.apply', source: mutated }, author.privateKeyPem).then(
            () => 'applied',
            (err) => rootFailure(err)?.type ?? `untyped: ${(err as Error).message}`,
          );
          // A mutation inside a comment or that YAML reads the same is still the signed policy: the first
          // such run applies version 5, any later one finds that version stored.
          if (outcome === 'applied' || outcome === 'PolicyVersionExists') return;
          expect(typed).toContain(outcome);
        },
      ),
      { numRuns: 25 },
    );
    const after = await storedVersions();
    expect(after.filter((v) => v.version !== 5)).toEqual(before.filter((v) => v.version !== 5));
  }, 120_000);

  it('refuses and reports a policy changed directly in the database', async () => {
    const [{ activeVersion }] = await w.client.governance.inspect({ kind: 'policies' });
    await policyModel(db).updateOne({ name: 'databases-eu', version: activeVersion }, { $set: { 'document.spec.priority': 999 } });
    const { evaluation, error, rejected } = await w.client.governance.evaluate(context);
    expect(rejected).toEqual([expect.objectContaining({ name: 'databases-eu', version: activeVersion })]);
    expect(evaluation).toBeUndefined();
    expect(error?.type).toBe('NoMatchingPolicy');
    const audit = await w.client.governance.inspect({ kind: 'audit', operation: 'policy.load' }, { key: admin.privateKeyPem });
    expect(audit[0]).toMatchObject({ result: 'denied', target: `policy:databases-eu@${activeVersion}` });
  });
});
