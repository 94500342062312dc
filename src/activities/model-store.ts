import type { Connection } from 'mongoose';
import { metricsPrior, type DecisionModel } from '../learning/decide';
import type { Logger } from '../logger';
import { authenticate, decodeNetwork, encodeNetwork, keyFingerprint, ModelRefused, sealHeader } from '../learning/artifact';
import type { Network } from '../learning/network';
import { tfReady } from '../learning/network';
import { LearnedModel, type TrainedModel } from '../learning/policy';
import { metrics } from '../observability/metrics';
import {
  decisionModelChunkModel,
  decisionModelPointerModel,
  decisionModelVersionModel,
  type DecisionModelPointer,
  type DecisionModelVersion,
} from '../models/decision-model';
import { appendAudit } from './trust';

/** Weights are split into documents well under MongoDB's 16 MB limit. */
const CHUNK_BYTES = 255 * 1024;

/**
 * Model versions in MongoDB: chunks first, then the version document, so a
 * version that exists always has its weights; writes are upserts keyed by
 * version and chunk index, so a retried save does nothing twice. Every
 * version is sealed with the model key (see authenticate) and checked on
 * load; a refusal is audited (`model.load`, denied).
 */
export function createModelStore(connection: Connection, key: Buffer) {
  const versions = decisionModelVersionModel(connection);
  const chunks = decisionModelChunkModel(connection);
  const pointer = decisionModelPointerModel(connection);

  return {
    versions,
    async save(doc: Omit<DecisionModelVersion, 'artifact'>, network: Network): Promise<void> {
      const { header, data } = encodeNetwork(network);
      const ops = [];
      for (let index = 0, at = 0; at < data.length; index++, at += CHUNK_BYTES) {
        ops.push({
          updateOne: {
            filter: { version: doc.version, index },
            update: { $set: { data: data.subarray(at, at + CHUNK_BYTES) } },
            upsert: true,
          },
        });
      }
      if (ops.length) await chunks.bulkWrite(ops);
      await versions.updateOne(
        { version: doc.version },
        { $setOnInsert: { ...doc, artifact: sealHeader(key, doc.version, header, doc.knownRefs) } },
        { upsert: true },
      );
    },

    /** A stored version ready to serve, or ModelRefused saying why it cannot be. */
    async load(version: number): Promise<TrainedModel> {
      const doc = await versions.findOne({ version }).lean();
      if (!doc) throw new ModelRefused(`model version ${version} does not exist`);
      const parts = await chunks.find({ version }).sort({ index: 1 }).lean();
      let network;
      try {
        authenticate(key, version, doc.artifact, doc.knownRefs ?? []);
        if (parts.some((p, i) => p.index !== i)) throw new ModelRefused('it has chunks missing');
        network = decodeNetwork(doc.artifact, Buffer.concat(parts.map((p) => Buffer.from(p.data.buffer ?? p.data))));
      } catch (err) {
        if (!(err instanceof ModelRefused)) throw err;
        const refused = new ModelRefused(`model version ${version} is refused: ${err.message}`);
        // One entry per refused content, however many workers or steps load it (loads run outside workflows too).
        await appendAudit(connection, `model.load/${version}/${doc.artifact?.mac ?? 'unsealed'}/${doc.artifact?.sha256 ?? ''}`, {
          actor: 'worker',
          operation: 'model.load',
          target: `model:${version}`,
          result: 'denied',
          reason: refused.message,
        });
        throw refused;
      }
      await tfReady();
      return { version, network, knownRefs: doc.knownRefs ?? [] };
    },

    /**
     * This worker's model key against the active model's seal: its
     * fingerprint, and the fingerprint the active version was sealed with
     * (absent for models sealed before fingerprints were stored).
     */
    async keyCheck(): Promise<ModelKeyCheck> {
      const own = keyFingerprint(key);
      const active = await pointer.findOne({ name: 'active' }).lean();
      if (!active) return { fingerprint: own };
      const doc = await versions.findOne({ version: active.version }, { artifact: 1 }).lean();
      const sealedWith = (doc?.artifact as { keyFingerprint?: string } | undefined)?.keyFingerprint;
      return { fingerprint: own, active: { version: active.version, sealedWith, matches: sealedWith === undefined || sealedWith === own } };
    },

    active(): Promise<DecisionModelPointer | null> {
      return pointer.findOne({ name: 'active' }).lean();
    },

    /** Points serving at a version, keeping the change in the pointer's history. */
    async activate(version: number, entry: { by: string; reason: string; action: 'promote' | 'rollback' }): Promise<void> {
      await pointer.updateOne(
        { name: 'active' },
        { $set: { version }, $push: { history: { version, at: new Date(), ...entry } } },
        { upsert: true },
      );
    },

    async nextVersion(): Promise<number> {
      const last = await versions.findOne({}, { version: 1 }).sort({ version: -1 }).lean();
      return (last?.version ?? 0) + 1;
    },
  };
}

export type ModelStore = ReturnType<typeof createModelStore>;

export interface ModelKeyCheck {
  /** This worker's model key fingerprint. */
  fingerprint: string;
  /** The active model version and the key it was sealed with; `matches` false when this worker cannot serve it. */
  active?: { version: number; sealedWith?: string; matches: boolean };
}

/** How often a worker looks for a newly promoted model. */
const POINTER_TTL_MS = 2000;

export interface ServingModel {
  model: DecisionModel;
  /** The last stored version this worker refused to serve, and why. */
  refused?: { version: number; reason: string };
}

/**
 * The model a worker decides with, reloaded without restart: the active
 * pointer is read at most every two seconds, and a newly promoted version is
 * loaded and checked before it replaces the current one. A version that
 * cannot be served is refused once, logged with its reason, and the worker
 * keeps deciding with what it had.
 */
export function createModelServer(store: ModelStore, logger?: Pick<Logger, 'warn' | 'info'>) {
  let serving: ServingModel = { model: metricsPrior };
  metrics.modelVersion('compose', metricsPrior.name);
  let servingVersion = 0;
  let refusedVersion = 0;
  let checkedAt = 0;
  let checking: Promise<void> | undefined;

  async function check(): Promise<void> {
    const active = await store.active();
    if (!active || active.version === servingVersion || active.version === refusedVersion) return;
    try {
      const trained = await store.load(active.version);
      serving = { model: new LearnedModel(trained) };
      servingVersion = active.version;
      metrics.modelVersion('compose', serving.model.name);
      logger?.info({ version: active.version }, 'serving a newly promoted decision model');
    } catch (err) {
      if (!(err instanceof ModelRefused)) throw err;
      refusedVersion = active.version;
      serving = { ...serving, refused: { version: active.version, reason: err.message } };
      logger?.warn(
        { version: active.version, reason: err.message, keeping: serving.model.name },
        'refused a stored decision model; keeping the current one',
      );
    }
  }

  return {
    async current(): Promise<ServingModel> {
      if (Date.now() - checkedAt > POINTER_TTL_MS) {
        checkedAt = Date.now();
        // A storage hiccup keeps the current model: deciding must not fail because a reload did.
        checking ??= check()
          .catch((err) => logger?.warn({ err: (err as Error).message }, 'could not check for a new decision model'))
          .finally(() => (checking = undefined));
      }
      await checking;
      return serving;
    },
  };
}

export type ModelServer = ReturnType<typeof createModelServer>;
