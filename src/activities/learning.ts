import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import { metricsPrior, type DecisionModel } from '../learning/decide';
import type { Config } from '../config';
import { ModelRefused } from '../learning/artifact';
import type { Exclusions } from '../learning/logged';
import { DEFAULT_TRAINING } from '../learning/network';
import type { Estimate, OpeReport } from '../learning/ope';
import { LearnedModel, modelName } from '../learning/policy';
import type { PromotionDecision } from '../learning/promotion';
import { compare, TrainingSet } from '../learning/train';
import { outcomeModel } from '../models/outcome';
import { retrainLeaseModel, type DecisionModelVersion } from '../models/decision-model';
import { withStorage } from './errors';
import type { ModelStore } from './model-store';
import { reportData, type ReportData } from './model-report-data';

/** A lease outlives the longest retrain the activity timeout allows; a crashed holder frees it by expiring. */
const LEASE_MS = 30 * 60_000;
const PAGE = 1000;

export type TrainResult =
  | { status: 'not-enough-data'; outcomes: number; decisions: number; needed: number; excluded: Exclusions }
  | {
      status: 'trained';
      version: number;
      against: string;
      candidate: OpeReport;
      current: OpeReport;
      difference: Estimate;
      heldOut: number;
      rows: number;
      outcomes: number;
      seconds: number;
      excluded: Exclusions;
      settings: { margin: number; minSamples: number };
    };

export interface ModelSummary {
  version: number;
  name: string;
  createdAt: string;
  trainedBy: string;
  outcomes: number;
  rows: number;
  heldOut: number;
  from?: string;
  to?: string;
  seconds: number;
  candidateDr: string;
  currentDr: string;
  against: string;
  decision?: string;
  active: boolean;
}

export type ModelQuery = { kind: 'status' } | { kind: 'history' } | { kind: 'report'; outcomes?: number };

export interface ModelStatus {
  active?: { version: number; name: string; by: string; reason: string; at: string };
  serving: string;
  refused?: { version: number; reason: string };
  versions: number;
  latest?: ModelSummary;
}

const interval = (e: { value: number; lower: number; upper: number }) =>
  `${e.value.toFixed(4)} [${e.lower.toFixed(4)}, ${e.upper.toFixed(4)}]`;

function summary(v: DecisionModelVersion, activeVersion?: number): ModelSummary {
  return {
    version: v.version,
    name: modelName(v.version),
    createdAt: v.createdAt.toISOString(),
    trainedBy: v.trainedBy,
    outcomes: v.training.outcomes,
    rows: v.training.rows,
    heldOut: v.training.heldOut,
    from: v.training.from?.toISOString(),
    to: v.training.to?.toISOString(),
    seconds: v.training.seconds,
    candidateDr: interval(v.evaluation.candidate.dr),
    currentDr: interval(v.evaluation.current.dr),
    against: v.evaluation.against,
    decision: v.decision ? `${v.decision.promote ? 'promoted' : 'kept current'}: ${v.decision.reason}` : undefined,
    active: v.version === activeVersion,
  };
}

export function createLearningActivities(deps: {
  connection: Connection;
  config: Config;
  store: ModelStore;
  serving: () => Promise<{ model: DecisionModel; refused?: { version: number; reason: string } }>;
}) {
  const { connection, config, store, serving } = deps;
  const outcomes = outcomeModel(connection);
  const leases = retrainLeaseModel(connection);

  /** The model serving now, as stored; the prior when none is promoted or the stored one cannot be served. */
  async function currentModel(): Promise<DecisionModel> {
    const active = await store.active();
    if (!active) return metricsPrior;
    try {
      return new LearnedModel(await store.load(active.version));
    } catch (err) {
      if (err instanceof ModelRefused) return metricsPrior;
      throw err;
    }
  }

  return {
    /** Takes the retrain lease, or says who holds it. Re-entrant for its holder, so a retried call succeeds. */
    async acquireRetrainLease({ holder }: { holder: string }): Promise<{ acquired: boolean; holder: string }> {
      return withStorage('take the retrain lease', async () => {
        const now = new Date();
        const until = new Date(now.getTime() + LEASE_MS);
        const taken = await leases.updateOne({ name: 'retrain', $or: [{ holder }, { until: { $lt: now } }] }, { $set: { holder, until } });
        if (taken.matchedCount) return { acquired: true, holder };
        try {
          await leases.create({ name: 'retrain', holder, until });
          return { acquired: true, holder };
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
          const current = await leases.findOne({ name: 'retrain' }).lean();
          return { acquired: current?.holder === holder, holder: current?.holder ?? 'unknown' };
        }
      });
    },

    async releaseRetrainLease({ holder }: { holder: string }): Promise<void> {
      await withStorage('release the retrain lease', () => leases.deleteOne({ name: 'retrain', holder }));
    },

    /**
     * Loads the outcomes of the horizon page by page, trains a candidate on
     * four fifths and evaluates it and the serving model off-policy on the
     * rest. Stores the candidate (not serving) and returns the comparison; a
     * retried call returns the version its run already stored.
     */
    async trainPolicyCandidate({ runId, horizonDays }: { runId: string; horizonDays?: number }): Promise<TrainResult> {
      const started = performance.now();
      const settings = { margin: config.learning.margin, minSamples: Math.max(10, Math.floor(config.learning.minDecisions / 10)) };
      const existing = await withStorage('read models', () => store.versions.findOne({ trainedBy: runId }).lean());
      if (existing) {
        return {
          status: 'trained',
          version: existing.version,
          against: existing.evaluation.against,
          candidate: existing.evaluation.candidate,
          current: existing.evaluation.current,
          difference: existing.evaluation.difference,
          heldOut: existing.training.heldOut,
          rows: existing.training.rows,
          outcomes: existing.training.outcomes,
          seconds: existing.training.seconds,
          excluded: existing.training.excluded,
          settings,
        };
      }
      const since = new Date(Date.now() - (horizonDays ?? config.learning.horizonDays) * 86_400_000);
      const set = new TrainingSet();
      await withStorage('read outcomes', async () => {
        const cursor = outcomes
          .find({ at: { $gte: since } }, { workflowId: 1, at: 1, steps: 1 })
          .sort({ at: 1 })
          .lean()
          .cursor({ batchSize: PAGE });
        for await (const outcome of cursor) {
          set.add(outcome);
          if (set.outcomes % PAGE === 0) Context.current().heartbeat({ outcomes: set.outcomes });
        }
      });
      if (set.decisions < config.learning.minDecisions || set.rows === 0) {
        return {
          status: 'not-enough-data',
          outcomes: set.outcomes,
          decisions: set.decisions,
          needed: config.learning.minDecisions,
          excluded: set.excluded,
        };
      }
      const { network, loss } = await set.fit({ ...DEFAULT_TRAINING, onEpoch: (epoch) => Context.current().heartbeat({ epoch }) });
      const version = await withStorage('read models', () => store.nextVersion());
      const candidate = new LearnedModel({ version, network, knownRefs: [...set.refs] });
      const current = await withStorage('load the serving model', currentModel);
      const evaluation = compare(candidate, current, set.heldOut);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      await withStorage('store the candidate model', () =>
        store.save(
          {
            version,
            trainedBy: runId,
            createdAt: new Date(),
            knownRefs: [...set.refs],
            training: {
              from: set.from,
              to: set.to,
              outcomes: set.outcomes,
              rows: set.rows,
              heldOut: set.heldOut.length,
              excluded: set.excluded,
              loss,
              seconds,
            },
            evaluation: { against: current.name, ...evaluation },
          },
          network,
        ),
      );
      return {
        status: 'trained',
        version,
        against: current.name,
        candidate: evaluation.candidate,
        current: evaluation.current,
        difference: evaluation.difference,
        heldOut: set.heldOut.length,
        rows: set.rows,
        outcomes: set.outcomes,
        seconds,
        excluded: set.excluded,
        settings,
      };
    },

    async recordPromotionDecision({ version, decision }: { version: number; decision: PromotionDecision }): Promise<void> {
      await withStorage('record the decision', () => store.versions.updateOne({ version }, { $set: { decision } }));
    },

    /**
     * Serves a stored version from now on: it is loaded and checked first, so
     * a corrupt or incompatible model is refused here, not by every worker.
     * Without a version, a rollback goes back to the version served before.
     */
    async activatePolicyModel(input: {
      version?: number;
      by: string;
      reason: string;
      action: 'promote' | 'rollback';
    }): Promise<{ version: number; name: string; previous?: number }> {
      const active = await withStorage('read the active model', () => store.active());
      let version = input.version;
      if (version === undefined) {
        if (input.action !== 'rollback')
          throw ApplicationFailure.nonRetryable(
            'promote needs a model version; list them with `mosaic model history`',
            'InvalidModelChange',
          );
        const earlier = [...(active?.history ?? [])].reverse().find((h) => h.version !== active?.version);
        if (!earlier)
          throw ApplicationFailure.nonRetryable(
            'there is no earlier model version to roll back to; see `mosaic model history`',
            'InvalidModelChange',
          );
        version = earlier.version;
      }
      try {
        await withStorage('load the model', () => store.load(version));
      } catch (err) {
        if (err instanceof ModelRefused) throw ApplicationFailure.nonRetryable(err.message, err.type);
        throw err;
      }
      if (active?.version !== version) await withStorage('activate the model', () => store.activate(version, input));
      return { version, name: modelName(version), previous: active?.version };
    },

    async readPolicyModels(query: ModelQuery): Promise<ModelStatus | ModelSummary[] | ReportData> {
      return withStorage('read models', async () => {
        const active = await store.active();
        switch (query.kind) {
          case 'status': {
            const latest = await store.versions.findOne().sort({ version: -1 }).lean();
            const last = active?.history.at(-1);
            const { model, refused } = await serving();
            return {
              active:
                active && last
                  ? {
                      version: active.version,
                      name: modelName(active.version),
                      by: last.by,
                      reason: last.reason,
                      at: new Date(last.at).toISOString(),
                    }
                  : undefined,
              serving: model.name,
              refused,
              versions: await store.versions.countDocuments(),
              latest: latest ? summary(latest, active?.version) : undefined,
            } satisfies ModelStatus;
          }
          case 'history':
            return (await store.versions.find().sort({ version: 1 }).lean()).map((v) => summary(v, active?.version));
          case 'report':
            return reportData(outcomes, await store.versions.find().sort({ version: 1 }).lean(), active, query.outcomes ?? 20_000);
        }
      });
    },
  };
}

export type LearningActivities = ReturnType<typeof createLearningActivities>;
