import { addStep, LINEAR_SLOTS, linearFeatures, linearScore, linearStep, type LinearWeights } from '../../../src/learning/linear';
import { aDecisionContext } from '../../fixtures/decision-context';

const ctx = aDecisionContext;

describe('the online linear learner', () => {
  it('hashes a request into bounded slots, the same way every time, and apart for another account', () => {
    const x = linearFeatures(ctx);
    expect(x.every(([slot]) => Number.isInteger(slot) && slot >= 0 && slot < LINEAR_SLOTS)).toBe(true);
    expect(linearFeatures({ ...ctx })).toEqual(x);
    const other = new Set(linearFeatures({ ...ctx, account: 'team-b' }).map(([slot]) => slot));
    expect(x.some(([slot]) => !other.has(slot))).toBe(true);
  });

  it('drops a load that is not a number instead of poisoning every weight it touches', () => {
    const x = linearFeatures({ ...ctx, cpu: Number.NaN, network: Number.POSITIVE_INFINITY });
    expect(x.every(([, v]) => Number.isFinite(v))).toBe(true);
    expect(linearStep(undefined, x, Number.NaN)).toEqual({ w: {}, g: {} });
  });

  it('never carries the prediction past its target, however large the residual', () => {
    const x = linearFeatures(ctx);
    for (const target of [5, -3, 0.01]) {
      const after = linearScore(addStep({ w: {}, g: {} }, linearStep(undefined, x, target)), x);
      expect(Math.sign(after)).toBe(Math.sign(target));
      expect(Math.abs(after)).toBeLessThanOrEqual(Math.abs(target));
    }
  });

  it('learns a residual that differs by account and region, and keeps them apart', () => {
    const weights: LinearWeights = { w: {}, g: {} };
    const cells = [
      { c: { ...ctx, account: 'team-a' }, target: -0.6 },
      { c: { ...ctx, account: 'team-b' }, target: 0.2 },
      { c: { ...ctx, account: 'team-a', region: 'us-east-1' }, target: 0 },
    ];
    for (let i = 0; i < 600; i++) {
      const { c, target } = cells[i % cells.length]!;
      addStep(weights, linearStep(weights, linearFeatures(c), target));
    }
    for (const { c, target } of cells) expect(linearScore(weights, linearFeatures(c))).toBeCloseTo(target, 1);
  });

  it('takes smaller steps in slots that have seen many gradients (adaptive)', () => {
    const x = linearFeatures(ctx);
    const first = linearStep(undefined, x, 1);
    const seasoned: LinearWeights = { w: {}, g: Object.fromEntries(x.map(([slot]) => [slot, 100])) };
    const later = linearStep(seasoned, x, 1);
    const size = (s: LinearWeights) => Object.values(s.w).reduce((a, d) => a + Math.abs(d), 0);
    expect(size(later)).toBeLessThan(size(first) / 3);
  });

  it('reads a damaged stored weight as none, so no score and no step is NaN', () => {
    const x = linearFeatures(ctx);
    const damaged = {
      w: Object.fromEntries(x.map(([slot], i) => [slot, i % 2 ? Number.NaN : ('high' as unknown as number)])),
      g: Object.fromEntries(x.map(([slot]) => [slot, -5])),
    };
    expect(linearScore(damaged, x)).toBe(0);
    const step = linearStep(damaged, x, 0.5);
    expect([...Object.values(step.w), ...Object.values(step.g)].every(Number.isFinite)).toBe(true);
    expect(step).toEqual(linearStep(undefined, x, 0.5));
  });
});
