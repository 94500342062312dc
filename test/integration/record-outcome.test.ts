import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createCompositionActivities } from '../../src/activities/composition';
import { ONLINE_WINDOW } from '../../src/learning/online';
import { handlerMetricsModel, keyHandlerMetricsByRef } from '../../src/models/handler';
import { ensureIndexes } from '../../src/models/indexes';
import { outcomeModel, type Outcome } from '../../src/models/outcome';
import { LocalProvider } from '../../src/providers/local';
import { movableClock } from '../harness/clock';

// recordOutcome is what the learning loop trains on: each outcome once, each
// handler call counted once, whatever retries and concurrency do.
describe('recordOutcome against the real store', () => {
  let connection: mongoose.Connection;
  let record: ReturnType<typeof createCompositionActivities>['recordOutcome'];
  // The worker writes counters behind; here, as when a worker stops, they are written before reading.
  let writeCounters: () => Promise<void>;
  let dataDir: string;
  const clock = movableClock();

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-outcome-'));
    connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/outcome_${randomUUID().slice(0, 8)}`)
      .asPromise();
    await ensureIndexes(connection);
    record = createCompositionActivities({
      connection,
      providers: { local: new LocalProvider(dataDir, connection) },
      settings: { quotaPerAccount: 10, reverifySeconds: 30 },
      onStop: (hook) => (writeCounters = hook),
      cacheClock: clock.now,
    }).recordOutcome;
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const outcome = (workflowId: string, ref: string, status: 'succeeded' | 'failed' = 'succeeded'): Omit<Outcome, 'at'> => ({
    workflowId,
    request: { resourceType: 'bucket' },
    policy: 'p',
    model: 'metrics-prior',
    steps: [
      { stage: 'provision', ref, probability: 0.5, reason: 'chosen', status, latencyMs: 12 },
      { stage: 'notify', ref: 'never-ran@1', probability: 1, reason: 'required', status: 'skipped' },
    ],
    result: status,
    latencyMs: 40,
  });

  const counters = async (ref: string) => {
    await writeCounters();
    return handlerMetricsModel(connection).findOne({ ref }).lean();
  };

  it('counts a retried outcome once', async () => {
    const ref = `retry-${randomUUID().slice(0, 6)}@1`;
    await record(outcome('wf-retry', ref));
    await record(outcome('wf-retry', ref));
    expect(await counters(ref)).toMatchObject({ calls: 1, successes: 1 });
    expect(await outcomeModel(connection).countDocuments({ workflowId: 'wf-retry' })).toBe(1);
    expect(await counters('never-ran@1')).toBeNull();
  });

  it('counts every first call when many race to create the same counter', async () => {
    const ref = `race-${randomUUID().slice(0, 6)}@1`;
    const ids = Array.from({ length: 12 }, (_, i) => `wf-race-${i}`);
    await Promise.all(ids.map((id, i) => record(outcome(id, ref, i % 3 === 0 ? 'failed' : 'succeeded'))));
    expect(await counters(ref)).toMatchObject({ calls: 12, successes: 8 });
    await Promise.all(ids.map((id, i) => record(outcome(id, ref, i % 3 === 0 ? 'failed' : 'succeeded'))));
    expect(await counters(ref)).toMatchObject({ calls: 12, successes: 8 });
  });

  it('moves counters written before they were keyed by ref, keeping them, and counts on from there', async () => {
    const ref = `legacy-${randomUUID().slice(0, 6)}@1`;
    await handlerMetricsModel(connection).collection.insertOne({
      _id: new mongoose.Types.ObjectId(),
      ref,
      calls: 7,
      successes: 6,
      cpuMs: 0,
      memoryMb: 0,
      latencyBuckets: {},
    } as never);
    expect(await keyHandlerMetricsByRef(connection)).toBe(1);
    expect(await keyHandlerMetricsByRef(connection)).toBe(0);
    await record(outcome(`wf-${ref}`, ref));
    await writeCounters();
    expect(await handlerMetricsModel(connection).find({ ref }).lean()).toEqual([
      expect.objectContaining({ _id: ref, calls: 8, successes: 7 }),
    ]);
  });

  it('keeps a window to its last calls although the store ignores $slice', async () => {
    const ref = `window-${randomUUID().slice(0, 6)}@1`;
    const window = async () => (await handlerMetricsModel(connection).findOne({ ref }).lean())!.recent!.length;
    await Promise.all(Array.from({ length: 2 * ONLINE_WINDOW }, (_, i) => record(outcome(`wf-${ref}-${i}`, ref))));
    await writeCounters();
    // FerretDB v1 kept all of them; the first flush after the worker reads the counters again cuts the window.
    clock.pass(1001); // the counters' read cache (reloaded after more than 1 s)
    await record(outcome(`wf-${ref}-last`, ref));
    await writeCounters();
    expect(await window()).toBeLessThanOrEqual(ONLINE_WINDOW + 1);
  });
});
