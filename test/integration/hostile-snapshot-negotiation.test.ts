import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import mongoose, { type Connection } from 'mongoose';
import type { SnapshotStatus } from '../../src/contract/snapshot';
import type { NegotiationView } from '../../src/contract/negotiate';
import { failureOf } from '../harness/failures';
import { hostile, mutate, storeContents } from '../harness/hostile';
import { stopLocalServices } from '../harness/services';
import { startTestWorker, type TestWorker } from '../harness/worker';
import { generateKeyPair } from '../../src/security/keys';
import { registerHost } from '../harness/governed';

const MANIFEST_TYPES = ['ManifestInvalid', 'TemplateNotFound', 'HostUnavailable', 'PathOutsideRoots', 'accepted'];
/** Paths that try to leave the host's allowed directory: by name, and through a real symlink to / made in the host's root. */
const TRAVERSAL = fc.constantFrom(
  '/app',
  '/app/escape',
  '/app/escape/etc/passwd',
  '/app/../../etc',
  '/app/data/../../../etc/passwd',
  '/app/data/../escape',
  '/etc',
  '//app/escape',
  '/app/./escape',
);

// Snapshot manifests and negotiation feedback sent straight to their running
// workflows, past the client's validation: each is accepted or refused with a
// typed error, the worker keeps serving, and a refusal stores nothing.
describe('hostile snapshot manifests and negotiation feedback', () => {
  const admin = generateKeyPair();
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  let hostRoot: string;
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/hostile2_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-hostile2-'));
    hostRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-hostile-host-'));
    fs.mkdirSync(path.join(hostRoot, 'app', 'data'), { recursive: true });
    fs.writeFileSync(path.join(hostRoot, 'app', 'data', 'seed.txt'), 'seed');
    // A real symlink out of the host's root and out of its allowed path.
    fs.symlinkSync('/', path.join(hostRoot, 'app', 'escape'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_SNAPSHOT_MONITOR_SECONDS: '1',
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    db = await mongoose.createConnection(uri).asPromise();
    await w.client.snapshots.catalog({
      operation: 'template.create',
      template: { id: 'tpl', resources: [{ kind: 'file', path: '/srv/readme', content: 'hello' }] },
    });
    await registerHost(w.client, admin, { name: 'box', provider: 'local', root: hostRoot, allowedPaths: ['/app'] });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    await stopLocalServices(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(hostRoot, { recursive: true, force: true });
  });

  /** Starts composeSnapshot with the raw input; a composition that comes up is cancelled: 'accepted', else the failure's type. */
  const composeRaw = async (input: unknown): Promise<string> => {
    const handle = await w.client.temporal.workflow.start('composeSnapshot', {
      taskQueue: w.taskQueue,
      workflowId: `hostile-snap-${randomUUID()}`,
      args: [input],
    });
    const result = handle.result().then(
      () => 'accepted',
      async (err) => (await failureOf(Promise.reject(err))).type ?? 'untyped',
    );
    for (;;) {
      const state = await Promise.race([handle.query<SnapshotStatus>('status').then((s) => s.state), result]);
      if (state === 'running') {
        await handle.signal('cancel', 'accepted by the fuzz test');
        return result;
      }
      if (MANIFEST_TYPES.includes(state) || state === 'untyped' || state.endsWith('Failed') || state.startsWith('Provider')) return result;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('manifests with any field replaced by hostile values, or live paths that traverse: typed refusal, nothing stored, nothing outside the data dir', async () => {
    const templateBase = { name: 'fuzz', sources: [{ type: 'template', id: 'tpl' }], conflict_resolution: 'FIRST_WIN' };
    const liveBase = { name: 'fuzz', sources: [{ type: 'live', host: 'box', path: '/app/data' }], conflict_resolution: 'FIRST_WIN' };
    const before = await storeContents(db);
    const outcomes: string[] = [];
    const fields = [
      'name',
      'description',
      'sources',
      'sources.0',
      'sources.0.type',
      'sources.0.id',
      'sources.0.host',
      'sources.0.path',
      'sources.0.priority',
      'sources.0.tags',
      'conflict_resolution',
      'resource_limits',
      'resource_limits.cpu',
      'resource_limits.memory',
      'extra',
    ];
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.constantFrom(...fields), fc.oneof(hostile, TRAVERSAL), async (live, field, value) => {
        const outcome = await composeRaw(mutate(live ? liveBase : templateBase, field, value));
        expect([field, MANIFEST_TYPES]).toEqual([field, expect.arrayContaining([outcome])]);
        outcomes.push(outcome);
      }),
      { numRuns: 30 },
    );
    // Every traversing live path, each once: only the allowed directory without the symlink comes up.
    const paths = [
      '/app',
      '/app/escape',
      '/app/escape/etc/passwd',
      '/app/../../etc',
      '/app/data/../../../etc/passwd',
      '/app/data/../escape',
      '/etc',
    ];
    const traversals = [];
    for (const p of paths) traversals.push([p, await composeRaw(mutate(liveBase, 'sources.0.path', p))]);
    expect(traversals).toEqual(paths.map((p) => [p, 'PathOutsideRoots']));

    const accepted = outcomes.filter((o) => o === 'accepted').length;
    const after = await storeContents(db);
    const {
      snapshot_compositions: compositions = [],
      snapshot_captures: captures = [],
      snapshot_impact_models: impactModels = [],
      ...rest
    } = after;
    const {
      snapshot_compositions: compositionsBefore = [],
      snapshot_captures: capturesBefore = [],
      snapshot_impact_models: impactModelsBefore = [],
      ...restBefore
    } = before;
    // Only accepted manifests stored a composition (and its one capture) and retrained the one impact model
    // from what they ran; the catalog is as it was.
    expect([compositions.length - compositionsBefore.length, captures.length - capturesBefore.length]).toEqual([accepted, accepted]);
    if (accepted === 0) expect(impactModels).toEqual(impactModelsBefore);
    expect(impactModels.length).toBeLessThanOrEqual(1);
    expect(rest).toEqual(restBefore);
    // Torn down, and nothing captured from outside /app/data: no workspace left, no /etc file in a capture.
    const workspaces = path.join(dataDir, 'resources', 'snapshots');
    expect(fs.existsSync(workspaces) ? fs.readdirSync(workspaces) : []).toEqual([]);
    expect(JSON.stringify(captures)).not.toMatch(/passwd|\/etc\//);
  }, 300_000);

  it('feedback sent straight to a running negotiation: typed refusal or applied, the negotiation and the store unharmed', async () => {
    const { workflowId } = await w.client.negotiations.start({
      negotiationId: `fuzz-${randomUUID().slice(0, 8)}`,
      user: 'fuzz',
      account: 'fuzz',
      workload: { kind: 'structured', workload: { role: 'web-server', requestsPerSecond: 50 } },
      limits: { roundTimeout: '1 hour', deadline: '1 day', maxRounds: 1000, roundsPerRun: 5 },
      observe: { window: '1 second', threshold: 0.3 },
    });
    const handle = w.client.temporal.workflow.getHandle(workflowId);
    const view = () => handle.query<NegotiationView>('proposals');
    while ((await view()).status !== 'awaiting-feedback') await new Promise((r) => setTimeout(r, 200));
    const before = await storeContents(db);
    const bases: Record<string, Record<string, unknown>> = {
      accept: { proposalId: 'r1-p1' },
      reject: { because: 'cost', reason: 'too dear' },
      modify: { proposalId: 'r1-p1', changes: { storage: { sizeGbEach: 200 } } },
      addConstraints: { constraints: ['at most $900 per month'] },
    };
    const fields: Record<string, string[]> = {
      accept: ['proposalId', 'extra'],
      reject: ['because', 'reason', 'by', 'extra'],
      modify: ['proposalId', 'changes', 'changes.storage', 'changes.instanceType', 'changes.security', 'by'],
      addConstraints: ['constraints', 'constraints.0', 'by'],
    };
    const refusals = new Set(['FeedbackRejected', 'ConstraintsConflict', 'ProposalInvalid', 'applied']);
    const outcomes: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(bases)).chain((kind) => fc.tuple(fc.constant(kind), fc.constantFrom(...fields[kind]!))),
        hostile,
        fc.boolean(),
        async ([kind, field], value, asSignal) => {
          // accept's only other field is by: a valid one would agree and provision, which is not what is fuzzed here.
          const body = mutate(bases[kind]!, field, value);
          if (asSignal) {
            await handle.signal('feedback', { ...body, kind, id: randomUUID() });
            await handle.signal('reportUsage', value);
            outcomes.push('signal');
            return;
          }
          const outcome = await handle.executeUpdate(kind, { args: [body] }).then(
            () => 'applied',
            async (err) => (await failureOf(Promise.reject(err))).type ?? 'untyped',
          );
          expect([kind, field, [...refusals]]).toEqual([kind, field, expect.arrayContaining([outcome])]);
          outcomes.push(outcome);
        },
      ),
      { numRuns: 40 },
    );
    // Still negotiating, answering, and the store untouched: feedback lives in the workflow, and none of it agreed.
    const after = await view();
    expect(after.status).toBe('awaiting-feedback');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await storeContents(db)).toEqual(before);
    // A valid accept still agrees, provisions and completes.
    await w.client.negotiations.feedback(workflowId, 'accept', { proposalId: after.proposals[0]!.id });
    expect((await w.client.negotiations.result(workflowId)).status).toBe('completed');
  }, 300_000);
});
