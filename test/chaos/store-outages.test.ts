import type { Connection } from 'mongoose';
import { isStorageError } from '../../src/activities/errors';
import { outlastingStoreOutages } from '../../src/activities/store-outage';
import { RETRAIN_SCHEDULE_ID } from '../../src/client/retrain-schedule';
import { connectMongo } from '../../src/models/connection';
import { generateKeyPair } from '../../src/security/keys';
import { bucketRequests, countBucketSideEffects, startPrivateStack, type PrivateStack } from '../harness/chaos';
import { failureOf } from '../harness/failures';
import { applyDefaultPolicy } from '../harness/policies';
import { startTestWorker, type TestWorker } from '../harness/worker';

// A Temporal dev server and a FerretDB of this file's own: each is stopped in
// the middle of a batch of compositions and started again on its SQLite files.
describe('the stores going away in the middle of a batch', () => {
  let stack: PrivateStack;
  let w: TestWorker;
  let db: Connection;

  beforeAll(async () => {
    stack = await startPrivateStack(['temporal', 'mongodb']);
    const admin = generateKeyPair();
    w = await startTestWorker({ ...stack.env, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    // Connected as a worker is: while FerretDB is down, operations fail after 3 s of server selection instead of the driver's 30.
    db = await connectMongo(stack.env.MOSAIC_MONGODB_URI!);
    await applyDefaultPolicy(w.client, admin);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    await stack?.close();
  });

  async function batchThrough(fault: () => Promise<void>) {
    const requests = bucketRequests(8);
    const handles = await Promise.all(requests.map((r) => w.client.compose(r)));
    const results = Promise.allSettled(handles.map((h) => h.result()));
    await fault();
    const settled = await results;
    return { requests, settled };
  }

  it('loses and doubles nothing while FerretDB is down for 10 s', async () => {
    const { requests, settled } = await batchThrough(() => stack.outage('mongodb', 10_000));
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const counts = await countBucketSideEffects(db, stack.opts.dataDir, requests, new Set(requests.map((r) => r.requestId)));
    expect(counts).toEqual({ duplicated: [], leftBehind: [], missing: [] });
  }, 120_000);

  // A handler step touching the store (quota-check, register-inventory) waits for it within its attempt instead of
  // spending its retry budget: five quick attempts of a 10-second step end long before a 30-second outage does.
  it('has a step wait out a FerretDB outage within its attempt and run again once the store answers', async () => {
    await stack.stop('mongodb');
    const restarted = new Promise((r) => setTimeout(r, 8000)).then(() => stack.start('mongodb'));
    let runs = 0;
    const found = await outlastingStoreOutages(db, Date.now() + 60_000, async () => {
      runs++;
      return db.collection('outage_probe').countDocuments();
    });
    await restarted;
    expect(found).toBe(0);
    expect(runs).toBe(2);
  }, 90_000);

  it('passes on at once a storage error while the store answers, and an outage that outlasts the attempt', async () => {
    await db.collection('outage_probe').insertOne({ _id: 'taken' } as never);
    let runs = 0;
    const insertTaken = async () => {
      runs++;
      await db.collection('outage_probe').insertOne({ _id: 'taken' } as never);
    };
    await expect(outlastingStoreOutages(db, Date.now() + 60_000, insertTaken)).rejects.toMatchObject({ code: 11000 });
    expect(runs).toBe(1);

    await stack.stop('mongodb');
    try {
      const started = Date.now();
      const failure = await outlastingStoreOutages(db, Date.now() + 5000, insertTaken).catch((err: unknown) => err);
      expect(isStorageError(failure)).toBe(true);
      // The first failure, the waiting until 5 s, at most one ping's server selection past it.
      expect(Date.now() - started).toBeLessThan(12_000);
      expect(runs).toBe(2);
    } finally {
      await stack.start('mongodb');
    }
  }, 90_000);

  it('finishes the running workflows after the Temporal server restarts on its SQLite file', async () => {
    const { requests, settled } = await batchThrough(() => stack.outage('temporal', 2_000));
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const counts = await countBucketSideEffects(db, stack.opts.dataDir, requests, new Set(requests.map((r) => r.requestId)));
    expect(counts).toEqual({ duplicated: [], leftBehind: [], missing: [] });
  }, 120_000);

  it('keeps the retrain schedule, unpaused and firing, after the Temporal server restarts', async () => {
    const schedule = w.client.temporal.schedule.getHandle(RETRAIN_SCHEDULE_ID);
    const before = await schedule.describe();
    expect(before.state.paused).toBe(false);
    await stack.outage('temporal', 2_000);
    const after = await waitForServer(() => schedule.describe());
    expect({ paused: after.state.paused, spec: after.spec.intervals, action: after.action }).toEqual({
      paused: false,
      spec: before.spec.intervals,
      action: before.action,
    });
    expect(after.info.nextActionTimes[0]!.getTime()).toBeGreaterThan(Date.now());
    // And it still starts its workflow, on the worker that reconnected. Triggered by hand, the run is
    // the worker's to refuse (only the calendar's own runs retrain unsigned): the refusal is the worker answering.
    await schedule.trigger();
    const started = await waitForServer(async () => {
      const d = await schedule.describe();
      if (!d.info.recentActions.length) throw new Error('not started yet');
      return d.info.recentActions.at(-1)!.action.workflow;
    });
    const failure = await failureOf(w.client.temporal.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result());
    expect(failure.type).toBe('UnscheduledRun');
  }, 120_000);
});

/** The answer of a call once the restarted server (and what it schedules) answers it; retried meanwhile. */
async function waitForServer<T>(call: () => Promise<T>, attempts = 100): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
