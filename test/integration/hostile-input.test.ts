import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import mongoose, { type Connection } from 'mongoose';
import { generateKeyPair } from '../../src/security/keys';
import { createSignedRequest } from '../../src/security/signed-request';
import { applyDefaultPolicy } from '../harness/policies';
import { mosaic } from '../harness/cli';
import { failureOf } from '../harness/failures';
import { hostile, mutate, storeContents } from '../harness/hostile';
import { startTestWorker, type TestWorker } from '../harness/worker';

const FIELDS = [
  'requestId',
  'user',
  'account',
  'region',
  'resourceType',
  'spec',
  'spec.name',
  'spec.sizeGb',
  'spec.command',
  'security',
  'security.networkExposure',
  'provider',
  'extra',
];

// Everything that enters from outside, thrown at the real worker: each input
// is accepted or refused with a typed error, the worker keeps serving, and a
// refused input leaves the stored data exactly as it was.
describe('hostile input', () => {
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/hostile_${randomUUID().slice(0, 8)}`;
  const admin = generateKeyPair();
  const viewer = generateKeyPair();

  // The audit log grows with every denial by design; it is checked on its own. Handler
  // counters are written behind, half a second after the accepted compositions that made them.
  const snapshot = () => storeContents(db, ['audit', 'nonces', 'handler_metrics']);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-hostile-'));
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dataDir, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
    await applyDefaultPolicy(w.client, admin);
    await w.client.governance.change({ operation: 'role.grant', publicKeyPem: viewer.publicKeyPem, role: 'viewer' }, admin.privateKeyPem);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('composition requests sent straight to the workflow: refused as InvalidRequest, nothing stored', async () => {
    const base = { requestId: 'r', user: 'u', account: 'a', region: 'us-east-1', resourceType: 'bucket', spec: { name: 'ok' } };
    const before = await snapshot();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), hostile, async (field, value) => {
        const input = mutate(base, field, value);
        // Past the client's own validation, as a hand-made Temporal client would send it.
        const outcome = await w.client.temporal.workflow
          .execute('composeResource', {
            taskQueue: w.taskQueue,
            workflowId: `hostile-${randomUUID()}`,
            args: [input],
            workflowExecutionTimeout: '30 seconds',
          })
          .then(
            () => 'accepted',
            async (err) => (await failureOf(Promise.reject(err))).type ?? 'untyped',
          );
        // Accepted only where the mutation left a valid request, such as a unicode user name.
        expect([field, ['InvalidRequest', 'accepted']]).toEqual([field, expect.arrayContaining([outcome])]);
        if (outcome === 'accepted') accepted++;
      }),
      { numRuns: 25 },
    );
    const after = await snapshot();
    // Refusals wrote nothing: only the accepted requests left an outcome and an inventory entry.
    const { outcomes = [], inventory = [], ...rest } = after;
    const { outcomes: outcomesBefore = [], inventory: inventoryBefore = [], ...restBefore } = before;
    expect([outcomes.length - outcomesBefore.length, inventory.length - inventoryBefore.length]).toEqual([accepted, accepted]);
    expect(Object.keys(rest)).toEqual(expect.arrayContaining(Object.keys(restBefore)));
    for (const c of ['policies', 'policy_heads', 'handlers', 'actors']) expect([c, rest[c]]).toEqual([c, restBefore[c]]);
    // Nothing was written outside the data directory by a traversing name.
    // (No directory at all when every generated request was refused.)
    const buckets = path.join(dataDir, 'resources', 'buckets');
    expect((fs.existsSync(buckets) ? fs.readdirSync(buckets) : []).every((d) => !d.includes('..') && !d.includes('/'))).toBe(true);
  }, 240_000);

  it('signed requests with any field replaced: typed denial, store unchanged', async () => {
    const before = await snapshot();
    const payload = { operation: 'role.grant' as const, publicKeyPem: generateKeyPair().publicKeyPem, role: 'admin' };
    const typed = new Set([
      'SignatureInvalid',
      'PayloadMismatch',
      'RequestExpired',
      'UnknownActor',
      'NonceReused',
      'PermissionDenied',
      'InvalidChange',
      'InvalidRequest',
      'BadRequest',
      'ValidationError',
    ]);
    const untyped: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'operation',
          'payloadHash',
          'keyId',
          'nonce',
          'timestamp',
          'signature',
          'payload.role',
          'payload.publicKeyPem',
          'payload.operation',
        ),
        hostile,
        async (field, value) => {
          const request = createSignedRequest('role.grant', payload, admin.privateKeyPem, {
            now: new Date(),
            nonce: randomUUID(),
          }) as unknown as Record<string, unknown>;
          const change = { request, payload: payload as Record<string, unknown> };
          if (field.startsWith('payload.')) change.payload = mutate(payload, field.slice(8), value);
          else change.request = mutate(request, field, value);
          const failure = await failureOf(w.client.governance.submit(change as never, `hostile-gov-${randomUUID()}`)).catch(() => ({
            type: 'accepted',
            message: '',
          }));
          if (!typed.has(failure.type ?? '')) untyped.push(`${field}: ${failure.type} ${failure.message.slice(0, 120)}`);
        },
      ),
      // Always tried: a key id past the server's 2,048-byte keyword limit failed the workflow task once, untyped.
      { numRuns: 25, examples: [['keyId', 'x'.repeat(100_000)]] },
    );
    expect(untyped).toEqual([]);
    expect(await snapshot()).toEqual(before);
  }, 240_000);

  it('audits replayed, expired, forged and wrongly-roled requests as denied', async () => {
    const stranger = generateKeyPair();
    const payload = { operation: 'role.grant' as const, publicKeyPem: stranger.publicKeyPem, role: 'viewer' };
    const fresh = () => createSignedRequest('role.grant', payload, admin.privateKeyPem, { now: new Date(), nonce: randomUUID() });
    const first = fresh();
    await w.client.governance.submit({ request: first, payload } as never);
    const cases: [string, unknown, string][] = [
      ['replayed', first, 'NonceReused'],
      [
        'expired',
        createSignedRequest('role.grant', payload, admin.privateKeyPem, { now: new Date(Date.now() - 3_600_000), nonce: randomUUID() }),
        'RequestExpired',
      ],
      [
        'forged',
        {
          ...createSignedRequest('role.grant', payload, stranger.privateKeyPem, { now: new Date(), nonce: randomUUID() }),
          keyId: admin.keyId,
        },
        'SignatureInvalid',
      ],
      [
        'wrongly-roled',
        createSignedRequest('role.grant', payload, viewer.privateKeyPem, { now: new Date(), nonce: randomUUID() }),
        'PermissionDenied',
      ],
    ];
    for (const [name, request, type] of cases) {
      const workflowId = `audit-${name}-${randomUUID()}`;
      expect([name, (await failureOf(w.client.governance.submit({ request, payload } as never, workflowId))).type]).toEqual([name, type]);
      const audit = await db.collection('audit').find({ workflowId }).toArray();
      expect([name, audit.map((a) => a.result)]).toEqual([name, ['denied']]);
    }
  }, 120_000);

  it('CLI arguments: a result or exit 1 or 2 with a message, never a stack trace', async () => {
    const env = { MOSAIC_MONGODB_URI: uri, MOSAIC_TASK_QUEUE: w.taskQueue, MOSAIC_DATA_DIR: dataDir };
    const argv = fc.oneof(
      fc.constant(['compose', '../../../etc/passwd']),
      fc.constant(['compose', '{"requestId": 1}']),
      fc.constant(['handler', 'show', '🙂'.repeat(1000)]),
      fc.constant(['policy', 'validate', '/dev/null']),
      fc.constant(['audit', '--limit', '-5']),
      fc
        .tuple(fc.constantFrom('compose', 'policy', 'handler', 'keys', 'audit', 'nonsense'), fc.string({ unit: 'grapheme', maxLength: 30 }))
        .map(([a, b]) => [a, b]),
    );
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { code, stderr } = await mosaic([...args, '--json'], env);
        expect([args, [0, 1, 2]]).toEqual([args, expect.arrayContaining([code])]);
        expect(stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
      }),
      { numRuns: 6 },
    );
  }, 240_000);

  it('still serves a valid composition afterwards', async () => {
    const result = await (
      await w.client.compose({
        requestId: `after-${randomUUID().slice(0, 8)}`,
        user: 'u',
        account: 'after',
        region: 'us-east-1',
        resourceType: 'bucket',
        spec: { name: 'after' },
      })
    ).result();
    expect(result.steps.every((s) => s.status === 'succeeded')).toBe(true);
  }, 60_000);
});
