import http from 'node:http';
import type { Connection } from 'mongoose';
import type { MosaicClient } from '../../src/client/mosaic-client';
import { generateKeyPair } from '../../src/security/keys';
import { bucketRequests, countBucketSideEffects } from '../harness/chaos';
import { applyDefaultPolicy } from '../harness/policies';
import { startKillRig, type KillRig, type WorkerPool } from '../harness/worker-process';

// Two `mosaic worker` processes serve a batch of compositions; one of them is
// SIGKILLed three times while steps are in flight and replaced each time.
describe('workers SIGKILLed again and again during a batch of compositions', () => {
  let client: MosaicClient;
  let db: Connection;
  let dataDir: string;
  let pool: WorkerPool;
  let rig: KillRig;
  let notified = 0;
  // A slow last step keeps every composition in flight long enough to be hit.
  const receiver = http.createServer((_req, res) => {
    notified++;
    setTimeout(() => res.end(), 1500);
  });

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const admin = generateKeyPair();
    rig = await startKillRig('kills', () => ({
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`,
    }));
    ({ client, db, dataDir, pool } = rig);
    await applyDefaultPolicy(client, admin);
  }, 330_000);

  afterAll(async () => {
    await rig?.stop();
    receiver.close();
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
