import { metricsPrior, type DecisionModel } from '../../../src/learning/decide';
import type { LoggedDecision } from '../../../src/learning/logged';
import { doublyRobustDifference } from '../../../src/learning/ope';
import { decidePromotion } from '../../../src/learning/promotion';
import { asServed, compare, RECENT_SHARE, samplesFor } from '../../../src/learning/train';
import { seededRandom } from '../../../src/random';
import { ctxIn } from '../../fixtures/logged-outcomes';

const objective = { success: 1, latencyMs: 0, costUsd: 0 };
const exploration = { strategy: 'epsilon-greedy' as const, epsilon: 0.1 };
const metrics = (errorRate: number) => ({ latencyP50Ms: 50, latencyP95Ms: 90, errorRate, calls: 500, cpuMs: 0, memoryMb: 0 });
/** The prior's favourite by its lifetime metrics, `steady@1`, is right nowhere. */
const candidates = [
  { ref: 'eu-fast@1', metrics: metrics(0.4), preference: 0 },
  { ref: 'us-fast@1', metrics: metrics(0.4), preference: 0 },
  { ref: 'steady@1', metrics: metrics(0.2), preference: 0 },
];
const right = (ref: string, region: string) => ref === (region.startsWith('eu') ? 'eu-fast@1' : 'us-fast@1');

/**
 * Decisions the metrics prior made with its online corrections: the prior
 * alone cannot tell the regions apart, its corrections can, so it chose the
 * handler that suits the region nine times in ten.
 */
function servedWithCorrections(n: number, model = metricsPrior.name): LoggedDecision[] {
  const random = seededRandom(5);
  return Array.from({ length: n }, (_, i) => {
    const region = random() < 0.5 ? 'eu-west-1' : 'us-east-1';
    const probabilities = candidates.map((c) => (right(c.ref, region) ? 0.9 : 0.05));
    const u = random();
    const chosen = u < probabilities[0]! ? 0 : u < probabilities[0]! + probabilities[1]! ? 1 : 2;
    const success = random() < (right(candidates[chosen]!.ref, region) ? 0.95 : 0.3) ? 1 : 0;
    return {
      workflowId: `wf-${i}`,
      stage: 'provision',
      at: new Date(i * 1000),
      record: {
        context: ctxIn(region),
        candidates: candidates.map((c) => ({ ...c, correction: right(c.ref, region) ? 0.4 : -0.4 })),
        probabilities,
        predicted: candidates.map(() => 0.9),
        chosen,
        exploration,
        objective,
        model,
      },
      propensity: probabilities[chosen]!,
      success,
      latencyMs: 40,
      reward: success,
    };
  });
}

/** A candidate that learnt Europe only: better than the bare prior, worse than the prior with its corrections. */
const europeOnly: DecisionModel = {
  name: 'bandit-v1',
  predict: (_ctx, cs) => cs.map((c) => (c.ref === 'eu-fast@1' ? 0.9 : 0.4)),
};

describe('comparing a candidate with the serving model', () => {
  const decisions = servedWithCorrections(2000);

  it('refuses a candidate that beats the bare serving model but not the serving model as it served', () => {
    // Against the prior's scores alone (what the gate used to read), the candidate wins clearly...
    const bare = doublyRobustDifference(samplesFor(europeOnly, europeOnly, decisions), samplesFor(metricsPrior, europeOnly, decisions));
    expect(bare.lower).toBeGreaterThan(0);
    // ...but the prior served with its corrections, and that earned more.
    const comparison = compare(europeOnly, metricsPrior, decisions);
    expect(comparison.current.ips.value).toBeCloseTo(comparison.logged, 12);
    expect(comparison.difference.upper).toBeLessThan(0);
    expect(decidePromotion(comparison, { margin: 0, minSamples: 100 }).promote).toBe(false);
  });

  it('judges only the decisions the serving model made, and says when they are too few', () => {
    const mixed = [...servedWithCorrections(1000, 'bandit-v3'), ...decisions.slice(0, 200)];
    const comparison = compare(europeOnly, metricsPrior, mixed);
    // The latest quarter of the serving model's 200.
    expect(comparison.difference.n).toBe(50);
    expect(decidePromotion(comparison, { margin: 0, minSamples: 100 })).toMatchObject({
      promote: false,
      reason: expect.stringMatching(/only 50 held-out decisions made by the serving model/),
    });
  });

  it('judges on the latest decisions: a candidate right about the world before a handler degraded is refused', () => {
    // Europe only; eu-fast was the one to use until the last quarter, when it degraded and us-fast took over.
    const random = seededRandom(9);
    const n = 4000;
    const shifted = Array.from({ length: n }, (_, i): LoggedDecision => {
      const late = i >= 0.75 * n;
      const best = late ? 'us-fast@1' : 'eu-fast@1';
      // The serving policy was still learning early on, and had caught up by the change.
      const probabilities = candidates.map((c) => (i < n / 2 ? 1 / 3 : c.ref === best ? 0.9 : 0.05));
      const u = random();
      const chosen = u < probabilities[0]! ? 0 : u < probabilities[0]! + probabilities[1]! ? 1 : 2;
      const success = random() < (candidates[chosen]!.ref === best ? 0.95 : 0.3) ? 1 : 0;
      return {
        ...decisions[0]!,
        workflowId: `wf-${i}`,
        at: new Date(i * 1000),
        record: { ...decisions[0]!.record, context: ctxIn('eu-west-1'), probabilities, chosen },
        propensity: probabilities[chosen]!,
        success,
        reward: success,
      };
    });
    // Over every decision the candidate looks better: it is credited with the old world, the server charged for learning.
    const candidateSamples = samplesFor(europeOnly, europeOnly, shifted);
    const all = doublyRobustDifference(candidateSamples, asServed(candidateSamples, shifted));
    expect(all.lower).toBeGreaterThan(0);
    const comparison = compare(europeOnly, metricsPrior, shifted);
    expect(comparison.difference.n).toBe(n * RECENT_SHARE);
    expect(comparison.difference.upper).toBeLessThan(0);
    expect(decidePromotion(comparison, { margin: 0, minSamples: 100 }).promote).toBe(false);
  });
});
