import { doublyRobust, doublyRobustDifference, ips, snips, type LoggedSample } from '../../../src/learning/ope';
import { decidePromotion } from '../../../src/learning/promotion';

/**
 * Three logged decisions over two actions, small enough to compute by hand:
 *   w = target[chosen] / propensity = 0.8/0.5, 0.2/0.25, 0.8/0.5 = 1.6, 0.8, 1.6
 *   IPS terms w·r = 1.6, 0, 0.8 → mean 0.8
 *   SNIPS = Σw·r / Σw = 2.4 / 4.0 = 0.6
 *   DR terms Σπ·r̂ + w(r − r̂(chosen)):
 *     0.8·0.6+0.2·0.4 = 0.56, + 1.6·(1−0.6) = 1.2
 *     0.8·0.6+0.2·0.4 = 0.56, + 0.8·(0−0.4) = 0.24
 *     0.8·0.5+0.2·0.5 = 0.5,  + 1.6·(0.5−0.5) = 0.5   → mean 1.94/3
 */
const samples: LoggedSample[] = [
  { propensity: 0.5, reward: 1, chosen: 0, target: [0.8, 0.2], predicted: [0.6, 0.4] },
  { propensity: 0.25, reward: 0, chosen: 1, target: [0.8, 0.2], predicted: [0.6, 0.4] },
  { propensity: 0.5, reward: 0.5, chosen: 0, target: [0.8, 0.2], predicted: [0.5, 0.5] },
];

describe('off-policy estimators on a hand-computed logged set', () => {
  it('IPS', () => {
    const e = ips(samples);
    expect(e.value).toBeCloseTo(0.8, 12);
    // sd of (1.6, 0, 0.8) = 0.8; half-width 1.96·0.8/√3.
    expect(e.upper - e.value).toBeCloseTo(1.959963984540054 * (0.8 / Math.sqrt(3)), 9);
    expect(e.n).toBe(3);
  });

  it('self-normalised IPS', () => {
    const e = snips(samples);
    expect(e.value).toBeCloseTo(0.6, 12);
    // Delta method: √Σ(w(r−V))² / Σw = √(0.64²+0.48²+0.16²)/4.
    expect(e.upper - e.value).toBeCloseTo((1.959963984540054 * Math.sqrt(0.64 ** 2 + 0.48 ** 2 + 0.16 ** 2)) / 4, 9);
  });

  it('doubly robust', () => {
    expect(doublyRobust(samples).value).toBeCloseTo(1.94 / 3, 12);
  });

  it('equal target and logging policies make IPS the plain mean reward', () => {
    const onPolicy = samples.map((s) => ({
      ...s,
      target: s.chosen === 0 ? [s.propensity, 1 - s.propensity] : [1 - s.propensity, s.propensity],
    }));
    expect(ips(onPolicy).value).toBeCloseTo(0.5, 12);
  });
});

describe('doublyRobustDifference', () => {
  it('is the mean of paired DR differences', () => {
    const other = samples.map((s) => ({ ...s, target: [0.5, 0.5] }));
    // DR terms of `other`: 0.5+0.8·... computed as for `samples` with π = (0.5, 0.5).
    const terms = [0.5 * 0.6 + 0.5 * 0.4 + 1 * 0.4, 0.5 * 0.6 + 0.5 * 0.4 + 2 * -0.4, 0.5 * 0.5 + 0.5 * 0.5 + 0];
    expect(doublyRobustDifference(samples, other).value).toBeCloseTo((1.94 - terms.reduce((a, b) => a + b, 0)) / 3, 12);
    expect(doublyRobustDifference(samples, samples)).toMatchObject({ value: 0, lower: 0, upper: 0 });
  });
});

describe('decidePromotion', () => {
  const estimate = (value: number, half: number, n = 500) => ({ value, lower: value - half, upper: value + half, n });
  const opts = { margin: 0.01, minSamples: 100 };

  it('promotes when the paired lower bound beats the current estimate by the margin', () => {
    const d = decidePromotion({ current: { dr: estimate(0.8, 0.05) }, difference: estimate(0.05, 0.02) }, opts);
    expect(d).toMatchObject({ promote: true, reason: expect.stringMatching(/lower bound 0.8300 .* beats current \+ margin 0.01/) });
  });

  it('keeps the current model when the gain could be noise or is under the margin', () => {
    expect(decidePromotion({ current: { dr: estimate(0.8, 0.01) }, difference: estimate(0.05, 0.06) }, opts).promote).toBe(false);
    const d = decidePromotion({ current: { dr: estimate(0.8, 0.01) }, difference: estimate(0.012, 0.005) }, opts);
    expect(d).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/does not beat current \+ margin 0.01 \(estimated gain 0.0120\)/),
    });
  });

  it('with margin 0 (the default), promotes on any gain the paired interval is sure of, and only then', () => {
    const zero = { margin: 0, minSamples: 100 };
    expect(decidePromotion({ current: { dr: estimate(0.9, 0.01) }, difference: estimate(0.004, 0.003) }, zero)).toMatchObject({
      promote: true,
      reason: expect.stringMatching(/beats current \+ margin 0$/),
    });
    expect(decidePromotion({ current: { dr: estimate(0.9, 0.01) }, difference: estimate(0.004, 0.005) }, zero).promote).toBe(false);
    expect(decidePromotion({ current: { dr: estimate(0.9, 0.01) }, difference: estimate(0, 0) }, zero).promote).toBe(false);
  });

  it('keeps the current model on too few held-out decisions', () => {
    expect(decidePromotion({ current: { dr: estimate(0.5, 0.01) }, difference: estimate(0.4, 0.001, 20) }, opts)).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/only 20 held-out/),
    });
  });
});
