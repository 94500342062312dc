import { DEFAULT_OBJECTIVE, metricsPrior } from '../../../src/learning/decide';
import { createHash, randomBytes } from 'node:crypto';
import { authenticate, decodeNetwork, encodeNetwork, ModelRefused, sealHeader } from '../../../src/learning/artifact';
import { correction, OnlineStats } from '../../../src/learning/online';
import { aDecisionContext } from '../../fixtures/decision-context';
import { LearnedModel } from '../../../src/learning/policy';
import { compare, RECENT_SHARE, TrainingSet } from '../../../src/learning/train';
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
    expect(candidate.dr.n).toBe(Math.ceil(set.heldOut.length * RECENT_SHARE));
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
  const eu = aDecisionContext;

  it('moves a failing handler down within tens of calls, shrunk while evidence is thin', () => {
    expect(correction({})).toBe(0);
    expect(correction({ all: [-1] })).toBeCloseTo(-1 / 6, 12);
    expect(correction({ all: Array(30).fill(-0.9) })).toBeCloseTo((-0.9 * 30) / 35, 12);
  });

  it('shrinks a cell towards its region and a region towards the handler', () => {
    const full = Array(50).fill(-1);
    const handler = -50 / 55;
    const region = (-50 + 5 * handler) / 55;
    expect(correction({ all: full, region: full, cell: full })).toBeCloseTo((-50 + 10 * region) / 60, 12);
    // A region with no calls of its own gets the handler's correction.
    expect(correction({ all: full })).toBeCloseTo(handler, 12);
  });

  it('starts over for a new model, and knows nothing of a handler without calls', () => {
    const stats = new OnlineStats();
    for (let i = 0; i < 60; i++) stats.record('bandit-v1', 'rds@1', eu, -1);
    expect(stats.correction('bandit-v1', 'rds@1', eu)).toBeLessThan(-0.8);
    expect(stats.correction('bandit-v1', 'other@1', eu)).toBe(0);
    stats.record('bandit-v2', 'rds@1', eu, 0.5);
    expect(stats.correction('bandit-v1', 'rds@1', eu)).toBe(0);
    const after = stats.correction('bandit-v2', 'rds@1', eu);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(0.5);
  });

  it('counts an error once: the windows hold what the learner has not learnt, and together they approach the residual', () => {
    const stats = new OnlineStats();
    for (let i = 0; i < 300; i++) stats.record('m', 'rds@1', eu, -0.7);
    expect(stats.correction('m', 'rds@1', eu)).toBeCloseTo(-0.7, 1);
  });

  it('sees a handler failing everywhere after a few calls in each of many cells', () => {
    const stats = new OnlineStats();
    const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-south-1'];
    const types = ['database', 'bucket', 'service'];
    // Two failed calls in each of the 12 cells: per cell that is little evidence, together it is 24 calls.
    for (const region of regions)
      for (const resourceType of types) for (let i = 0; i < 2; i++) stats.record('m', 'h@1', { ...eu, region, resourceType }, -0.9);
    expect(stats.correction('m', 'h@1', eu)).toBeLessThan(-0.6);
  });

  it('moves only the resource type the model is wrong about', () => {
    const stats = new OnlineStats();
    for (let i = 0; i < 40; i++) {
      stats.record('bandit-v1', 'rds@1', eu, -0.8);
      stats.record('bandit-v1', 'rds@1', { ...eu, resourceType: 'bucket' }, 0);
    }
    const database = stats.correction('bandit-v1', 'rds@1', eu);
    const bucket = stats.correction('bandit-v1', 'rds@1', { ...eu, resourceType: 'bucket' });
    expect(database).toBeLessThan(-0.6);
    expect(Math.abs(bucket)).toBeLessThan(0.2);
  });

  it('learns what the windows do not key on: a handler that fails for one classification only, in every region', () => {
    const stats = new OnlineStats();
    const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-south-1'];
    for (let i = 0; i < 200; i++) {
      const region = regions[i % regions.length]!;
      stats.record('m', 'rds@1', { ...eu, region, classification: 'pci' }, -0.8);
      stats.record('m', 'rds@1', { ...eu, region, classification: 'internal' }, 0);
    }
    const pci = stats.correction('m', 'rds@1', { ...eu, classification: 'pci' });
    const internal = stats.correction('m', 'rds@1', { ...eu, classification: 'internal' });
    // The windows alone would give both the same -0.4 (their cells are regions and resource types).
    expect(pci).toBeLessThan(-0.6);
    expect(internal).toBeGreaterThan(-0.2);
  });
});
