import type { Model } from 'mongoose';
import { BURST_FAULTED, BURST_STAGE, burstWindows, parseBurstId, type BurstDecision, type BurstSummary } from '../learning/burst';
import { decisionOf } from '../learning/logged';
import type { OpeReport } from '../learning/ope';
import { modelName } from '../learning/policy';
import { reward } from '../learning/reward';
import type { StoredOutcome } from '../models/outcome';
import type { DecisionModelPointer, DecisionModelVersion } from '../models/decision-model';

/** What `mosaic model report` draws: everything a person needs to judge the models, as plain numbers. */
export interface ReportData {
  generatedAt: string;
  active?: number;
  versions: {
    version: number;
    name: string;
    createdAt: string;
    loss: number[];
    candidate: OpeReport;
    current: OpeReport;
    against: string;
    logged: number;
    promoted?: boolean;
    reason?: string;
  }[];
  /** Mean reward of the model's decisions per time bucket. */
  rewardOverTime: { bucketStart: string; byModel: Record<string, { reward: number; n: number }> }[];
  /** Share of decisions each handler version got, per stage. */
  choiceShares: { stage: string; shares: Record<string, number>; n: number }[];
  outcomes: number;
  /** The newest learning burst of `mosaic demo`, per window, from its logged decisions; absent when none ran. */
  learningBurst?: BurstSummary;
}

const BUCKETS = 24;

/** The newest `limit` outcomes, read page by page, reduced to the report's series. */
export async function reportData(
  outcomes: Model<StoredOutcome>,
  versions: DecisionModelVersion[],
  active: DecisionModelPointer | null,
  limit: number,
): Promise<ReportData> {
  const decisions: { at: number; model: string; stage: string; ref: string; reward: number }[] = [];
  let count = 0;
  for await (const o of outcomes.find({}, { at: 1, steps: 1 }).sort({ at: -1 }).limit(limit).lean().cursor({ batchSize: 1000 })) {
    count++;
    for (const s of o.steps) {
      const record = decisionOf(s.decision);
      if (!record || s.status === 'skipped') continue;
      decisions.push({
        at: new Date(o.at).getTime(),
        model: record.model,
        stage: s.stage,
        ref: s.ref,
        reward: reward(record.objective, s),
      });
    }
  }
  const start = Math.min(...decisions.map((d) => d.at));
  const end = Math.max(...decisions.map((d) => d.at));
  const width = Math.max(1, (end - start) / BUCKETS);
  const buckets: ReportData['rewardOverTime'] = decisions.length
    ? Array.from({ length: BUCKETS }, (_, i) => ({ bucketStart: new Date(start + i * width).toISOString(), byModel: {} }))
    : [];
  for (const d of decisions) {
    const b = buckets[Math.min(BUCKETS - 1, Math.floor((d.at - start) / width))]!;
    const cell = (b.byModel[d.model] ??= { reward: 0, n: 0 });
    cell.reward += (d.reward - cell.reward) / ++cell.n;
  }
  const stages = [...new Set(decisions.map((d) => d.stage))].sort();
  return {
    generatedAt: new Date().toISOString(),
    active: active?.version,
    versions: versions.map((v) => ({
      version: v.version,
      name: modelName(v.version),
      createdAt: v.createdAt.toISOString(),
      loss: v.training.loss,
      candidate: v.evaluation.candidate,
      current: v.evaluation.current,
      against: v.evaluation.against,
      logged: v.evaluation.logged,
      promoted: v.decision?.promote,
      reason: v.decision?.reason,
    })),
    rewardOverTime: buckets.filter((b) => Object.keys(b.byModel).length),
    choiceShares: stages.map((stage) => {
      const mine = decisions.filter((d) => d.stage === stage);
      const shares: Record<string, number> = {};
      for (const d of mine) shares[d.ref] = (shares[d.ref] ?? 0) + 1 / mine.length;
      return { stage, shares, n: mine.length };
    }),
    outcomes: count,
    learningBurst: await latestBurst(outcomes),
  };
}

/** The decisions of the newest burst's watched stage, windowed as its request ids say. */
async function latestBurst(outcomes: Model<StoredOutcome>): Promise<BurstSummary | undefined> {
  const newest = await outcomes
    .findOne({ workflowId: { $regex: '^compose-learning-' } }, { workflowId: 1 })
    .sort({ at: -1 })
    .lean();
  const call = newest && parseBurstId(newest.workflowId);
  if (!call) return undefined;
  const decisions: BurstDecision[] = [];
  const candidates = new Set<string>();
  const mine = outcomes.find({ workflowId: { $regex: `^compose-learning-${call.burst}-` } }, { workflowId: 1, steps: 1 }).lean();
  for await (const o of mine.cursor({ batchSize: 1000 })) {
    const at = parseBurstId(o.workflowId);
    const step = o.steps.find((s) => s.stage === BURST_STAGE && s.reason === 'chosen');
    const record = step && decisionOf(step.decision);
    if (!at || !step || !record || step.status === 'skipped') continue;
    for (const c of record.candidates) candidates.add(c.ref);
    decisions.push({
      phase: at.phase,
      seq: at.seq,
      ref: step.ref,
      failed: step.status === 'failed',
      probabilities: Object.fromEntries(record.candidates.map((c, i) => [c.ref, record.probabilities[i] ?? 0])),
    });
  }
  const refs = [...candidates].sort();
  return {
    burst: call.burst,
    faulted: BURST_FAULTED,
    window: call.window,
    candidates: refs,
    windows: burstWindows(decisions, call.window, refs),
  };
}
