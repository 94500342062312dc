import { ApplicationFailure } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import { actorModel } from '../models/actor';
import { auditModel } from '../models/audit';
import { bumpGeneration } from '../models/generation';
import { governedKey, governedModel } from '../models/governed';
import { handlerMetricsModel, handlerModel } from '../models/handler';
import { summarize } from '../handlers/metrics';
import { policyHeadModel, policyModel } from '../models/policy';
import { upsertLosingRace } from '../models/races';
import { NotRegistered, refOfGoverned } from '../security/governed';
import { keyIdOf } from '../security/keys';
import { verifyDocument, type Signable } from '../security/policy-signature';
import { compilePolicy, evaluate, explain, type Evaluation, type Policy, type PolicyContext } from '../pdl';
import type { GovernanceQuery, GovernanceQueryKind, GovernanceViews } from '../contract/governance';
import { contentHash } from './content-hash';
import { withStorage } from './errors';
import { idempotencyKey } from './idempotency';
import { rootKeysOf } from './root-keys';
import { appendAudit, trustedActors, trustedSigners } from './trust';

export interface RejectedPolicy {
  name: string;
  version: number;
  reason: string;
}

export interface PolicyEvaluation {
  evaluation?: Evaluation;
  error?: { type: string; message: string };
  explanation?: string[];
  rejected: RejectedPolicy[];
}

export function createPolicyStoreActivities({ connection }: { connection: Connection }) {
  const actors = actorModel(connection);
  const audit = auditModel(connection);
  const policies = policyModel(connection);
  const heads = policyHeadModel(connection);
  const loadActive = createPolicyLoader(connection);

  // One reader per view, each typed by its kind: a reader answering the wrong shape does not compile.
  const readers: { [K in GovernanceQueryKind]: (query: GovernanceQuery<K>) => Promise<GovernanceViews[K]> } = {
    policies: async () => {
      const active = await heads.find().sort({ name: 1 }).lean();
      const versions = await policies.find({}, { name: 1, version: 1 }).lean();
      return active.map((h) => ({
        name: h.name,
        activeVersion: h.activeVersion,
        versions: versions.filter((v) => v.name === h.name).length,
        activatedBy: h.activatedBy,
        activatedAt: h.activatedAt.toISOString(),
      }));
    },
    policy: async (query) => {
      const version = query.version ?? (await heads.findOne({ name: query.name }).lean())?.activeVersion;
      const doc = version === undefined ? null : await policies.findOne({ name: query.name, version }).lean();
      if (!doc) {
        throw ApplicationFailure.nonRetryable(
          `no policy ${query.name}${query.version ? ` version ${query.version}` : ''}; see \`mosaic policy list\``,
          'PolicyNotFound',
        );
      }
      return {
        name: doc.name,
        version: doc.version,
        source: doc.source,
        signedBy: doc.signedBy,
        appliedBy: doc.appliedBy,
        appliedAt: doc.appliedAt.toISOString(),
      };
    },
    history: async (query) => {
      const head = await heads.findOne({ name: query.name }).lean();
      const rows = await policies.find({ name: query.name }).sort({ version: -1 }).lean();
      return rows.map((r) => ({
        version: r.version,
        active: head?.activeVersion === r.version,
        retired: r.retiredAt !== undefined,
        signedBy: r.signedBy,
        appliedBy: r.appliedBy,
        appliedAt: r.appliedAt.toISOString(),
        contentHash: r.contentHash.slice(0, 12),
      }));
    },
    audit: async (query) => {
      const filter: Record<string, string> = {};
      if (query.actor) filter.actor = query.actor;
      if (query.operation) filter.operation = query.operation;
      const rows = await audit
        .find(filter)
        .sort({ at: -1 })
        .limit(Math.min(query.limit ?? 50, 1000))
        .lean();
      return rows.map(({ at, actor, operation, target, result, reason, workflowId }) => ({
        at: at.toISOString(),
        actor,
        operation,
        target,
        result,
        reason,
        workflowId,
      }));
    },
    handlers: async (query) => {
      const filter = query.resourceType ? { resourceTypes: query.resourceType } : {};
      const rows = await handlerModel(connection).find(filter).sort({ ref: 1 }).lean();
      const metrics = new Map((await handlerMetricsModel(connection).find().lean()).map((m) => [m.ref, summarize(m)]));
      return rows.map((h) => ({
        ref: h.ref,
        status: h.status,
        resourceTypes: h.resourceTypes,
        provides: h.provides ?? [],
        requires: h.requires ?? [],
        undo: h.undo,
        ...(metrics.get(h.ref) ?? { calls: 0, errorRate: 0, latencyP50Ms: 0, latencyP95Ms: 0 }),
      }));
    },
    handler: async (query) => {
      const h = await handlerModel(connection).findOne({ ref: query.ref }).lean();
      if (!h) throw ApplicationFailure.nonRetryable(`no handler ${query.ref}; see \`mosaic handler list\``, 'HandlerNotFound');
      const m = await handlerMetricsModel(connection).findOne({ ref: query.ref }).lean();
      const { _id, ...descriptor } = h as typeof h & { _id?: unknown };
      return { ...descriptor, registeredAt: h.registeredAt.toISOString(), metrics: m ? summarize(m) : undefined };
    },
    governed: async (query) => {
      const rows = await governedModel(connection).find({ kind: query.type }).sort({ name: 1, version: 1 }).lean();
      return rows.map((r) => ({
        ref: refOfGoverned(r),
        ...r.spec,
        registeredBy: r.registeredBy,
        registeredAt: r.registeredAt.toISOString(),
      }));
    },
    'governed-object': async (query) => {
      const r = await governedModel(connection)
        .findOne({ key: governedKey(query.type, query.ref) })
        .lean();
      if (!r) throw ApplicationFailure.nonRetryable(new NotRegistered(query.type, query.ref).message, 'NotRegistered');
      return {
        ref: refOfGoverned(r),
        kind: r.kind,
        spec: r.spec,
        registeredBy: r.registeredBy,
        registeredAt: r.registeredAt.toISOString(),
        registration: r.registration.request,
      };
    },
    // Public keys only: what `policy validate` needs to check a signature the way a worker will.
    signers: async () => [...(await trustedSigners(connection))].map(([keyId, publicKeyPem]) => ({ keyId, publicKeyPem })),
    actors: async () => {
      // Every row, with whether it chains to a root key: a planted row shows, marked as not believed.
      const [rows, trusted] = await Promise.all([actors.find().sort({ grantedAt: 1 }).lean(), trustedActors(connection)]);
      return rows.map(({ keyId, role, name, grantedBy, grantedAt }) => ({
        keyId,
        role: trusted.get(keyId)?.role ?? role,
        name,
        grantedBy,
        grantedAt: grantedAt.toISOString(),
        trusted: trusted.has(keyId) ? (trusted.get(keyId)!.root ? ('root' as const) : ('chain' as const)) : ('no' as const),
      }));
    },
  };

  return {
    /** One read-only view; the query's kind picks the reader and the shape of its answer. */
    async readGovernance<K extends GovernanceQueryKind>(query: GovernanceQuery<K>): Promise<GovernanceViews[K]> {
      return withStorage('read', () => readers[query.kind](query));
    },

    /** Dry run of the policy decision for a context: what is allowed, and why a handler is or is not. */
    async evaluatePolicyContext({ context, handler }: { context: PolicyContext; handler?: string }): Promise<PolicyEvaluation> {
      const { policies: active, rejected } = await withStorage('load policies', loadActive);
      try {
        const evaluation = evaluate(active.map(compilePolicy), context);
        return { evaluation, rejected, explanation: handler ? explain(evaluation.trace, handler) : undefined };
      } catch (err) {
        const e = err as Error & { type?: string };
        return { error: { type: e.type ?? e.name, message: e.message }, rejected };
      }
    },

    /** Lists a root key of this worker as an admin (bootstrapAdmin). */
    async bootstrapAdmin({ publicKeyPem, name }: { publicKeyPem: string; name?: string }): Promise<{ keyId: string; created: boolean }> {
      return withStorage('bootstrap admin', () => bootstrapAdmin(connection, publicKeyPem, name));
    },
  };
}

/**
 * Lists a root key as an admin actor: what `mosaic admin init` asks for and
 * the worker does at start for MOSAIC_BOOTSTRAP_ADMIN_KEY. The row gives no
 * trust (a root key is an admin by configuration); a key that is not one of
 * this worker's root keys is refused, so an unauthenticated client cannot make
 * itself an admin.
 */
export async function bootstrapAdmin(connection: Connection, publicKeyPem: string, name?: string) {
  const actors = actorModel(connection);
  const keyId = keyIdOf(publicKeyPem);
  if (!rootKeysOf(connection).some((pem) => keyIdOf(pem) === keyId)) {
    throw ApplicationFailure.nonRetryable(
      `key ${keyId} is not a root key of this worker; add its .pub file to the root keys of every worker ` +
        '(`mosaic admin init --public-key <file>` on the worker machine writes $MOSAIC_DATA_DIR/keys/root-keys.pem, or set MOSAIC_ROOT_KEYS), ' +
        'or ask an admin to grant it a role with `mosaic keys grant`',
      'NotARootKey',
    );
  }
  if (await actors.exists({ keyId, grantedBy: 'root' })) return { keyId, created: false };
  // Two workers starting at once with the same key both get here.
  await upsertLosingRace(() =>
    actors.updateOne(
      { keyId },
      { $set: { publicKeyPem, role: 'admin', grantedBy: 'root', grantedAt: new Date(), ...(name ? { name } : {}) }, $unset: { grant: 1 } },
      { upsert: true },
    ),
  );
  await appendAudit(connection, `bootstrap/${keyId}`, {
    actor: keyId,
    operation: 'role.grant',
    target: `actor:${keyId}`,
    result: 'allowed',
    reason: 'root key listed as an admin',
  });
  // A new signer: rows it signed that workers refused may now be loaded.
  await bumpGeneration(connection, 'policies', 'handlers');
  return { keyId, created: true };
}

export type PolicyStoreActivities = ReturnType<typeof createPolicyStoreActivities>;

/**
 * The active version of every policy, each verified again: a document
 * changed in the database behind Mosaic's back fails its signature or its
 * content hash and is refused and audited, never used.
 */
export function createPolicyLoader(connection: Connection): () => Promise<{ policies: Policy[]; rejected: RejectedPolicy[] }> {
  const policies = policyModel(connection);
  const heads = policyHeadModel(connection);
  // Signatures already checked in this process, by recomputed content hash and
  // signer key: a document changed in the database hashes differently and is
  // checked (and refused) again.
  const verified = new Set<string>();

  return async function loadActive(): Promise<{ policies: Policy[]; rejected: RejectedPolicy[] }> {
    const signers = await trustedSigners(connection);
    const active = await heads.find().lean();
    if (!active.length) return { policies: [], rejected: [] };
    const stored = await policies.find({ $or: active.map((h) => ({ name: h.name, version: h.activeVersion })) }).lean();
    const loaded: Policy[] = [];
    const rejected: RejectedPolicy[] = [];
    for (const doc of stored) {
      const policy = doc.document as unknown as Policy;
      try {
        const hash = contentHash(policy);
        if (hash !== doc.contentHash) throw new Error('content hash differs from the one recorded at apply time');
        const memo = `${hash}|${signers.get(policy.signature?.keyId ?? '') ?? ''}`;
        if (!verified.has(memo)) {
          verifyDocument(policy as Signable, signers);
          verified.add(memo);
        }
        loaded.push(policy);
      } catch (err) {
        rejected.push({ name: doc.name, version: doc.version, reason: (err as Error).message });
      }
    }
    for (const r of rejected) {
      await appendAudit(connection, idempotencyKey(`refused-${r.name}@${r.version}`), {
        actor: 'worker',
        operation: 'policy.load',
        target: `policy:${r.name}@${r.version}`,
        result: 'denied',
        reason: r.reason,
      });
    }
    return { policies: loaded, rejected };
  };
}
