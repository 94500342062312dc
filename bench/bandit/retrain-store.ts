// Retraining as the worker does it, store included: the real
// trainPolicyCandidate activity (in the SDK's activity test environment)
// pages the outcomes of the horizon out of a private FerretDB, featurizes,
// fits, evaluates off-policy and stores the candidate. Times 10,000 to
// 100,000 outcomes, with the in-process part alone (bench:bandit's figure)
// beside it, and prints one JSON line.
//   npm run bench:retrain [-- --sizes 10000,100000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import mongoose from 'mongoose';
import { createLearningActivities } from '../../src/activities/learning';
import { createModelStore } from '../../src/activities/model-store';
import { metricsPrior } from '../../src/learning/decide';
import { loadConfig } from '../../src/config';
import { outcomeModel, storedSteps } from '../../src/models/outcome';
import { ensureIndexes } from '../../src/models/indexes';
import { freePort } from '../../src/stack/ports';
import { startComponent, stopStack } from '../../src/stack/stack';
import { loggedOutcomes, retrainInProcess } from './logged-outcomes';
import { generate } from './world';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,25000,50000,100000' }, seed: { type: 'string', default: '42' } },
});
const SIZES = args.sizes.split(',').map(Number);
const SEED = Number(args.seed);
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-retrain-'));
  const mongoPort = await freePort();
  const config = loadConfig({
    ...process.env,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_MONGODB_PORT: String(mongoPort),
    MOSAIC_RETRAIN_HORIZON_DAYS: '100000',
  });
  await startComponent('mongodb', { dataDir, cacheDir: config.cacheDir, temporalPort: 0, uiPort: 0, mongoPort, headless: true });
  const connection = await mongoose.createConnection(config.mongodb.uri).asPromise();
  try {
    await ensureIndexes(connection);
    const all = loggedOutcomes(generate(Math.max(...SIZES), SEED + 7).rows, SEED);
    const stored = all.map((o) => ({ ...o, steps: storedSteps(o.steps) }));
    const store = createModelStore(connection, Buffer.alloc(32, 7));
    const learning = createLearningActivities({ connection, config, store, serving: async () => ({ model: metricsPrior }) });
    const results: Record<string, { storeSeconds: number; inProcessSeconds: number }> = {};
    let inserted = 0;
    for (const n of SIZES) {
      // Loading the store is set-up, not timed: only what a retrain does with it.
      for (; inserted < n; inserted += 5000)
        await outcomeModel(connection).insertMany(stored.slice(inserted, Math.min(n, inserted + 5000)), { lean: true });
      inserted = n;
      process.stderr.write(`${n} outcomes stored; retraining\n`);
      const t0 = performance.now();
      const result = (await new MockActivityEnvironment().run(learning.trainPolicyCandidate, { runId: `bench-${n}` })) as Awaited<
        ReturnType<typeof learning.trainPolicyCandidate>
      >;
      if (result.status !== 'trained') throw new Error(`retrain on ${n} outcomes: ${result.status}`);
      const storeSeconds = seconds(t0);
      results[n] = { storeSeconds, inProcessSeconds: await retrainInProcess(all.slice(0, n)) };
      process.stderr.write(`retrain on ${n} outcomes: ${storeSeconds} s from the store, ${results[n]!.inProcessSeconds} s in process\n`);
    }
    const largest = results[Math.max(...SIZES)]!;
    console.log(
      JSON.stringify({
        bench: 'retrain-store',
        seed: SEED,
        seconds: results,
        ratioStoreToInProcess: Math.round((largest.storeSeconds / largest.inProcessSeconds) * 100) / 100,
        target: { retrain100kSeconds: 60 },
      }),
    );
  } finally {
    await connection.close();
    await stopStack(dataDir, ['mongodb']);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
