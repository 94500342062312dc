import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { MosaicClient } from '../../src/client/mosaic-client';
import { compositionModel } from '../../src/models/snapshot';
import { freePort } from '../../src/stack/ports';
import { countSnapshotSideEffects, type SnapshotExpectation } from '../harness/chaos';
import { registerCommand } from '../harness/governed';
import { generateKeyPair } from '../../src/security/keys';
import { startKillRig, type KillRig, type WorkerPool } from '../harness/worker-process';

const COMPOSITIONS = 6;
// A service that takes a while to listen keeps every composition in its start step long enough to be hit.
const SLOW_SERVICE = [
  process.execPath,
  '-e',
  "setTimeout(() => require('http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1'), 2500)",
];

// Two `mosaic worker` processes compose snapshots (each: a file, a volume, two
// services started one after the other); workers are SIGKILLed while services
// start, and again while the retries after the heartbeat timeout run.
describe('workers SIGKILLed again and again during snapshot compositions', () => {
  let client: MosaicClient;
  let db: Connection;
  let dataDir: string;
  let pool: WorkerPool;
  let rig: KillRig;
  const admin = generateKeyPair();

  beforeAll(async () => {
    rig = await startKillRig('snapkills', () => ({ MOSAIC_SNAPSHOT_MONITOR_SECONDS: '1', MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem }));
    ({ client, db, dataDir, pool } = rig);
  }, 330_000);

  afterAll(async () => {
    await rig?.stop();
  });

  /** Service run records written so far: one more means a service process is being started. */
  const serviceStarts = () => {
    const root = path.join(dataDir, 'resources', 'snapshots');
    if (!fs.existsSync(root)) return 0;
    return fs.readdirSync(root).reduce((n, d) => {
      const run = path.join(root, d, 'run');
      return n + (fs.existsSync(run) ? fs.readdirSync(run).filter((f) => f.endsWith('.json')).length : 0);
    }, 0);
  };
  const states = async () => (await compositionModel(db).find({}, { state: 1 }).lean()).map((r) => r.state);
  const until = async (check: () => boolean | Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 100));
  };

  it('brings every composition up once, with each workspace, volume, service process and port exactly once, and tears each down once', async () => {
    const tag = randomUUID().slice(0, 6);
    const expected: SnapshotExpectation[] = [];
    const slow = await registerCommand(client, admin, SLOW_SERVICE);
    for (let i = 0; i < COMPOSITIONS; i++) {
      const [api, web] = [await freePort(), await freePort()];
      const id = `chaos_${tag}_${i}`;
      await client.snapshots.catalog({
        operation: 'template.create',
        template: {
          id,
          resources: [
            { kind: 'file', path: '/srv/readme', content: `composition ${i}` },
            { kind: 'volume', name: 'data', size: '1 MiB' },
            { kind: 'service', name: 'api', command: slow, ports: [api] },
            { kind: 'service', name: 'web', command: slow, ports: [web], dependsOn: ['service:api'] },
          ],
        },
      });
      expected.push({ workflowId: `snapshot-chaos-${tag}-${i}`, services: 2, volumes: 1, sources: 1 });
    }
    const handles = await Promise.all(
      expected.map((e, i) =>
        client.snapshots.compose(
          { name: `chaos ${i}`, sources: [{ type: 'template', id: `chaos_${tag}_${i}` }], conflict_resolution: 'FIRST_WIN' },
          e.workflowId,
        ),
      ),
    );
    // A composition ends only when cancelled: one ending earlier has failed, and the waits below stop for it.
    const failures: unknown[] = [];
    const results = handles.map((h) => h.result().catch((err: unknown) => void failures.push(err)));
    const ended = () => failures.length > 0;

    // Kill only once every composition is past resolving: validate and resolve have no heartbeat, and
    // a step lost with its worker is retried after its timeout — minutes for those, 30 s for the heartbeating ones.
    await until(async () => ended() || ((await states()).length === COMPOSITIONS && (await states()).every((s) => s !== 'resolved')));
    await until(() => ended() || serviceStarts() > 0);
    await pool.killOldest();
    await new Promise((r) => setTimeout(r, 1000));
    await pool.killOldest();
    // The steps lost with both workers are retried on the replacements after the heartbeat timeout: kill one of those too.
    const before = serviceStarts();
    await until(async () => ended() || serviceStarts() > before || (await states()).every((s) => s === 'monitored'));
    if (!ended() && !(await states()).every((s) => s === 'monitored')) await pool.killOldest();

    await until(async () => ended() || (await states()).filter((s) => s === 'monitored').length === COMPOSITIONS);
    expect(failures).toEqual([]);
    expect(pool.kills).toBeGreaterThanOrEqual(2);
    const running = await Promise.all(handles.map((h) => client.snapshots.waitFor(h, ['running'])));
    expect(running.map((s) => s.state)).toEqual(expected.map(() => 'running'));
    expect(await countSnapshotSideEffects(db, dataDir, expected, true)).toEqual({ duplicated: [], leftBehind: [], missing: [] });

    const final = await Promise.all(expected.map((e) => client.snapshots.cancel(e.workflowId, 'chaos test done')));
    expect(final.map((s) => [s.state, s.teardown?.stopped])).toEqual(expected.map(() => ['cancelled', 2]));
    await Promise.all(results);
    expect(failures).toEqual([]);
    expect(await countSnapshotSideEffects(db, dataDir, expected, false)).toEqual({ duplicated: [], leftBehind: [], missing: [] });
  }, 240_000);
});
