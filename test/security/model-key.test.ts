import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import mongoose, { type Connection } from 'mongoose';
import { createModelStore } from '../../src/activities/model-store';
import { runDoctor } from '../../src/operator/doctor';
import { MosaicClient } from '../../src/client/mosaic-client';
import { loadConfig } from '../../src/config';
import { keyFingerprint } from '../../src/learning/artifact';
import { DEFAULT_SPEC, OUTPUTS, type Network } from '../../src/learning/network';
import { decisionModelVersionModel } from '../../src/models/decision-model';
import { eventually } from '../harness/eventually';
import { killWorker, startWorkerProcess, waitForPoller } from '../harness/worker-process';

const estimate = { value: 0, lower: 0, upper: 0, n: 0 };
const ope = { ips: estimate, snips: estimate, dr: estimate };

/** A small but complete network: what a retrain would store, with zero weights. */
function zeroNetwork(): Network {
  const { featureDim, hidden } = DEFAULT_SPEC;
  const shapes = [[featureDim, hidden], [hidden], [hidden, OUTPUTS], [OUTPUTS]];
  return { spec: DEFAULT_SPEC, weights: shapes.map((shape) => ({ shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) })) };
}

// A fleet whose workers were given different MOSAIC_MODEL_KEYs (a rotated
// secret reached half of them) used to serve different models and flip
// `model status` between them. The active model now records which key
// sealed it; a worker holding another refuses to serve it and says which key
// it expected, in its start log and in `mosaic doctor`.
describe('one model key per fleet', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-modelkey-'));
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/modelkey_${randomUUID().slice(0, 8)}`;
  const envOf = (key: Buffer, queue: string) => ({
    MOSAIC_TASK_QUEUE: queue,
    MOSAIC_MONGODB_URI: uri,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_MODEL_KEY: key.toString('hex'),
  });
  const envA = envOf(keyA, `modelkey-a-${randomUUID()}`);
  const envB = envOf(keyB, `modelkey-b-${randomUUID()}`);
  const logB = path.join(dataDir, 'worker-b.log');
  let db: Connection;
  let workers: ChildProcess[] = [];
  const config = (env: NodeJS.ProcessEnv) => loadConfig({ ...process.env, ...env });

  beforeAll(async () => {
    db = await mongoose.createConnection(uri).asPromise();
    // Version 1, sealed and promoted by a worker holding key A (the store a worker's retrain writes through).
    const store = createModelStore(db, keyA);
    await store.save(
      {
        version: 1,
        trainedBy: 'retrain-a',
        createdAt: new Date(),
        knownRefs: [],
        training: { outcomes: 0, rows: 0, heldOut: 0, excluded: {} as never, loss: [], seconds: 0, from: new Date(), to: new Date() },
        evaluation: { against: 'prior', candidate: ope, current: ope, difference: estimate, logged: 0 },
      },
      zeroNetwork(),
    );
    await store.activate(1, { by: 'retrain-a', reason: 'test', action: 'promote' });
    workers = [startWorkerProcess(envA, path.join(dataDir, 'worker-a.log')), startWorkerProcess(envB, logB)];
    for (const [w, env] of [
      [workers[0]!, envA],
      [workers[1]!, envB],
    ] as const)
      await MosaicClient.use(config(env), (c) => waitForPoller(c, w));
  }, 330_000);

  afterAll(async () => {
    for (const w of workers) await killWorker(w);
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the model records the fingerprint of the key that sealed it, covered by its code', async () => {
    const doc = await decisionModelVersionModel(db).findOne({ version: 1 }).lean();
    expect(doc!.artifact.keyFingerprint).toBe(keyFingerprint(keyA));
    expect(keyFingerprint(keyA)).not.toBe(keyFingerprint(keyB));
    // The fingerprint names the key without revealing it.
    expect(keyA.toString('hex')).not.toContain(keyFingerprint(keyA));
  });

  it('the worker with the other key says at start that it refuses the active model, and which key it expected', async () => {
    const line = await eventually(async () => {
      const found = fs
        .readFileSync(logB, 'utf8')
        .split('\n')
        .find((l) => l.includes('active model version 1 refused'));
      expect(found).toBeDefined();
      return JSON.parse(found!) as Record<string, unknown>;
    });
    expect(line).toMatchObject({ level: 50, expected: keyFingerprint(keyA), modelKeyFingerprint: keyFingerprint(keyB) });
    expect(line.msg).toContain(`sealed with the model key of fingerprint ${keyFingerprint(keyA)}`);
    expect(fs.readFileSync(logB, 'utf8')).not.toContain(keyB.toString('hex'));
  });

  it('it does not serve it: model status on its queue shows the refusal with both fingerprints; the other serves version 1', async () => {
    const b = await MosaicClient.use(config(envB), (c) => c.models.status());
    expect(b.serving).not.toBe('bandit-v1');
    expect(b.refused).toMatchObject({ version: 1, reason: expect.stringContaining(`fingerprint ${keyFingerprint(keyA)}`) });
    expect(b.refused!.reason).toContain(`this worker's MOSAIC_MODEL_KEY has fingerprint ${keyFingerprint(keyB)}`);
    const a = await MosaicClient.use(config(envA), (c) => c.models.status());
    expect(a.refused).toBeUndefined();
    expect(a.serving).toBe('bandit-v1');
  });

  it('mosaic doctor fails the model-key check against that worker, names the expected key; passes against the other', async () => {
    const b = await runDoctor(config(envB));
    expect(b.ok).toBe(false);
    expect(b.checks.find((c) => c.part === 'model')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`sealed with the model key of fingerprint ${keyFingerprint(keyA)}`),
      fix: expect.stringContaining(`MOSAIC_MODEL_KEY of fingerprint ${keyFingerprint(keyA)}`),
    });
    const a = await runDoctor(config(envA));
    expect(a.checks.find((c) => c.part === 'model')).toMatchObject({ status: 'ok', detail: expect.stringContaining('sealed with it') });
  });
});
