import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import mongoose, { type Connection } from 'mongoose';
import { inspectGovernance, type InspectGovernanceOf } from '../../src/contract/governance';
import { RETRAIN_SCHEDULE_ID, retrainPolicy, type RetrainPolicy } from '../../src/contract/models';
import { readableId } from '../../src/client/mosaic-client';
import { ensureRetrainSchedule } from '../../src/client/retrain-schedule';
import { auditModel } from '../../src/models/audit';
import { outcomeModel } from '../../src/models/outcome';
import { decisionModelPointerModel, decisionModelVersionModel } from '../../src/models/decision-model';
import { generateKeyPair } from '../../src/security/keys';
import { createSignedRequest } from '../../src/security/signed-request';
import { loggedOutcomes } from '../fixtures/logged-outcomes';
import { mosaic } from '../harness/cli';
import { failureOf } from '../harness/failures';
import { recordLatest } from '../harness/histories';
import { startTestWorker, type TestWorker } from '../harness/worker';

// Retraining by hand and reading the audit trail or the actors are signed
// requests too: someone who can reach Temporal but holds no key of a role that
// may trains nothing and reads nothing, whatever they pass themselves off as.
describe('a retrain by hand and audit reads need a signed request from a role that may', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const viewer = generateKeyPair();
  const stranger = generateKeyPair();
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/signed_reads_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_RETRAIN_MIN_DECISIONS: '300',
      MOSAIC_RETRAIN_INTERVAL: '2h',
    });
    db = await mongoose.createConnection(uri).asPromise();
    await w.client.governance.change({ operation: 'role.grant', publicKeyPem: viewer.publicKeyPem, role: 'viewer' }, admin.privateKeyPem);
    // Enough logged outcomes that any retrain that got through would train and store a version.
    await outcomeModel(db).insertMany(loggedOutcomes(1500, 7));
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
  });

  const versions = () => decisionModelVersionModel(db).countDocuments();
  const denials = (operation: string) => auditModel(db).find({ operation, result: 'denied' }).lean();
  const startRetrain = (args: Parameters<RetrainPolicy>, workflowId = readableId('retrain')) =>
    w.client.temporal.workflow.execute<RetrainPolicy>(retrainPolicy, { taskQueue: w.taskQueue, workflowId, args });

  it("refuses an unsigned retrain that passes itself off as the schedule's run, naming the fix, and trains nothing", async () => {
    // The schedule's workflow id shape and the search attribute Temporal gives a scheduled run: both can be set by any client.
    const failure = await failureOf(
      w.client.temporal.workflow.execute<RetrainPolicy>(retrainPolicy, {
        taskQueue: w.taskQueue,
        workflowId: `${RETRAIN_SCHEDULE_ID}-${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
        args: [{ requestedBy: 'schedule' }],
        typedSearchAttributes: [
          { key: defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD), value: RETRAIN_SCHEDULE_ID },
        ],
      }),
    );
    expect(failure.type).toBe('InvalidChange');
    expect(failure.message).toMatch(/model retrain --key <file>.*role admin or operator/);
    expect(await versions()).toBe(0);
    expect(await decisionModelPointerModel(db).countDocuments()).toBe(0);
    expect(await denials('model.retrain')).toEqual([expect.objectContaining({ actor: 'unsigned', type: 'InvalidChange' })]);
  }, 60_000);

  it('refuses a retrain signed by a viewer, by a key with no role, or with its payload changed after signing', async () => {
    const byViewer = await failureOf(w.client.models.retrain({}, viewer.privateKeyPem));
    expect(byViewer).toMatchObject({
      type: 'PermissionDenied',
      message: expect.stringMatching(/role viewer may not model.retrain; roles that may: admin, operator/),
    });
    expect((await failureOf(w.client.models.retrain({}, stranger.privateKeyPem))).type).toBe('UnknownActor');

    // Signed for a 1-day horizon, sent with a 3650-day one.
    const request = createSignedRequest('model.retrain', { operation: 'model.retrain', horizonDays: 1 }, admin.privateKeyPem, {
      now: new Date(),
      nonce: randomUUID(),
    });
    expect((await failureOf(startRetrain([{ request, horizonDays: 3650 }]))).type).toBe('PayloadMismatch');

    expect(await versions()).toBe(0);
    expect((await denials('model.retrain')).map((d) => [d.actor, d.type])).toEqual(
      expect.arrayContaining([
        [viewer.keyId, 'PermissionDenied'],
        [stranger.keyId, 'UnknownActor'],
        [admin.keyId, 'PayloadMismatch'],
      ]),
    );
  });

  it("trains for an admin's signed retrain, credited to the key, and refuses the same request replayed, audited once per attempt", async () => {
    const before = (await denials('model.retrain')).length;
    const request = createSignedRequest('model.retrain', { operation: 'model.retrain' }, admin.privateKeyPem, {
      now: new Date(),
      nonce: randomUUID(),
    });
    const first = await startRetrain([{ request }]);
    expect(first).toMatchObject({ status: 'trained', version: 1 });
    expect(await decisionModelVersionModel(db).findOne({ version: 1 }).lean()).toBeTruthy();

    for (let i = 0; i < 2; i++) expect((await failureOf(startRetrain([{ request }]))).type).toBe('NonceReused');
    expect(await versions()).toBe(1);
    const replays = (await denials('model.retrain')).slice(before);
    expect(replays.map((d) => [d.actor, d.type])).toEqual([
      [admin.keyId, 'NonceReused'],
      [admin.keyId, 'NonceReused'],
    ]);
  }, 120_000);

  // The schedule is one per namespace, pointed at the task queue of the worker that started last: this one, again.
  const schedule = () => w.client.temporal.schedule.getHandle(RETRAIN_SCHEDULE_ID);
  const listedRuns = async () => (await schedule().describe()).info.recentActions;
  /** The first run the schedule lists that is not among `seen` (by run id), once it lists one. */
  const nextRun = async (seen: Set<string>) => {
    for (;;) {
      const run = (await listedRuns()).find((a) => !seen.has(a.action.workflow.firstExecutionRunId));
      if (run) return run;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const seenRuns = async () => new Set((await listedRuns()).map((a) => a.action.workflow.firstExecutionRunId));
  const resultOf = (run: Awaited<ReturnType<typeof nextRun>>) =>
    w.client.temporal.workflow
      .getHandle<RetrainPolicy>(run.action.workflow.workflowId, undefined, {
        firstExecutionRunId: run.action.workflow.firstExecutionRunId,
      })
      .result();

  it('refuses a run of the schedule triggered by hand, or backfilled, naming the fix, audits each and trains nothing', async () => {
    await ensureRetrainSchedule(w.client.temporal, { taskQueue: w.taskQueue, interval: '2h' });
    const trained = await versions();
    const before = (await denials('model.retrain')).length;

    // Anyone who may trigger the schedule, asking for a run now, whatever a run would overlap.
    let seen = await seenRuns();
    await schedule().trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const triggered = await failureOf(resultOf(await nextRun(seen)));
    expect(triggered.type).toBe('UnscheduledRun');
    expect(triggered.message).toMatch(
      /not on the schedule's calendar .*triggered by hand.*model retrain --key <file>.*role admin or operator/,
    );

    // A backfill of a time the calendar does name: 02:00 UTC (every 2h counts from the epoch), a day ago.
    const calendarTime = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 22 * 3_600_000);
    seen = await seenRuns();
    await schedule().backfill({
      start: new Date(calendarTime.getTime() - 1000),
      end: new Date(calendarTime.getTime() + 1000),
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    });
    const backfilledRun = await nextRun(seen);
    expect(backfilledRun.scheduledAt).toEqual(calendarTime);
    const backfilled = await failureOf(resultOf(backfilledRun));
    expect(backfilled.type).toBe('UnscheduledRun');
    expect(backfilled.message).toMatch(/a backfill.*model retrain --key <file>/);

    expect(await versions()).toBe(trained);
    expect((await denials('model.retrain')).slice(before)).toEqual([
      expect.objectContaining({ actor: 'unsigned', type: 'UnscheduledRun', reason: expect.stringMatching(/triggered by hand/) }),
      expect.objectContaining({ actor: 'unsigned', type: 'UnscheduledRun', reason: expect.stringMatching(/a backfill/) }),
    ]);
  }, 120_000);

  it("runs the schedule's own run unsigned; a spec edited to run every minute gets no second run within the worker's interval", async () => {
    // Someone who may edit the schedule (not sign anything) sets it to every minute; this worker retrains every 2 h.
    await schedule().update((previous) => ({ ...previous, spec: { intervals: [{ every: '1m' }] } }));
    try {
      const before = (await denials('model.retrain')).length;
      const trained = await versions();
      const run = await nextRun(await seenRuns());
      expect(run.scheduledAt.getTime() % 60_000).toBe(0);
      const result = await resultOf(run);
      expect(['trained', 'not-enough-data', 'busy']).toContain(result.status);
      expect((await denials('model.retrain')).length).toBe(before);
      const afterFirst = await versions();
      expect(afterFirst - trained).toBeLessThanOrEqual(1);

      // The calendar's next minute: on the calendar, taken at once, and still refused.
      const second = await nextRun(await seenRuns());
      expect(second.scheduledAt.getTime() - run.scheduledAt.getTime()).toBe(60_000);
      const refused = await failureOf(resultOf(second));
      expect(refused.type).toBe('UnscheduledRun');
      expect(refused.message).toMatch(
        /too soon: .*60 s from the previous unsigned run's.*at most every 7200 s \(MOSAIC_RETRAIN_INTERVAL\).*model retrain --key <file>/,
      );
      expect(await versions()).toBe(afterFirst);
      expect((await denials('model.retrain')).slice(before)).toEqual([
        expect.objectContaining({ actor: 'unsigned', type: 'UnscheduledRun', reason: expect.stringMatching(/too soon/) }),
      ]);
    } finally {
      await ensureRetrainSchedule(w.client.temporal, { taskQueue: w.taskQueue, interval: '2h' });
    }
  }, 200_000);

  it('refuses to read the audit trail or the actors without a key, naming the fix, and audits each attempt', async () => {
    const unsigned = async () => (await denials('audit.read')).filter((d) => d.type === 'InvalidChange');
    const before = (await unsigned()).length;
    for (const kind of ['audit', 'actors'] as const) {
      const failure = await failureOf(
        w.client.temporal.workflow.execute<InspectGovernanceOf<typeof kind>>(inspectGovernance, {
          taskQueue: w.taskQueue,
          workflowId: readableId(`inspect-${kind}`),
          args: [{ kind }],
        }),
      );
      expect(failure.type).toBe('InvalidChange');
      expect(failure.message).toMatch(/request: missing: .*signed.*role admin or policy-author or operator or viewer.*--key <file>/);
    }
    expect((await unsigned()).length - before).toBe(2);

    const cli = await mosaic(['audit', '--json'], { MOSAIC_TASK_QUEUE: w.taskQueue, MOSAIC_MONGODB_URI: uri });
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain("required option '--key <file>'");
    expect(cli.stdout).toBe('');
  });

  it('refuses a read by a key with no role, or a signed read of the actors sent as a read of the audit trail', async () => {
    expect((await failureOf(w.client.governance.inspect({ kind: 'audit' }, { key: stranger.privateKeyPem }))).type).toBe('UnknownActor');
    const request = createSignedRequest('audit.read', { operation: 'audit.read', query: { kind: 'actors' } }, viewer.privateKeyPem, {
      now: new Date(),
      nonce: randomUUID(),
    });
    const swapped = await failureOf(
      w.client.temporal.workflow.execute<InspectGovernanceOf<'audit'>>(inspectGovernance, {
        taskQueue: w.taskQueue,
        workflowId: readableId('inspect-audit'),
        args: [{ kind: 'audit' }, request],
      }),
    );
    expect(swapped.type).toBe('PayloadMismatch');
    expect((await denials('audit.read')).map((d) => [d.actor, d.type, d.target])).toEqual(
      expect.arrayContaining([
        [stranger.keyId, 'UnknownActor', 'audit:audit'],
        [viewer.keyId, 'PayloadMismatch', 'audit:audit'],
      ]),
    );
  });

  it('reads the audit trail and the actors for a viewer, and audits each read once it is served', async () => {
    const reads = () => auditModel(db).find({ operation: 'audit.read', result: 'allowed' }).sort({ at: 1 }).lean();
    const audit = await w.client.governance.inspect({ kind: 'audit', operation: 'model.retrain' }, { key: viewer.privateKeyPem });
    expect(audit.length).toBeGreaterThanOrEqual(4);
    const actors = await w.client.governance.inspect({ kind: 'actors' }, { key: viewer.privateKeyPem });
    expect(actors.map((a) => a.keyId)).toEqual(expect.arrayContaining([admin.keyId, viewer.keyId]));
    expect(await reads()).toEqual([
      expect.objectContaining({
        actor: viewer.keyId,
        target: 'audit:audit',
        reason: `read ${audit.length} entries where operation=model.retrain`,
        workflowId: expect.any(String),
      }),
      expect.objectContaining({ actor: viewer.keyId, target: 'audit:actors', reason: `read ${actors.length} actors` }),
    ]);

    // A read does not show its own entry; the next one does, with who read what.
    const first = await w.client.governance.inspect({ kind: 'audit', operation: 'audit.read' }, { key: viewer.privateKeyPem });
    expect(first.filter((e) => e.result === 'allowed')).toHaveLength(2);
    const second = await w.client.governance.inspect({ kind: 'audit', operation: 'audit.read' }, { key: viewer.privateKeyPem });
    expect(second.filter((e) => e.result === 'allowed')).toHaveLength(3);
    expect(second[0]).toMatchObject({
      actor: viewer.keyId,
      result: 'allowed',
      reason: `read ${first.length} entries where operation=audit.read`,
    });
    await recordLatest(w.client.temporal, w.taskQueue, 'inspectGovernance', 'audited-read');
  });
});
