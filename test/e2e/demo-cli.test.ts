import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { keyIdOf } from '../../src/security/keys';
import { pemBlocks } from '../../src/security/root-keys';
import { mosaic } from '../harness/cli';
import { startPrivatePostgres, type PrivatePostgres } from '../harness/private-postgres';
import { killProcessesUnder } from '../harness/services';
import { startTestWorker, type TestWorker } from '../harness/worker';

// `npm run demo` on a fresh data dir: no root key configured yet, so the demo
// makes its own admin key a root key, once, in the data dir, and every family runs.
describe('mosaic demo on a fresh data dir', () => {
  let w: TestWorker;
  let pg: PrivatePostgres;
  let env: NodeJS.ProcessEnv;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-demo-'));
  const rootKeysFile = path.join(dataDir, 'keys', 'root-keys.pem');

  beforeAll(async () => {
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/demo_${randomUUID().slice(0, 8)}`;
    // Its own PostgreSQL: the learning burst's fault holds for a whole cluster, and the shared one serves tests beside this.
    pg = await startPrivatePostgres();
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dataDir, ...pg.env });
    env = { MOSAIC_TASK_QUEUE: w.taskQueue, MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dataDir, ...pg.env };
  }, 120_000);

  // The demo leaves its snapshot environment running, as a user would want; its service would outlive the test's worker.
  let snapshotWorkflowId: string | undefined;
  afterAll(async () => {
    if (snapshotWorkflowId) await w.client.snapshots.cancel(snapshotWorkflowId, 'demo test done');
    await w?.stop();
    await pg?.stop();
    // A demo that failed part-way left its services with no workflow id to cancel them by: they would hold the demo's ports.
    killProcessesUnder(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const demo = async (...args: string[]) => {
    // A small learning burst: its behaviour is test/e2e/learning-burst.test.ts's.
    const run = await mosaic(['demo', '--json', '--burst-calls', '4', '--burst-window', '2', ...args], env, 600_000);
    // The demo's own words when it fails: which family, and why.
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const { results } = JSON.parse(run.stdout) as {
      results: { family: string; workflowId: string; outcome: string; learningBurst?: { windows: { phase: string; n: number }[] } }[];
    };
    // --json carries the burst's windows: two of two calls per phase.
    const burst = results.find((r) => r.family === 'learning-burst');
    if (burst)
      expect(burst.learningBurst?.windows.map((x) => `${x.phase}:${x.n}`)).toEqual(
        ['before', 'before', 'fault', 'fault', 'after', 'after'].map((p) => `${p}:2`),
      );
    snapshotWorkflowId = results.find((r) => r.family === 'snapshot')?.workflowId;
    return results;
  };

  it('runs every family, its admin key a root key of the worker, and again the same way', async () => {
    const first = await demo();
    expect(first.filter((r) => r.outcome.startsWith('skipped'))).toEqual([]);
    const demoKey = keyIdOf(fs.readFileSync(path.join(dataDir, 'keys', 'demo-admin.pub'), 'utf8'));
    expect(pemBlocks(fs.readFileSync(rootKeysFile, 'utf8')).map(keyIdOf)).toEqual([demoKey]);
    const actors = await w.client.governance.inspect(
      { kind: 'actors' },
      { key: fs.readFileSync(path.join(dataDir, 'keys', 'demo-admin.key'), 'utf8') },
    );
    expect(actors).toContainEqual(expect.objectContaining({ keyId: demoKey, trusted: 'root' }));

    // Again, the families that find what the first run left (its key, policies, compositions, retrain, snapshot).
    const again = ['policy', 'compose', 'learning', 'snapshot'];
    const second = await demo('--family', again.join(','));
    expect(second.map((r) => r.family)).toEqual(again);
    expect(second.filter((r) => r.outcome.startsWith('skipped'))).toEqual([]);
    expect(pemBlocks(fs.readFileSync(rootKeysFile, 'utf8'))).toHaveLength(1);
  }, 1_300_000);
});
