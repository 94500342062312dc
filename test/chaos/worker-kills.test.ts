import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { MosaicClient } from '../../src/client/mosaic-client';
import { loadConfig } from '../../src/config';
import { generateKeyPair } from '../../src/security/keys';
import { bucketRequests, countBucketSideEffects } from '../harness/chaos';
import { applyDefaultPolicy } from '../harness/policies';
import { WorkerPool } from '../harness/worker-process';

// Two `mosaic worker` processes serve a batch of compositions; one of them is
// SIGKILLed three times while steps are in flight and replaced each time.
describe('workers SIGKILLed again and again during a batch of compositions', () => {
  let env: NodeJS.ProcessEnv;
  let client: MosaicClient;
  let db: Connection;
  let dataDir: string;
  let pool: WorkerPool;
  let notified = 0;
  // A slow last step keeps every composition in flight long enough to be hit.
  const receiver = http.createServer((_req, res) => {
    notified++;
    setTimeout(() => res.end(), 1500);
  });

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-kills-'));
    const admin = generateKeyPair();
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/kills_${randomUUID().slice(0, 8)}`;
    env = {
      MOSAIC_TASK_QUEUE: `kills-${randomUUID()}`,
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`,
    };
    client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
    db = await mongoose.createConnection(uri).asPromise();
    // Both at once on a fresh database, as a deployment of two replicas starts: this used to hang one of
    // them (a lost upsert race at start, then an open connection; test/integration/worker-start.test.ts).
    pool = new WorkerPool(env, client);
    await Promise.all([pool.start(), pool.start()]);
    await applyDefaultPolicy(client, admin);
  }, 330_000);

  afterAll(async () => {
    await pool?.close();
    await client?.close();
    await db?.close();
    receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes every composition with each side effect and outcome exactly once', async () => {
    const requests = bucketRequests(16);
    const handles = await Promise.all(requests.map((r) => client.compose(r)));
    const results = Promise.allSettled(handles.map((h) => h.result()));

    let finished = false;
    void results.then(() => (finished = true));
    while (pool.kills < 3 && !finished) {
      // Kill once a notification is in flight, i.e. with steps running on the worker.
      const before = notified;
      while (notified === before && !finished) await new Promise((r) => setTimeout(r, 100));
      if (finished) break;
      // The oldest live worker is surely polling; its replacement starts while the batch goes on.
      await pool.killOldest();
    }

    const settled = await results;
    expect(pool.kills).toBeGreaterThanOrEqual(2);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const counts = await countBucketSideEffects(db, dataDir, requests, new Set(requests.map((r) => r.requestId)));
    expect(counts).toEqual({ duplicated: [], leftBehind: [], missing: [] });
  }, 170_000);
});
