/**
 * Faults in the engine itself, on the production profile's cluster: its
 * PostgreSQL stopped and started again (as `mosaic stack stop`/`stack start
 * --profile production` do) while negotiations wait for feedback, clients send
 * rejections and compositions run; then the frontend SIGKILLed while the
 * acceptances are in flight, and brought back by the same `stack start` an
 * operator runs. The clients are the typed client, used as an application
 * uses it: each update is sent once, with its id, and must be answered.
 * Gated like profile.test.ts: `npm test` runs it when the profile is installed,
 * `npm run test:production` always does.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { MosaicClient } from '../../src/client/mosaic-client';
import { loadConfig } from '../../src/config';
import type { NegotiationView } from '../../src/contract/negotiate';
import { generateKeyPair } from '../../src/security/keys';
import { isRunning, readRecord } from '../../src/stack/daemon';
import { productionInstalled } from '../../src/stack/production';
import { runDir } from '../../src/stack/stack';
import {
  bucketRequests,
  countBucketSideEffects,
  countNegotiationSideEffects,
  expectRejectedThenAgreedOnce,
  negotiatedServices,
  startPrivateProductionStack,
  type PrivateStack,
} from '../harness/chaos';
import { eventually } from '../harness/eventually';
import { applyDefaultPolicy } from '../harness/policies';
import { stopLocalServices } from '../harness/services';
import { killWorker, startWorkerProcess, waitForPoller } from '../harness/worker-process';

const required = process.env.MOSAIC_TEST_PRODUCTION === '1';
const installed = productionInstalled(loadConfig().cacheDir);
if (!installed && required) throw new Error('the production profile is not installed: run `npm run setup -- --profile production`');
const suite = installed ? describe : describe.skip;

jest.setTimeout(600_000);

const NEGOTIATIONS = 4;
const COMPOSITIONS_PER_FAULT = 6;
/** How long PostgreSQL stays down once stopped: longer than the server's own retries of one request. */
const STORE_DOWN_MS = 8000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
/** How long each outage lasted, for docs/reliability.md: printed, never asserted. */
const note = (message: string) => process.stderr.write(`[faults] ${message}\n`);

function cmdlineOf(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

suite('the production profile when its PostgreSQL restarts and its frontend is killed mid-update', () => {
  let stack: PrivateStack;
  let client: MosaicClient;
  let db: Connection;
  let dataDir: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startPrivateProductionStack(`faults_${randomUUID().slice(0, 8)}`);
    dataDir = stack.opts.dataDir;
    const admin = generateKeyPair();
    const env = {
      ...stack.env,
      MOSAIC_TASK_QUEUE: `faults-${randomUUID()}`,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_LOG_LEVEL: 'warn',
      MOSAIC_METRICS_PORT: '0',
    };
    client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
    db = await mongoose.createConnection(stack.env.MOSAIC_MONGODB_URI!).asPromise();
    for (let i = 0; i < 2; i++) workers.push(startWorkerProcess(env, `${dataDir}/workers.log`));
    await Promise.all(workers.map((w) => waitForPoller(client, w)));
    await applyDefaultPolicy(client, admin);
  }, 600_000);

  afterAll(async () => {
    for (const w of workers) await killWorker(w);
    await client?.close();
    await db?.close();
    if (!stack) return;
    await stopLocalServices(dataDir);
    await stack.close();
    // Nothing this test started outlives it: no cluster process, store or instance names the data directory.
    const left = fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && cmdlineOf(pid).includes(dataDir));
    expect(left).toEqual([]);
  });

  const pidOf = (name: string) => readRecord(runDir(dataDir), name)?.pid;
  const views = (ids: string[]) => Promise.all(ids.map((id) => client.negotiations.show(id)));
  const allReach = (ids: string[], status: NegotiationView['status']) =>
    eventually(async () => {
      const now = await views(ids);
      expect(now.map((v) => v.status)).toEqual(ids.map(() => status));
      return now;
    }, 180_000);

  it('applies every update exactly once, answers repeats from the first, and finishes every workflow once', async () => {
    const n = client.negotiations;
    const tag = randomUUID().slice(0, 6);
    const ids: string[] = [];
    for (let i = 0; i < NEGOTIATIONS; i++) {
      const { workflowId } = await n.start({
        negotiationId: `faults-${tag}-${i}`,
        user: 'faults',
        account: `acct-${tag}-n${i}`,
        provider: 'local',
        workload: { kind: 'structured', workload: { role: 'cache', requestsPerSecond: 200 + i * 50 } },
        limits: { roundTimeout: '1 hour', deadline: '1 day', maxRounds: 10, roundsPerRun: 10 },
        observe: { window: '15 seconds', threshold: 0.3 },
      });
      ids.push(workflowId);
    }
    await allReach(ids, 'awaiting-feedback');

    // PostgreSQL stopped as `stack stop` stops it, while compositions run; the rejections are sent while it is down.
    const beforeStore = bucketRequests(COMPOSITIONS_PER_FAULT, `${tag}s`);
    const storeRuns = await Promise.all(beforeStore.map((r) => client.compose(r)));
    const postgresBefore = pidOf('postgresql');
    const storeStopped = Date.now();
    await stack.stop('postgresql');
    expect(pidOf('postgresql')).toBeUndefined();
    const rejections = Promise.all(ids.map((id) => n.feedback(id, 'reject', { reason: 'not these' }, `reject-${id}`)));
    await sleep(STORE_DOWN_MS);
    // `stack start --profile production`: brings back what is down and leaves the running server processes be.
    await stack.start('temporal');
    expect(pidOf('postgresql')).not.toBe(postgresBefore);
    note(`PostgreSQL down (stop to ready again) ${seconds(storeStopped)} s`);
    const rejected = await rejections;
    note(`rejections answered ${seconds(storeStopped)} s after the stop began`);
    expect(rejected.map((v) => v.round)).toEqual(ids.map(() => 2));
    // The same update id again is answered from the first, not applied a second time.
    const again = await n.feedback(ids[0]!, 'reject', { reason: 'not these' }, `reject-${ids[0]}`);
    expect(again.round).toBe(2);

    // The frontend SIGKILLed while acceptances are in flight, then brought back by `stack start`.
    const beforeFrontend = bucketRequests(COMPOSITIONS_PER_FAULT, `${tag}f`);
    const frontendRuns = await Promise.all(beforeFrontend.map((r) => client.compose(r)));
    const frontend = readRecord(runDir(dataDir), 'temporal-frontend')!;
    const acceptances = Promise.all(
      ids.map((id, i) => n.feedback(id, 'accept', { proposalId: rejected[i]!.proposals[0]!.id }, `accept-${id}`)),
    );
    await sleep(300);
    const frontendKilled = Date.now();
    process.kill(frontend.pid, 'SIGKILL');
    await eventually(async () => expect(isRunning(frontend)).toBe(false), 10_000);
    await sleep(3000);
    await stack.start('temporal');
    expect(pidOf('temporal-frontend')).not.toBe(frontend.pid);
    note(`frontend down (SIGKILL to serving again) ${seconds(frontendKilled)} s`);
    const accepted = await acceptances;
    note(`acceptances answered ${seconds(frontendKilled)} s after the SIGKILL`);
    expect(accepted.map((v) => v.status)).not.toContain('awaiting-feedback');
    const acceptedAgain = await n.feedback(ids[0]!, 'accept', { proposalId: rejected[0]!.proposals[0]!.id }, `accept-${ids[0]}`);
    expect(acceptedAgain.history.filter((h) => h.event === 'accepted')).toHaveLength(1);

    // Every workflow ends, each effect made once.
    const done = await Promise.all(ids.map((id) => n.result(id)));
    expect(done.map((v) => v.status)).toEqual(ids.map(() => 'completed'));
    expectRejectedThenAgreedOnce(done);
    const services = negotiatedServices(dataDir);
    expect(
      await countNegotiationSideEffects(
        db,
        ids.map((workflowId) => ({ workflowId, agreed: true, failed: false })),
        new Map(ids.map((id) => [id, services.get(id)?.length ?? 0])),
      ),
    ).toEqual({ duplicated: [], leftBehind: [], missing: [] });

    const requests = [...beforeStore, ...beforeFrontend];
    await Promise.all([...storeRuns, ...frontendRuns].map((h) => h.result()));
    expect(await countBucketSideEffects(db, dataDir, requests, new Set(requests.map((r) => r.requestId)))).toEqual({
      duplicated: [],
      leftBehind: [],
      missing: [],
    });
  });
});
