import { DEFAULT_OBJECTIVE, metricsPrior } from '../../../src/learning/decide';
import { createHash, randomBytes } from 'node:crypto';
import { authenticate, decodeNetwork, encodeNetwork, ModelRefused, sealHeader } from '../../../src/learning/artifact';
import { correction, OnlineStats } from '../../../src/learning/online';
import { LearnedModel } from '../../../src/learning/policy';
import { compare, TrainingSet } from '../../../src/learning/train';
import { candidates, ctxIn, loggedOutcomes, objective } from '../../fixtures/logged-outcomes';

/** Outcomes of a region-blind prior over two handlers, each good in one region. */
function logged(n: number, seed: number) {
  const set = new TrainingSet();
  for (const o of loggedOutcomes(n, seed)) set.add(o);
  return set;
}

describe('the learned model', () => {
  let set: TrainingSet;
  let model: LearnedModel;

  beforeAll(async () => {
    set = logged(3000, 1);
    const { network, loss } = await set.fit({ epochs: 8, batchSize: 128, learningRate: 0.01, seed: 3 });
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    model = new LearnedModel({ version: 1, network, knownRefs: [...set.refs] });
  }, 60_000);

  it('learns which handler succeeds in which region and scores all candidates in one batch', () => {
    const eu = model.predict(ctxIn('eu-west-1'), candidates, objective);
    const us = model.predict(ctxIn('us-east-1'), candidates, objective);
    expect(eu[0]!).toBeGreaterThan(eu[1]! + 0.3);
    expect(us[1]!).toBeGreaterThan(us[0]! + 0.3);
  });

  it('beats the blind prior off-policy on held-out decisions, with intervals', () => {
    const { candidate, current } = compare(model, metricsPrior, set.heldOut);
    expect(candidate.dr.n).toBeGreaterThan(400);
    expect(candidate.dr.lower).toBeGreaterThan(current.dr.value);
    for (const report of [candidate, current]) {
      for (const e of [report.ips, report.snips, report.dr]) expect(e.lower).toBeLessThanOrEqual(e.upper);
    }
  });

  it('predicts many decisions in one batch exactly as one at a time', () => {
    const decisions = ['eu-west-1', 'us-east-1', 'ap-south-1'].map((r) => ({ context: ctxIn(r), candidates, objective }));
    expect(model.predictMany(decisions)).toEqual(decisions.map((d) => model.predict(d.context, d.candidates, d.objective)));
  });

  it('scores a version it never saw with the metrics prior and flags it for cold-start exploration', () => {
    const fresh = { ref: 'brand-new@1', metrics: { ...candidates[0]!.metrics, errorRate: 0.2 }, preference: 0 };
    const [, , score] = model.predict(ctxIn('eu-west-1'), [...candidates, fresh], DEFAULT_OBJECTIVE);
    expect(score).toBeCloseTo(0.8 - 0.0001 * 50, 9);
    expect(model.knows('brand-new@1')).toBe(false);
  });

  it('round-trips through its stored form and refuses a damaged one', () => {
    const { header, data } = encodeNetwork(model.trained.network);
    const back = decodeNetwork(header, data);
    expect(new LearnedModel({ ...model.trained, network: back }).predict(ctxIn('eu-west-1'), candidates, objective)).toEqual(
      model.predict(ctxIn('eu-west-1'), candidates, objective),
    );
    const flipped = Buffer.from(data);
    flipped[10] ^= 0xff;
    expect(() => decodeNetwork(header, flipped)).toThrow(ModelRefused);
    expect(() => decodeNetwork(header, flipped)).toThrow(/do not match their checksum/);
    expect(() => decodeNetwork(header, data.subarray(0, 100))).toThrow(/truncated/);
    expect(() => decodeNetwork({ ...header, featureVersion: 0 }, data)).toThrow(/feature layout v0.*mosaic model retrain/);
    expect(() => decodeNetwork({ ...header, sha256: 'nope' }, data)).toThrow(/header is malformed/);
  });

  it('authenticates a sealed version and refuses one edited, moved, unsealed or sealed with another key', () => {
    const key = randomBytes(32);
    const { header, data } = encodeNetwork(model.trained.network);
    const refs = ['a@1', 'b@1'];
    const sealed = sealHeader(key, 7, header, refs);
    expect(() => authenticate(key, 7, sealed, refs)).not.toThrow();
    // Weights and checksum rewritten together: the checksum passes, the code does not.
    const rewritten = Buffer.from(data);
    rewritten[10] ^= 0xff;
    const resummed = { ...sealed, sha256: createHash('sha256').update(rewritten).digest('hex') };
    expect(() => decodeNetwork(resummed, rewritten)).not.toThrow();
    expect(() => authenticate(key, 7, resummed, refs)).toThrow(/authentication code does not match/);
    expect(() => authenticate(key, 8, sealed, refs)).toThrow(/authentication code does not match/);
    expect(() => authenticate(key, 7, sealed, [...refs, 'c@1'])).toThrow(/authentication code does not match/);
    expect(() => authenticate(randomBytes(32), 7, sealed, refs)).toThrow(ModelRefused);
    expect(() => authenticate(key, 7, header, refs)).toThrow(/carries no authentication code.*MOSAIC_MODEL_KEY/);
  });
});

describe('online correction', () => {
  it('moves a failing handler down within tens of calls, shrunk while evidence is thin', () => {
    expect(correction({})).toBe(0);
    expect(correction({ all: [-1] })).toBeCloseTo(-1 / 6, 12);
    expect(correction({ all: Array(30).fill(-0.9) })).toBeCloseTo((-0.9 * 30) / 35, 12);
  });

  it('keeps windows per handler, region and cell, and starts over for a new model', () => {
    const stats = new OnlineStats();
    const eu = { region: 'eu-west-1', resourceType: 'database' };
    for (let i = 0; i < 60; i++) stats.record('bandit-v1', 'rds@1', eu, -1);
    // Every window holds the last 50: the handler's shrunk to 0, the region's towards it, the cell's towards the region's.
    const handler = -50 / 55;
    const region = (-50 + 5 * handler) / 55;
    expect(stats.correction('bandit-v1', 'rds@1', eu)).toBeCloseTo((-50 + 10 * region) / 60, 12);
    // Another region has no calls of its own: it gets the handler's correction.
    expect(stats.correction('bandit-v1', 'rds@1', { region: 'us-east-1', resourceType: 'database' })).toBeCloseTo(handler, 12);
    expect(stats.correction('bandit-v1', 'other@1', eu)).toBe(0);
    stats.record('bandit-v2', 'rds@1', eu, 0.5);
    const h2 = 0.5 / 6;
    const r2 = (0.5 + 5 * h2) / 6;
    expect(stats.correction('bandit-v2', 'rds@1', eu)).toBeCloseTo((0.5 + 10 * r2) / 11, 12);
  });

  it('sees a handler failing everywhere after a few calls in each of many cells', () => {
    const stats = new OnlineStats();
    const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-south-1'];
    const types = ['database', 'bucket', 'service'];
    // Two failed calls in each of the 12 cells: per cell that is little evidence, together it is 24 calls.
    for (const region of regions)
      for (const resourceType of types) for (let i = 0; i < 2; i++) stats.record('m', 'h@1', { region, resourceType }, -0.9);
    expect(stats.correction('m', 'h@1', { region: 'eu-west-1', resourceType: 'database' })).toBeLessThan(-0.6);
  });

  it('moves only the resource type the model is wrong about, and the others of the region by the region share', () => {
    const stats = new OnlineStats();
    for (let i = 0; i < 40; i++) stats.record('bandit-v1', 'rds@1', { region: 'eu-west-1', resourceType: 'database' }, -0.8);
    for (let i = 0; i < 40; i++) stats.record('bandit-v1', 'rds@1', { region: 'eu-west-1', resourceType: 'bucket' }, 0);
    const database = stats.correction('bandit-v1', 'rds@1', { region: 'eu-west-1', resourceType: 'database' });
    const bucket = stats.correction('bandit-v1', 'rds@1', { region: 'eu-west-1', resourceType: 'bucket' });
    const service = stats.correction('bandit-v1', 'rds@1', { region: 'eu-west-1', resourceType: 'service' });
    // The handler and region windows hold the last 50 calls: 10 database, 40 bucket.
    const handler = (-0.8 * 10) / 55;
    expect(service).toBeCloseTo((-0.8 * 10 + 5 * handler) / 55, 12);
    expect(database).toBeLessThan(-0.6);
    expect(bucket).toBeGreaterThan(service);
    expect(bucket).toBeLessThan(0);
  });
});
