// Mosaic's decision step as the worker runs it, driven by the simulated
// stream: the same choose(), featurize, LearnedModel, online corrections and
// retrain-with-OPE-gated-promotion, with the store replaced by memory.
import { choose, metricsPrior, type DecisionModel, type Exploration } from '../../src/learning/decide';
import { latencyBucket, summarize, type MetricCounters } from '../../src/handlers/metrics';
import type { OutcomeForLearning } from '../../src/learning/logged';
import { DEFAULT_TRAINING } from '../../src/learning/network';
import { seededRandom } from '../../src/random';
import { OnlineStats, ONLINE_WINDOW } from '../../src/learning/online';
import { LearnedModel } from '../../src/learning/policy';
import { decidePromotion } from '../../src/learning/promotion';
import { compare, TrainingSet } from '../../src/learning/train';
import { HANDLERS, OBJECTIVE, observed, type Row } from './world';

export interface MosaicSettings {
  exploration: Exploration;
  /** Requests between retrains (the schedule's interval, in traffic). */
  retrainEvery: number;
  /** Outcomes a retrain learns from (the horizon, in traffic). */
  window: number;
  margin: number;
  seed: number;
  /** Ablation: without the online correction between retrains. */
  online?: boolean;
}

export async function runMosaic(
  rows: Row[],
  s: MosaicSettings,
): Promise<{ chosen: number[]; retrains: number; promotions: number; trainSeconds: number }> {
  const random = seededRandom(s.seed);
  let model: DecisionModel = metricsPrior;
  const counters: MetricCounters[] = HANDLERS.map(() => ({ calls: 0, successes: 0, cpuMs: 0, memoryMb: 0, latencyBuckets: {} }));
  const recent: number[][] = HANDLERS.map(() => []);
  const online = new OnlineStats();
  const log: OutcomeForLearning[] = [];
  const chosen: number[] = [];
  let retrains = 0;
  let promotions = 0;
  let trainSeconds = 0;

  for (const row of rows) {
    if (row.t > 0 && row.t % s.retrainEvery === 0) {
      const started = performance.now();
      const set = new TrainingSet();
      for (const o of log.slice(-s.window)) set.add(o);
      const { network } = await set.fit({ ...DEFAULT_TRAINING, seed: s.seed + row.t });
      const candidate = new LearnedModel({ version: ++retrains, network, knownRefs: [...set.refs] });
      if (decidePromotion(compare(candidate, model, set.heldOut), { margin: s.margin, minSamples: 100 }).promote) {
        model = candidate;
        promotions++;
      }
      trainSeconds += (performance.now() - started) / 1000;
    }
    const candidates = HANDLERS.map((ref, h) => ({
      ref,
      metrics: {
        ...summarize(counters[h]!),
        recentErrorRate: recent[h]!.length ? recent[h]!.reduce((a, b) => a + b, 0) / recent[h]!.length : undefined,
      },
      preference: 0,
      correction: s.online === false ? 0 : online.correction(model.name, ref, row.ctx),
    }));
    const choice = choose(candidates, model, { context: row.ctx, objective: OBJECTIVE, exploration: s.exploration, random });
    const h = choice.index;
    chosen.push(h);
    const ok = row.success[h]!;
    const c = counters[h]!;
    c.calls++;
    c.successes += ok;
    const bucket = latencyBucket(row.latencyMs[h]!);
    c.latencyBuckets[bucket] = (c.latencyBuckets[bucket] ?? 0) + 1;
    recent[h]!.push(1 - ok);
    if (recent[h]!.length > ONLINE_WINDOW) recent[h]!.shift();
    online.record(model.name, HANDLERS[h]!, row.ctx, observed(row, h) - choice.predicted[h]!);
    log.push({
      workflowId: `sim-${row.t}`,
      at: new Date(row.t * 1000),
      steps: [
        {
          stage: 'provision',
          ref: HANDLERS[h]!,
          probability: choice.probability,
          reason: 'chosen',
          status: ok ? 'succeeded' : 'failed',
          latencyMs: row.latencyMs[h]!,
          decision: {
            context: row.ctx,
            candidates,
            probabilities: choice.probabilities,
            predicted: choice.predicted,
            chosen: h,
            exploration: s.exploration,
            objective: OBJECTIVE,
            model: model.name,
          },
        },
      ],
    });
  }
  return { chosen, retrains, promotions, trainSeconds };
}
