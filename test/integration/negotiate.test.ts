import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { NegotiationClosed } from '../../src/client/negotiation';
import { ConstraintsConflictError, UnknownPersonaError } from '../../src/client/negotiation-errors';
import { personaModel } from '../../src/models/persona';
import { registry } from '../../src/observability/metrics';
import type { NegotiationRequestInput } from '../../src/negotiation/request';
import { answerQuestionsUpdate, feedbackSignal, type NegotiationView } from '../../src/contract/negotiate';
import { failureOf } from '../harness/failures';
import { recordHistory } from '../harness/histories';
import { stopLocalServices } from '../harness/services';
import { startTestWorker, type TestWorker } from '../harness/worker';

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
/** A counter's value now (the test worker runs in this process, so its metrics are ours to read). */
const count = async (name: string, labels: Record<string, string>) =>
  (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ??
  0;
const rounds = async (): Promise<Record<string, number>> =>
  Object.fromEntries(
    await Promise.all(
      ['modify', 'reject', 'addConstraints', 'accept'].map(async (r) => [
        r,
        await count('mosaic_negotiation_rounds_total', { response: r }),
      ]),
    ),
  );

describe('negotiateInstance on the local provider against the real stack', () => {
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  const account = id('acct');
  const reminders: string[] = [];
  const hook = http.createServer((req, res) => {
    reminders.push(String(req.headers['idempotency-key']));
    res.statusCode = 204;
    res.end();
  });

  const request = (over: Partial<NegotiationRequestInput> = {}): NegotiationRequestInput => ({
    negotiationId: id('neg'),
    user: 'alice',
    account,
    workload: { kind: 'text', text: 'run a medium-sized e-commerce website with a nightly report' },
    limits: { roundTimeout: '1 hour', deadline: '7 days', maxRounds: 20, roundsPerRun: 10 },
    observe: { window: '2 seconds', threshold: 0.3 },
    ...over,
  });
  const until = async (workflowId: string, done: (v: NegotiationView) => boolean): Promise<NegotiationView> => {
    for (;;) {
      const v = await w.client.negotiations.show(workflowId);
      if (done(v)) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/negotiate_${randomUUID().slice(0, 8)}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-negotiate-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_NEGOTIATION_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as { port: number }).port}/reminders`,
    });
    db = await mongoose.createConnection(uri).asPromise();
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    hook.close();
    // The agreed instances are child processes: stop them before their records go with the data dir.
    await stopLocalServices(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('negotiates with a person: modify, reject, add constraints, accept; provisions once and reviews usage', async () => {
    const n = w.client.negotiations;
    const roundsBefore = await rounds();
    const agreedBefore = await count('mosaic_outcomes_total', { kind: 'negotiate', result: 'agreed' });
    const { workflowId } = await n.start(request({ observe: { window: '5 minutes', threshold: 0.3 } }));
    let v = await until(workflowId, (x) => x.status === 'awaiting-feedback');
    expect(v.round).toBe(1);
    expect(v.analysis).toMatchObject({ role: 'web-server', method: 'workload-analyzer', kind: 'web-application', uncertain: false });
    expect(v.proposals.length).toBeGreaterThanOrEqual(2);
    const first = v.proposals[0]!;

    // modify: re-validated and re-priced, same round.
    v = await n.feedback(workflowId, 'modify', { proposalId: first.id, changes: { storageGb: 300, storageKind: 'gp3' }, by: 'alice' });
    const modified = v.proposals.find((p) => p.id === first.id)!;
    expect(modified).toMatchObject({ modified: true, storage: expect.objectContaining({ kind: 'gp3', sizeGbEach: 300 }) });
    expect(v.round).toBe(1);
    const rejected = v.proposals;

    // reject because of cost: round 2 is cheaper than anything rejected, and none of it again.
    v = await n.feedback(workflowId, 'reject', { because: 'cost', reason: 'too expensive', by: 'alice' });
    expect(v.round).toBe(2);
    for (const p of v.proposals) {
      expect(p.monthlyUsd).toBeLessThan(Math.min(...rejected.map((r) => r.monthlyUsd)));
      expect(rejected.map((r) => r.key)).not.toContain(p.key);
      expect(p.id).toMatch(/^r2-p\d$/);
    }

    // add constraints, with an update id sent twice: applied once.
    const updateId = randomUUID();
    v = await n.feedback(workflowId, 'addConstraints', { constraints: ['no burstable types'] }, updateId);
    const again = await n.feedback(workflowId, 'addConstraints', { constraints: ['no burstable types'] }, updateId);
    expect(again.round).toBe(3);
    expect(v.round).toBe(3);
    for (const p of v.proposals) expect(p.burstable).toBe(false);
    expect(v.constraints).toContain('no burstable types');

    // Bad feedback is refused with the reason, and changes nothing.
    expect((await failureOf(n.feedback(workflowId, 'accept', { proposalId: 'r9-p9' }))).message).toMatch(
      /proposal r9-p9 does not exist; the current proposals are r3-p1/,
    );
    const conflict = await failureOf(n.feedback(workflowId, 'addConstraints', { constraints: ['at most 5 per month'] }));
    expect(conflict).toMatchObject({ type: 'ConstraintsConflict' });
    expect(conflict.message).toMatch(
      // A limit nothing meets on its own says so after its label.
      /these constraints conflict: .*"at most \$5\/month \(no configuration with price data meets it on its own\)".*Nearest relaxations: raise the monthly limit to \$\d+/,
    );
    expect(
      (await failureOf(n.feedback(workflowId, 'modify', { proposalId: v.proposals[0]!.id, changes: { instanceType: 't3.nano' } }))).message,
    ).toMatch(/breaks "vCPUs ≥ peak/);
    expect((await n.show(workflowId)).round).toBe(3);

    // accept → provision (a real process answering on its port) → observe → review.
    const chosen = v.proposals[0]!;
    v = await n.feedback(workflowId, 'accept', { proposalId: chosen.id, by: 'alice' });
    expect(v.agreed?.id).toBe(chosen.id);
    const observing = await until(workflowId, (x) => x.status === 'observing');
    const answer = await fetch(observing.provisioned!.instance.attributes.url!).then((r) => r.json());
    expect(answer).toMatchObject({ ok: true, service: `negotiated-${workflowId}` });
    // The application reports what the shop really used: far less than predicted.
    await n.reportUsage(workflowId, { cpu: 0.1, memoryGb: 0.4, iops: 20, networkGbps: 0.005 });
    const done = await n.result(workflowId);
    expect(done.status).toBe('completed');
    expect(done.provisioned?.instance).toMatchObject({ provider: 'local', kind: 'service', key: `${workflowId}/instance` });
    // A new persona version is proposed and a smaller type recommended, never a burstable one after "no burstable types".
    expect(done.review?.evolution).toMatchObject({ differs: true, newVersion: `${workflowId}-observed@1` });
    expect(done.review?.notLearned).toBeUndefined();
    const recommended = done.review?.cost.recommendation;
    expect(recommended?.savingPerMonthUsd).toBeGreaterThan(0);
    expect(recommended?.instanceType).not.toMatch(/^t\d/);
    expect(done.history.map((h) => h.event)).toEqual([
      'proposed',
      'modified',
      'rejected',
      'constrained',
      'refused',
      'refused',
      'accepted',
      'provisioned',
      'reviewed',
    ]);
    const proposed = await personaModel(db)
      .findOne({ account, name: `${workflowId}-observed` })
      .lean();
    expect(proposed).toMatchObject({ status: 'proposed', visibility: 'private', derivedFrom: workflowId });
    const builtin = await w.client.negotiations.personas({ kind: 'show', user: 'alice', account, ref: 'web-server@1' });
    expect(builtin.usage).toMatchObject({ timesUsed: 1, agreements: 1, totalRounds: 3 });
    // Metrics: one round per answer that ended one (3 rounds, as the persona's usage says); the modification and refusals end none.
    const after = await rounds();
    expect(Object.fromEntries(Object.entries(after).map(([r, v]) => [r, v - roundsBefore[r]!]))).toEqual({
      modify: 0,
      reject: 1,
      addConstraints: 1,
      accept: 1,
    });
    expect(await count('mosaic_outcomes_total', { kind: 'negotiate', result: 'agreed' })).toBe(agreedBefore + 1);

    // Feedback after the end: a clear refusal.
    const late = await failureOf(n.feedback(workflowId, 'reject', {}));
    expect(late.message).toMatch(/has ended \(completed\); it no longer takes feedback/);
    await expect(n.feedback(workflowId, 'reject', {})).rejects.toBeInstanceOf(NegotiationClosed);
    await recordHistory(w.client.temporal, workflowId, 'human');
  }, 120_000);

  it('asks for what the description leaves out, and answers refine the analysis; compliance and exposure come from the text', async () => {
    const n = w.client.negotiations;
    const { workflowId } = await n.start(
      request({ workload: { kind: 'text', text: 'PostgreSQL database for our patient records, HIPAA applies' } }),
    );
    let v = await until(workflowId, (x) => x.status === 'awaiting-feedback');
    expect(v.analysis).toMatchObject({ role: 'database', kind: 'relational-database', compliance: ['hipaa'] });
    expect(v.analysis!.questions.map((q) => q.id)).toEqual(expect.arrayContaining(['dataGib', 'peakRate']));
    // HIPAA read from the text: every proposal encrypts with a customer-managed key.
    for (const p of v.proposals) expect(p.security.encryption).toBe('kms');
    // Nothing stated: a production database's smallest machine, whose memory the answers will outgrow.
    const smallest = Math.min(...v.proposals.map((p) => p.memoryGb));

    // A bad answer is refused before it reaches the history, naming the field.
    const bad = await failureOf(n.answerQuestions(workflowId, { dataGib: -5 }));
    expect(bad).toMatchObject({ type: 'FeedbackRejected' });
    expect(bad.message).toMatch(/answers\.dataGib: expected GiB > 0/);

    v = await n.answerQuestions(workflowId, { dataGib: 300, peakRate: 3000 }, 'alice');
    expect(v.round).toBe(2);
    expect(v.analysis!.answers).toEqual({ dataGib: 300, peakRate: 3000 });
    expect(v.analysis!.questions.map((q) => q.id)).not.toContain('dataGib');
    expect(v.analysis!.profile.storageGb).toBeGreaterThanOrEqual(300);
    for (const p of v.proposals) {
      expect(p.memoryGb).toBeGreaterThan(smallest);
      expect(p.storage.sizeGbEach * p.storage.volumes).toBeGreaterThanOrEqual(300);
      expect(p.security.encryption).toBe('kms');
    }
    expect(v.history.map((h) => h.event)).toEqual(['proposed', 'answered']);
    expect(v.history[1]).toMatchObject({ by: 'alice', detail: expect.stringMatching(/^dataGib 300, peakRate 3000; \d+ new proposals/) });

    // Agreed and left unobserved: the local provider's stand-in process teaches nothing.
    await n.feedback(workflowId, 'accept', { proposalId: v.proposals[0]!.id });
    const done = await n.result(workflowId);
    expect(done.review?.notLearned).toMatch(/stand-in process/);
    expect(done.review?.evolution?.newVersion).toBeUndefined();
    expect(done.review?.cost.recommendation).toBeUndefined();
    expect(await personaModel(db).countDocuments({ account, derivedFrom: workflowId })).toBe(0);
  }, 120_000);

  it("takes answers by signal and in the Web UI's words, as the update takes them, and logs a bad one it cannot refuse", async () => {
    const n = w.client.negotiations;
    const { workflowId } = await n.start(
      request({ workload: { kind: 'text', text: 'PostgreSQL database for our patient records, HIPAA applies' } }),
    );
    await until(workflowId, (x) => x.status === 'awaiting-feedback');
    const handle = w.client.temporal.workflow.getHandle(workflowId);
    // Whoever can only send signals answers in words or as an object; a signal has nobody to refuse, so a bad one is logged.
    await handle.signal(feedbackSignal, 'answer dataGib=-5');
    await handle.signal(feedbackSignal, { kind: 'answer', answers: { dataGib: 300 }, by: 'bob' });
    let v = await until(workflowId, (x) => x.round === 2);
    expect(v.analysis!.answers).toMatchObject({ dataGib: 300 });
    expect(v.analysis!.profile.storageGb).toBeGreaterThanOrEqual(300);
    expect(v.history.map((h) => [h.event, h.by])).toEqual([
      ['proposed', undefined],
      ['ignored', undefined],
      ['answered', 'bob'],
    ]);
    expect(v.history[1]!.detail).toMatch(/answers\.dataGib: expected GiB > 0/);
    // The update as typed into the Web UI's "Send an Update" box: pairs in words.
    v = await handle.executeUpdate(answerQuestionsUpdate, { args: ['peakRate=3000, replication=2'] });
    expect(v.round).toBe(3);
    expect(v.analysis!.answers).toMatchObject({ peakRate: 3000, replication: 2 });
    const bad = await failureOf(handle.executeUpdate(answerQuestionsUpdate, { args: ['peakRate 3000'] }));
    expect(bad.message).toMatch(/"peakRate" is not field=value.*for example "dataGib=500 peakRate=2000"/);
    await n.cancel(workflowId, { reason: 'answered enough' });
    await recordHistory(w.client.temporal, workflowId, 'answers-by-signal');
  }, 120_000);

  it('negotiates by itself under an application policy: adds its constraint, then accepts the cheapest match', async () => {
    const { workflowId } = await w.client.negotiations.start(
      request({
        workload: { kind: 'structured', workload: { role: 'database', requestsPerSecond: 300, datasetGb: 80 } },
        policy: {
          accept: { families: ['z1d'], maxMonthlyUsd: 3000 },
          otherwise: [{ kind: 'families', families: ['z1d'] }],
          giveUpAfterRounds: 4,
        },
      }),
    );
    const done = await w.client.negotiations.result(workflowId);
    expect(done.status).toBe('completed');
    expect(done.agreed?.family).toBe('z1d');
    expect(done.history.filter((h) => h.by === 'policy').map((h) => h.event)).toEqual(['constrained', 'accepted']);
    await recordHistory(w.client.temporal, workflowId, 'policy');
  }, 120_000);

  it('gives up under a policy nothing can meet: after its rounds, or when nothing cheaper exists', async () => {
    const n = w.client.negotiations;
    const rounds = await n.start(
      request({
        workload: { kind: 'structured', workload: { role: 'cache', requestsPerSecond: 500 } },
        policy: { accept: { families: ['x9'] }, otherwise: [], giveUpAfterRounds: 3 },
      }),
    );
    expect(await n.result(rounds.workflowId)).toMatchObject({
      status: 'gave-up',
      round: 3,
      reason: "no proposal met the policy's acceptance criteria in 3 rounds",
    });
    const cheap = await n.start(
      request({
        workload: { kind: 'structured', workload: { role: 'cache', requestsPerSecond: 500 } },
        policy: { accept: { maxMonthlyUsd: 1 }, otherwise: [], giveUpAfterRounds: 20 },
      }),
    );
    // Each "too expensive" round is cheaper (below the cheapest rejected, or their average) until nothing cheaper is left.
    const done = await n.result(cheap.workflowId);
    expect(done.status).toBe('gave-up');
    expect(done.round).toBeLessThan(20);
    expect(done.reason).toMatch(
      new RegExp(
        `^the policy's reject was refused: no configuration satisfies rejecting r${done.round}-p1.* because of cost .*nothing cheaper fits than the rejected .*: these constraints conflict`,
      ),
    );
    expect(done.provisioned).toBeUndefined();
  }, 60_000);

  it('keeps history bounded across many rounds with continue-as-new; signals and duplicates count once', async () => {
    const n = w.client.negotiations;
    const { workflowId } = await n.start(
      request({
        workload: { kind: 'structured', workload: { role: 'web-server', requestsPerSecond: 50 } },
        limits: { roundTimeout: '1 hour', deadline: '7 days', maxRounds: 50, roundsPerRun: 2 },
      }),
    );
    await until(workflowId, (x) => x.status === 'awaiting-feedback');
    for (let i = 0; i < 5; i++) await n.feedback(workflowId, 'reject', { because: i % 2 ? 'family' : 'storage' });
    // Fire-and-forget: the same signal id twice moves one round.
    await n.signal(workflowId, { id: 'sig-1', kind: 'reject' });
    await n.signal(workflowId, { id: 'sig-1', kind: 'reject' });
    const v = await until(workflowId, (x) => x.round === 7);
    await new Promise((r) => setTimeout(r, 500));
    const settled = await n.show(workflowId);
    expect(settled.round).toBe(7);
    expect(settled.run).toBeGreaterThanOrEqual(3);
    expect(v.history.filter((h) => h.event === 'continued').length).toBeGreaterThanOrEqual(2);
    // A signal the negotiation cannot apply is recorded, not applied.
    await n.signal(workflowId, { kind: 'accept', proposalId: 'nope' });
    const ignored = await until(workflowId, (x) => x.history.some((h) => h.event === 'ignored'));
    expect(ignored.history.find((h) => h.event === 'ignored')!.detail).toMatch(/proposal nope does not exist/);
    await n.feedback(workflowId, 'accept', { proposalId: ignored.proposals[0]!.id });
    expect((await n.result(workflowId)).status).toBe('completed');
  }, 120_000);

  it('refuses an unknown persona and contradictory constraints with clear failures', async () => {
    const unknown = await w.client.negotiations.start(request({ basePersona: 'no-such-persona' }));
    expect(await failureOf(w.client.negotiations.result(unknown.workflowId))).toMatchObject({
      type: 'UnknownPersona',
      message: expect.stringMatching(/persona no-such-persona does not exist or is not visible/),
    });
    await expect(w.client.negotiations.result(unknown.workflowId)).rejects.toBeInstanceOf(UnknownPersonaError);
    const contradictory = await w.client.negotiations.start(
      request({
        workload: { kind: 'structured', workload: { role: 'analytics', requestsPerSecond: 5 } },
        constraints: ['at most 10 per month', 'graviton only'],
      }),
    );
    const failure = await failureOf(w.client.negotiations.result(contradictory.workflowId));
    expect(failure.type).toBe('ConstraintsConflict');
    await expect(w.client.negotiations.result(contradictory.workflowId)).rejects.toBeInstanceOf(ConstraintsConflictError);
    expect(failure.message).toMatch(/no configuration satisfies the request: these constraints conflict: .*"at most \$10\/month[^"]*"/);
    expect(failure.message).not.toMatch(/arm64 only/);
  }, 60_000);

  it('reminds through the webhook when a round waits past its timeout', async () => {
    const { workflowId } = await w.client.negotiations.start(
      request({
        workload: { kind: 'structured', workload: { role: 'cache', requestsPerSecond: 100 } },
        limits: { roundTimeout: '1 second', deadline: '4 seconds', maxRounds: 5, roundsPerRun: 10 },
      }),
    );
    const done = await w.client.negotiations.result(workflowId);
    expect(done.status).toBe('expired');
    expect(done.reminders).toBeGreaterThanOrEqual(2);
    expect(reminders).toContain(`${workflowId}/round-1/reminder-1`);
  }, 60_000);
});
