import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { stopDaemon } from '../../src/stack/daemon';
import { freePort } from '../../src/stack/ports';
import { runDir, startComponent, type StackOptions } from '../../src/stack/stack';
import { startTestWorker, type TestWorker } from '../harness/worker';

// A FerretDB of this test's own, so stopping it does not disturb other suites.
describe('MongoDB down while the worker runs', () => {
  let opts: StackOptions;
  let w: TestWorker;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-outage-'));
    opts = { dataDir, cacheDir: loadConfig().cacheDir, temporalPort: 0, uiPort: 0, mongoPort: await freePort() };
    await startComponent('mongodb', opts);
    w = await startTestWorker({ MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${opts.mongoPort}/mosaic_outage` });
  });

  afterAll(async () => {
    await w?.stop();
    await stopDaemon(runDir(opts.dataDir), 'mongodb');
    fs.rmSync(opts.dataDir, { recursive: true, force: true });
  });

  it('retries the activity and completes once the server is back', async () => {
    await stopDaemon(runDir(opts.dataDir), 'mongodb');
    const pending = w.client.healthCheck();
    const outcome = pending.then(
      () => 'completed',
      (err: Error) => `failed: ${err.message}`,
    );
    // Long enough for at least one failed attempt, short of the retry budget.
    await new Promise((r) => setTimeout(r, 4000));
    await startComponent('mongodb', opts);
    await expect(outcome).resolves.toBe('completed');

    const handle = w.client.temporal.workflow.getHandle((await pending).workflowId);
    const history = await handle.fetchHistory();
    // The started event of a retried activity records its final attempt and the failure before it.
    const retried = history.events?.map((e) => e.activityTaskStartedEventAttributes).find((a) => (a?.attempt ?? 0) > 1);
    expect(retried?.lastFailure?.applicationFailureInfo?.type).toBe('StorageUnavailable');
  }, 90_000);
});
