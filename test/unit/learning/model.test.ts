import { choose, DEFAULT_OBJECTIVE, metricsPrior } from '../../../src/composition/decide';
import { decodeNetwork, encodeNetwork, ModelRefused } from '../../../src/learning/artifact';
import type { DecisionContext } from '../../../src/learning/features';
import { seededRandom } from '../../../src/learning/network';
import { correction, OnlineStats } from '../../../src/learning/online';
import { LearnedModel } from '../../../src/learning/policy';
import { compare, TrainingSet } from '../../../src/learning/train';

const objective = { success: 1, latencyMs: 0, costUsd: 0 };
const exploration = { strategy: 'epsilon-greedy' as const, epsilon: 0.3 };
const metrics = { latencyP50Ms: 50, latencyP95Ms: 90, errorRate: 0.1, calls: 500, cpuMs: 0, memoryMb: 0 };
const ctxIn = (region: string): DecisionContext => ({ account: 'a', region, resourceType: 'database', classification: 'internal', cpu: 0.2, memory: 0.3, network: 0 });
const candidates = [
  { ref: 'eu-fast@1', metrics, preference: 0 },
  { ref: 'us-fast@1', metrics, preference: 0 },
];
/** eu-fast succeeds in Europe, us-fast in the US: only a contextual model can tell. */
const successProbability = (ref: string, region: string) => ((ref === 'eu-fast@1') === region.startsWith('eu') ? 0.95 : 0.3);

/** Logs decisions of an epsilon-greedy prior (blind to region) as outcomes. */
function logged(n: number, seed: number) {
  const random = seededRandom(seed);
  const set = new TrainingSet();
  for (let i = 0; i < n; i++) {
    const region = random() < 0.5 ? 'eu-west-1' : 'us-east-1';
    const context = ctxIn(region);
    const c = choose(candidates, metricsPrior, { context, objective, exploration, random });
    const ok = random() < successProbability(c.ref, region);
    set.add({
      workflowId: `wf-${seed}-${i}`,
      at: new Date(1_700_000_000_000 + i * 1000),
      steps: [
        {
          stage: 'provision',
          ref: c.ref,
          probability: c.probability,
          reason: 'chosen',
          status: ok ? 'succeeded' : 'failed',
          latencyMs: 40,
          decision: { context, candidates, probabilities: c.probabilities, predicted: c.predicted, chosen: c.index, exploration, objective, model: metricsPrior.name },
        },
      ],
    });
  }
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

  it('scores a version it never saw with the metrics prior and flags it for cold-start exploration', () => {
    const fresh = { ref: 'brand-new@1', metrics: { ...metrics, errorRate: 0.2 }, preference: 0 };
    const [, , score] = model.predict(ctxIn('eu-west-1'), [...candidates, fresh], DEFAULT_OBJECTIVE);
    expect(score).toBeCloseTo(0.8 - 0.0001 * 50, 9);
    expect(model.knows('brand-new@1')).toBe(false);
  });

  it('round-trips through its stored form and refuses a damaged one', () => {
    const { header, data } = encodeNetwork(model.trained.network);
    const back = decodeNetwork(header, data);
    expect(new LearnedModel({ ...model.trained, network: back }).predict(ctxIn('eu-west-1'), candidates, objective)).toEqual(model.predict(ctxIn('eu-west-1'), candidates, objective));
    const flipped = Buffer.from(data);
    flipped[10] ^= 0xff;
    expect(() => decodeNetwork(header, flipped)).toThrow(ModelRefused);
    expect(() => decodeNetwork(header, flipped)).toThrow(/do not match their checksum/);
    expect(() => decodeNetwork(header, data.subarray(0, 100))).toThrow(/truncated/);
    expect(() => decodeNetwork({ ...header, featureVersion: 0 }, data)).toThrow(/feature layout v0.*mosaic model retrain/);
    expect(() => decodeNetwork({ ...header, sha256: 'nope' }, data)).toThrow(/header is malformed/);
  });
});

describe('online correction', () => {
  it('moves a failing handler down within tens of calls, shrunk while evidence is thin', () => {
    expect(correction([])).toBe(0);
    expect(correction([-1])).toBeCloseTo(-1 / 6, 12);
    expect(correction(Array(30).fill(-0.9))).toBeCloseTo((-0.9 * 30) / 35, 12);
  });

  it('keeps windows per handler and region, and starts over for a new model', () => {
    const stats = new OnlineStats();
    for (let i = 0; i < 60; i++) stats.record('bandit-v1', 'rds@1', 'eu-west-1', -1);
    expect(stats.correction('bandit-v1', 'rds@1', 'eu-west-1')).toBeCloseTo(-50 / 55, 12);
    expect(stats.correction('bandit-v1', 'rds@1', 'us-east-1')).toBe(0);
    stats.record('bandit-v2', 'rds@1', 'eu-west-1', 0.5);
    expect(stats.correction('bandit-v2', 'rds@1', 'eu-west-1')).toBeCloseTo(0.5 / 6, 12);
  });
});
