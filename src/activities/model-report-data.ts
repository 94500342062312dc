import type { Model } from 'mongoose';
import { decisionOf } from '../learning/logged';
import type { OpeReport } from '../learning/ope';
import { modelName } from '../learning/policy';
import { reward } from '../learning/reward';
import type { StoredOutcome } from '../models/outcome';
import type { PolicyModelPointer, PolicyModelVersion } from '../models/policy-model';

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
}

const BUCKETS = 24;

/** The newest `limit` outcomes, read page by page, reduced to the report's series. */
export async function reportData(
  outcomes: Model<StoredOutcome>,
  versions: PolicyModelVersion[],
  active: PolicyModelPointer | null,
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
  };
}
