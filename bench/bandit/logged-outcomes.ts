// What a retrain reads, for the benches that time one: outcomes logged by the
// cold-start prior (ε-greedy over the metrics prior) on the simulated world.
import { choose, metricsPrior } from '../../src/learning/decide';
import type { OutcomeForLearning } from '../../src/learning/logged';
import { LearnedModel } from '../../src/learning/policy';
import { compare, TrainingSet } from '../../src/learning/train';
import { seededRandom } from '../../src/random';
import { HANDLERS, OBJECTIVE, type Row } from './world';

export function loggedOutcomes(rows: Row[], seed: number): OutcomeForLearning[] {
  const random = seededRandom(seed + 1);
  const exploration = { strategy: 'epsilon-greedy' as const, epsilon: 0.2 };
  const metrics = { latencyP50Ms: 100, latencyP95Ms: 200, errorRate: 0.1, calls: 1000, cpuMs: 0, memoryMb: 0 };
  const candidates = HANDLERS.map((ref) => ({ ref, metrics, preference: 0 }));
  return rows.map((row) => {
    const c = choose(candidates, metricsPrior, { context: row.ctx, objective: OBJECTIVE, exploration, random });
    return {
      workflowId: `retrain-${row.t}`,
      at: new Date(row.t * 1000),
      steps: [
        {
          stage: 'provision',
          ref: c.ref,
          probability: c.probability,
          reason: 'chosen',
          status: row.success[c.index] ? 'succeeded' : 'failed',
          latencyMs: row.latencyMs[c.index],
          decision: {
            context: row.ctx,
            candidates,
            probabilities: c.probabilities,
            predicted: c.predicted,
            chosen: c.index,
            exploration,
            objective: OBJECTIVE,
            model: metricsPrior.name,
          },
        },
      ],
    };
  });
}

/** A retrain's in-process work on these outcomes (featurize, fit, evaluate candidate and prior off-policy), in seconds. */
export async function retrainInProcess(outcomes: OutcomeForLearning[]): Promise<number> {
  const started = performance.now();
  const set = new TrainingSet();
  for (const o of outcomes) set.add(o);
  const { network } = await set.fit();
  compare(new LearnedModel({ version: 1, network, knownRefs: [...set.refs] }), metricsPrior, set.heldOut);
  return Math.round((performance.now() - started) / 100) / 10;
}
