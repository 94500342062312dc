import fc from 'fast-check';
import { FEATURE_DIM, featurize, featurizeBatch, hash, HASH_SLOTS, type DecisionContext } from '../../../src/learning/features';
import { loggedDecisions, noExclusions } from '../../../src/learning/logged';
import { TrainingSet } from '../../../src/learning/train';
import { storedSteps } from '../../../src/models/outcome';

const ctx: DecisionContext = {
  account: 'acme',
  region: 'eu-west-1',
  resourceType: 'database',
  classification: 'pci',
  cpu: 0.7,
  memory: 0.5,
  network: 0.1,
};
const metrics = { latencyP50Ms: 120, latencyP95Ms: 300, errorRate: 0.05, calls: 40, cpuMs: 0, memoryMb: 0, recentErrorRate: 0.2 };
const candidates = [
  { ref: 'postgres-local@2', metrics, preference: 0 },
  { ref: 'rds@1', metrics: { ...metrics, errorRate: 0.3 }, preference: 0.5, correction: -0.2 },
];

/** An outcome as planComposition and recordOutcome store it. */
const outcome = (workflowId: string, chosen = 1) => ({
  workflowId,
  at: new Date('2026-11-01T00:00:00Z'),
  steps: [
    { stage: 'validate', ref: 'validate-request@1', probability: 1, reason: 'required', status: 'succeeded' as const, latencyMs: 3 },
    {
      stage: 'provision',
      ref: candidates[chosen]!.ref,
      probability: 0.8,
      reason: 'chosen',
      status: 'failed' as const,
      latencyMs: 250,
      decision: {
        context: ctx,
        candidates,
        probabilities: [0.2, 0.8],
        predicted: [0.9, 0.7],
        chosen,
        exploration: { strategy: 'epsilon-greedy' as const, epsilon: 0.1 },
        objective: { success: 1, latencyMs: -0.001, costUsd: 0 },
        model: 'metrics-prior',
      },
    },
  ],
});

describe('featurize', () => {
  it('is the same in training as in serving: the training row equals the served row of the chosen candidate', () => {
    // Serving: the batch the worker scores. Training: the row the retrain builds from the logged outcome.
    const served = featurizeBatch(ctx, candidates).subarray(FEATURE_DIM, 2 * FEATURE_DIM);
    const set = new TrainingSet();
    const id = Array.from({ length: 50 }, (_, i) => `wf-${i}`).find((w) => hash(w) % 5 !== 0)!;
    set.add(outcome(id));
    expect(set.rows).toBe(1);
    expect(Array.from(set.x.subarray(0, FEATURE_DIM))).toEqual(Array.from(served));
  });

  it('does not read the online correction: a row depends on what the model is trained on only', () => {
    expect(featurize(ctx, candidates[1]!)).toEqual(featurize(ctx, { ...candidates[1]!, correction: 0 }));
  });

  it('is deterministic, finite and the documented width for any context', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ noNaN: false }),
        (account, region, cpu, latency) => {
          const c = { ...ctx, account, region, cpu };
          const cand = { ref: 'x@1', metrics: { ...metrics, latencyP50Ms: latency }, preference: 0 };
          const a = featurize(c, cand);
          expect(a).toHaveLength(FEATURE_DIM);
          expect(a.every(Number.isFinite)).toBe(true);
          expect(featurize(c, cand)).toEqual(a);
        },
      ),
    );
  });

  it('hashes request fields, candidate × field and candidate × pair-of-fields crosses into the one-hot slots, and load × candidate as values', () => {
    // At mid load the load crosses are 0, leaving the 22 tokens: 5 fields, ref, id, 5 ref × field, 10 ref × field pair.
    const mid = featurize({ ...ctx, cpu: 0.5, memory: 0.5, network: 0.5 }, candidates[0]!);
    expect(Array.from(mid.subarray(0, HASH_SLOTS)).reduce((a, b) => a + b, 0)).toBe(22);
    const busy = featurize({ ...ctx, cpu: 1, memory: 0.5, network: 0.5 }, candidates[0]!);
    expect(Array.from(busy.subarray(0, HASH_SLOTS)).reduce((a, b) => a + b, 0)).toBe(23);
  });

  it('tells a handler that is good for one region-and-type pair apart from the sum of its region and type effects', () => {
    const at = (region: string, resourceType: string) => featurize({ ...ctx, region, resourceType }, candidates[0]!);
    // Additive features: (eu, db) + (us, bucket) = (eu, bucket) + (us, db). The pair crosses break that identity.
    const [a, b, c, d] = [at('eu-west-1', 'database'), at('us-east-1', 'bucket'), at('eu-west-1', 'bucket'), at('us-east-1', 'database')];
    const differs = Array.from(a).some((_, i) => a[i]! + b[i]! !== c[i]! + d[i]!);
    expect(differs).toBe(true);
  });
});

describe('loggedDecisions', () => {
  it('reads the reward under the logged objective and the logged probability', () => {
    const [d] = loggedDecisions(outcome('wf'), noExclusions());
    expect(d).toMatchObject({ propensity: 0.8, success: 0, latencyMs: 250 });
    expect(d!.reward).toBeCloseTo(-0.25, 12);
  });

  it('counts decisions without a probability and leaves them out of evaluation', () => {
    const excluded = noExclusions();
    const o = outcome('wf');
    const noProbability = { ...o, steps: o.steps.map((s) => ({ ...s, probability: undefined })) };
    const [d] = loggedDecisions(noProbability, excluded);
    expect(d!.propensity).toBeUndefined();
    expect(excluded.missingProbability).toBe(1);
    const legacy = { ...o, steps: o.steps.map(({ decision: _, ...s }) => ({ ...s, probability: undefined })) };
    expect(loggedDecisions(legacy, excluded)).toEqual([]);
    expect(excluded.missingProbability).toBe(2);
  });

  it('counts damaged decision records instead of training on them', () => {
    const excluded = noExclusions();
    const o = outcome('wf');
    const damaged = { ...o, steps: o.steps.map((s) => (s.decision ? { ...s, decision: { ...s.decision, chosen: 7 } } : s)) };
    expect(loggedDecisions(damaged, excluded)).toEqual([]);
    expect(excluded.unreadable).toBe(1);
  });

  it('reads a decision stored as JSON text exactly as one stored as a document, and counts unparseable text as unreadable', () => {
    const o = outcome('wf');
    const asText = { ...o, steps: storedSteps(o.steps) };
    expect(typeof asText.steps[1]!.decision).toBe('string');
    expect(loggedDecisions(asText, noExclusions())).toEqual(loggedDecisions(o, noExclusions()));
    const excluded = noExclusions();
    const truncated = { ...asText, steps: asText.steps.map((s) => (s.decision ? { ...s, decision: s.decision.slice(0, 40) } : s)) };
    expect(loggedDecisions(truncated, excluded)).toEqual([]);
    expect(excluded.unreadable).toBe(1);
  });
});
