import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import mongoose, { type Connection } from 'mongoose';
import { RETRAIN_SCHEDULE_ID } from '../../src/client/retrain-schedule';
import { RETRAIN_CATCHUP_MS } from '../../src/contract/models';
import { ALL_REGIONS, onlineCorrection } from '../../src/learning/online';
import { TrainingSet } from '../../src/learning/train';
import type { CompositionRequestInput } from '../../src/composition/request';
import { decisionOf } from '../../src/learning/logged';
import { auditModel } from '../../src/models/audit';
import { handlerMetricsModel } from '../../src/models/handler';
import { eventually } from '../harness/eventually';
import { outcomeModel } from '../../src/models/outcome';
import { generateKeyPair } from '../../src/security/keys';
import { registry } from '../../src/observability/metrics';
import {
  decisionModelChunkModel,
  decisionModelPointerModel,
  decisionModelVersionModel,
  retrainLeaseModel,
} from '../../src/models/decision-model';
import { loggedOutcomes } from '../fixtures/logged-outcomes';
import { mosaic } from '../harness/cli';
import { failureOf } from '../harness/failures';
import { recordHistory, recordLatest } from '../harness/histories';
import { startTestWorker, type TestWorker } from '../harness/worker';
import { applyDefaultPolicy } from '../harness/policies';

describe('retrainPolicy on the real stack', () => {
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  const admin = generateKeyPair();

  beforeAll(async () => {
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/retrain_${randomUUID().slice(0, 8)}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-retrain-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_RETRAIN_MIN_DECISIONS: '300',
      MOSAIC_RETRAIN_INTERVAL: '2h',
    });
    db = await mongoose.createConnection(uri).asPromise();
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('has the retrain schedule after worker start: the configured interval, overlapping runs skipped', async () => {
    const d = await w.client.temporal.schedule.getHandle(RETRAIN_SCHEDULE_ID).describe();
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retrainPolicy' });
    expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    // Runs taken later than this after their time are backfills, refused unsigned: the worker checks against the same window.
    expect(d.policies.catchupWindow).toBe(RETRAIN_CATCHUP_MS);
    // Other test files' workers update the same schedule with their own settings; the interval is one of ours or theirs.
    expect(d.spec.intervals?.length).toBe(1);
  });

  it('logs every decision of a real composition with its probabilities, in the form the retrain reads', async () => {
    await applyDefaultPolicy(w.client, admin);
    const request: CompositionRequestInput = {
      requestId: `bucket-${randomUUID().slice(0, 8)}`,
      user: 'alice',
      account: 'acct-learn',
      region: 'eu-west-1',
      resourceType: 'bucket',
      spec: { name: 'logs' },
      security: { classification: 'internal', compliance: [], networkExposure: 'private' },
    };
    const handle = await w.client.compose(request);
    await handle.result();
    const outcome = await outcomeModel(db).findOne({ workflowId: handle.workflowId }).lean();
    const chosen = outcome!.steps.filter((s) => s.reason === 'chosen');
    expect(chosen.length).toBeGreaterThan(0);
    // Built-in handlers report their share of the worker's CPU and heap growth, as sandboxed ones report their own.
    for (const step of outcome!.steps.filter((s) => s.status === 'succeeded')) {
      expect(step.cpuMs).toBeGreaterThanOrEqual(0);
      expect(step.memoryMb).toBeGreaterThanOrEqual(0);
    }
    for (const step of chosen) {
      const d = decisionOf(step.decision)!;
      expect(typeof step.decision).toBe('string');
      expect(d).toMatchObject({ model: 'metrics-prior', context: { region: 'eu-west-1', account: 'acct-learn', resourceType: 'bucket' } });
      expect(d.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(step.probability).toBe(d.probabilities[d.chosen]);
      expect(d.candidates[d.chosen]!.ref).toBe(step.ref);
    }
    // The online windows of each chosen handler hold its residual in this region and in this region × resource type.
    await eventually(async () => {
      const provision = await handlerMetricsModel(db).findOne({ ref: 'provision-bucket@1' }).lean();
      expect(provision!.online).toMatchObject({
        model: 'metrics-prior',
        residuals: { 'eu-west-1': [expect.any(Number)], 'eu-west-1|bucket': [expect.any(Number)] },
      });
      expect(provision!.recent).toEqual([0]);
      // And the linear learner's first step, as increments of weights and squared gradients.
      expect(Object.values(provision!.online!.linear!.w).some((v) => v !== 0)).toBe(true);
      expect(Object.values(provision!.online!.linear!.g).every((v) => v > 0)).toBe(true);
    });
    // The next decision in the same context reads them back: its correction is what the stored state says.
    const stored = (await handlerMetricsModel(db).findOne({ ref: 'provision-bucket@1' }).lean())!.online!;
    // Past the worker's one-second metrics cache, which may hold a read from before the write.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const again = await w.client.compose({ ...request, requestId: `bucket-${randomUUID().slice(0, 8)}` });
    await again.result();
    const next = await outcomeModel(db).findOne({ workflowId: again.workflowId }).lean();
    const d = decisionOf(next!.steps.find((s) => s.ref === 'provision-bucket@1')!.decision)!;
    // The windows this request reads, named as the store keeps them: over every region, the region, the cell.
    const named: Record<string, number[] | undefined> = {
      [ALL_REGIONS]: stored.residuals[ALL_REGIONS],
      'eu-west-1': stored.residuals['eu-west-1'],
      'eu-west-1|bucket': stored.residuals['eu-west-1|bucket'],
    };
    const expected = onlineCorrection(d.context, (key) => named[key], stored.linear);
    expect(expected).not.toBe(0);
    expect(d.candidates.find((c) => c.ref === 'provision-bucket@1')!.correction).toBeCloseTo(expected, 9);
    const set = new TrainingSet();
    set.add(outcome!);
    expect(set.decisions).toBe(chosen.length);
    await outcomeModel(db).deleteMany({});
  }, 60_000);

  it('ends with "not enough data" and changes nothing when there are too few outcomes', async () => {
    await outcomeModel(db).insertMany(loggedOutcomes(50, 1));
    const result = await w.client.models.retrain({}, admin.privateKeyPem);
    expect(result).toMatchObject({ status: 'not-enough-data', decisions: 50, needed: 300 });
    expect(result.status === 'not-enough-data' && result.message).toMatch(/not enough data: 50 logged decisions .* nothing changed/);
    expect(await decisionModelVersionModel(db).countDocuments()).toBe(0);
    expect(await decisionModelPointerModel(db).countDocuments()).toBe(0);
    await recordHistory(w.client.temporal, result.workflowId, 'not-enough-data');
  });

  it('trains, evaluates off-policy, promotes a better model, and the worker serves it without restart', async () => {
    await outcomeModel(db).insertMany(loggedOutcomes(1500, 2, { withoutProbability: 40 }));
    const result = await w.client.models.retrain({}, admin.privateKeyPem);
    expect(result.status).toBe('trained');
    if (result.status !== 'trained') return;
    expect(result).toMatchObject({ version: 1, against: 'metrics-prior', promoted: true, outcomes: 1550 });
    expect(result.excluded.missingProbability).toBe(40);
    expect(result.candidate.dr.lower).toBeGreaterThan(result.current.dr.value);
    expect(result.decision.reason).toMatch(/candidate DR lower bound .* beats current/);
    await recordHistory(w.client.temporal, result.workflowId, 'promoted');

    const stored = await decisionModelVersionModel(db).findOne({ version: 1 }).lean();
    expect(stored).toMatchObject({ trainedBy: result.workflowId, decision: { promote: true } });
    expect(await decisionModelChunkModel(db).countDocuments({ version: 1 })).toBeGreaterThan(0);
    const status = await eventually(async () => {
      const s = await w.client.models.status();
      expect(s.serving).toBe('bandit-v1');
      return s;
    });
    // Credited to the key that signed the retrain.
    expect(status).toMatchObject({ serving: 'bandit-v1', active: { version: 1, by: admin.keyId }, versions: 1 });
    // The in-process worker's /metrics says the same: one series, the served version.
    expect((await registry.getSingleMetric('mosaic_model_info')!.get()).values.map((v) => v.labels)).toEqual([
      { kind: 'compose', version: 'bandit-v1' },
    ]);
    await recordLatest(w.client.temporal, w.taskQueue, 'inspectPolicyModels', 'status');
  }, 120_000);

  it('refuses a corrupt model: promotion fails and a worker pointed at it keeps serving the current one, saying why', async () => {
    const second = await w.client.models.retrain({}, admin.privateKeyPem);
    expect(second).toMatchObject({ status: 'trained', version: 2 });
    // Damage version 2's weights in the store.
    const chunk = await decisionModelChunkModel(db).findOne({ version: 2, index: 0 }).lean();
    const data = Buffer.from(chunk!.data.buffer ?? chunk!.data);
    data[0] ^= 0xff;
    await decisionModelChunkModel(db).updateOne({ version: 2, index: 0 }, { $set: { data } });

    const failure = await failureOf(w.client.models.change({ operation: 'model.promote', version: 2, reason: 'try' }, admin.privateKeyPem));
    expect(failure).toMatchObject({
      type: 'ModelRefused',
      message: expect.stringMatching(/model version 2 is refused: its weights do not match their checksum/),
    });

    // Someone points serving at it behind Mosaic's back: the worker refuses it and keeps version 1.
    await decisionModelPointerModel(db).updateOne({ name: 'active' }, { $set: { version: 2 } });
    const status = await eventually(async () => {
      const s = await w.client.models.status();
      expect(s.refused).toBeDefined();
      return s;
    });
    expect(status).toMatchObject({ serving: 'bandit-v1', refused: { version: 2, reason: expect.stringMatching(/checksum/) } });
    await decisionModelPointerModel(db).updateOne({ name: 'active' }, { $set: { version: 1 } });
  }, 120_000);

  it('never runs two retrains at once: a second one while the lease is held ends as busy', async () => {
    await retrainLeaseModel(db).create({ name: 'retrain', holder: 'another-retrain', until: new Date(Date.now() + 60_000) });
    const result = await w.client.models.retrain({}, admin.privateKeyPem);
    expect(result).toMatchObject({ status: 'busy', holder: 'another-retrain' });
    expect(await decisionModelVersionModel(db).countDocuments()).toBe(2);
    await retrainLeaseModel(db).deleteMany({});
  });

  it('promotes and rolls back by hand, keeping every change in the history', async () => {
    const third = await w.client.models.retrain({}, admin.privateKeyPem);
    expect(third.status).toBe('trained');
    const v = third.status === 'trained' ? third.version : 0;
    const promoted = await w.client.models.change({ operation: 'model.promote', version: v, reason: 'by hand' }, admin.privateKeyPem);
    expect(promoted).toMatchObject({ version: v, previous: 1 });
    await recordHistory(w.client.temporal, promoted.workflowId, 'signed-promote');
    const rolled = await w.client.models.change({ operation: 'model.rollback', reason: 'back' }, admin.privateKeyPem);
    expect(rolled).toMatchObject({ version: 1, previous: v });
    const history = await w.client.models.history();
    expect(history.map((h) => [h.version, h.active])).toEqual(
      [
        [1, true],
        [2, false],
        [v, false],
      ].slice(0, history.length),
    );
    const pointer = await decisionModelPointerModel(db).findOne({ name: 'active' }).lean();
    expect(pointer!.history.map((h) => [h.version, h.action, h.by])).toEqual([
      // Credited to the key that signed the retrain or the change, not to a name the client chose.
      [1, 'promote', admin.keyId],
      [v, 'promote', admin.keyId],
      [1, 'rollback', admin.keyId],
    ]);
  }, 120_000);

  it('answers `mosaic model status|history|report` from the CLI', async () => {
    const env = {
      MOSAIC_TASK_QUEUE: w.taskQueue,
      MOSAIC_TEMPORAL_ADDRESS: w.config.temporal.address,
      MOSAIC_MONGODB_URI: w.config.mongodb.uri,
    };
    const status = await mosaic(['model', 'status', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ serving: 'bandit-v1', schedule: { overlap: 'SKIP' } });
    const history = await mosaic(['model', 'history'], env);
    expect(history.stdout).toMatch(/bandit-v1\s+true/);
    const out = path.join(dataDir, 'report.html');
    const report = await mosaic(['model', 'report', '--out', out], env);
    expect(report.code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('bandit-v1 (serving)');
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('refuses, and audits, a model whose weights and checksum were both rewritten in the database, or whose code was removed', async () => {
    // Version 2 (damaged above): its weights rewritten with a checksum to match, as someone with write access to MongoDB could.
    const chunk = await decisionModelChunkModel(db).findOne({ version: 2, index: 0 }).lean();
    const rest = await decisionModelChunkModel(db)
      .find({ version: 2, index: { $gt: 0 } })
      .sort({ index: 1 })
      .lean();
    const weights = Buffer.concat([chunk!, ...rest].map((c) => Buffer.from(c.data.buffer ?? c.data)));
    await decisionModelVersionModel(db).updateOne(
      { version: 2 },
      { $set: { 'artifact.sha256': createHash('sha256').update(weights).digest('hex') } },
    );
    const rewritten = await failureOf(
      w.client.models.change({ operation: 'model.promote', version: 2, reason: 'tampered' }, admin.privateKeyPem),
    );
    expect(rewritten).toMatchObject({
      type: 'ModelRefused',
      message: expect.stringMatching(/model version 2 is refused: its authentication code does not match/),
    });

    await decisionModelVersionModel(db).updateOne({ version: 2 }, { $unset: { 'artifact.mac': 1 } });
    const unsealed = await failureOf(
      w.client.models.change({ operation: 'model.promote', version: 2, reason: 'tampered' }, admin.privateKeyPem),
    );
    expect(unsealed.message).toMatch(/model version 2 is refused: it carries no authentication code/);

    const audit = await auditModel(db).find({ operation: 'model.load', target: 'model:2' }).lean();
    // One entry per refused content: the damaged weights earlier, the rewritten ones, the unsealed header.
    expect(audit.every((a) => a.result === 'denied' && a.actor === 'worker')).toBe(true);
    expect(audit.map((a) => a.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/authentication code does not match/),
        expect.stringMatching(/no authentication code/),
      ]),
    );
    // The pointer never moved to it.
    expect((await decisionModelPointerModel(db).findOne({ name: 'active' }).lean())!.version).toBe(1);
  }, 120_000);
});
