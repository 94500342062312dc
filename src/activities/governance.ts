import { ApplicationFailure, Context } from '@temporalio/activity';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { actorModel, type Role } from '../models/actor';
import { RETRAIN_CATCHUP_MS, type ModelChangePayload, type RetrainPayload } from '../contract/models';
import type { AuditEntry } from '../models/audit';
import { bumpGeneration, type GenerationName } from '../models/generation';
import { nonceModel } from '../models/nonce';
import { LocalWorkspace } from '../providers/local-workspace';
import { policyHeadModel, policyModel } from '../models/policy';
import { keyIdOf } from '../security/keys';
import { verifyDocument, type Signable } from '../security/policy-signature';
import { parseChangeRequest } from '../security/change-request';
import { InvalidChange, UnscheduledRun } from '../security/errors';
import { rolesFor } from '../security/roles';
import { judgeScheduledRun, tooSoon } from '../security/scheduled-run';
import { verifySignedRequest, type SignedRequest } from '../security/signed-request';
import { compilePolicy, describeConflict, findPolicyConflicts, parsePolicy, witnessContext, type Policy } from '../pdl';
import { contentHash } from './content-hash';
import { nonRetryable, withStorage } from './errors';
import { applyGovernedChange, GovernedChangeRefused, governedTarget, type GovernedChange } from './governed-store';
import { applyHandlerChange, handlerTarget, RegistryChangeRefused, type HandlerChange } from './handler-registry';
import { runKey } from './idempotency';
import { createPolicyLoader } from './policy-store';
import { appendAudit, trustedActors, trustedSigners } from './trust';

/** The payload of each governed operation, checked by hash against the signed request. */
export type ChangePayload =
  | { operation: 'policy.apply'; source: string }
  | { operation: 'policy.activate'; name: string; version: number }
  | { operation: 'policy.deactivate'; name: string }
  | { operation: 'policy.retire'; name: string; version: number }
  | { operation: 'role.grant'; publicKeyPem: string; role: Role; name?: string }
  | HandlerChange
  | GovernedChange
  | ModelChangePayload
  | RetrainPayload
  | AuditReadPayload;

/** A read of the audit trail or of the actors, signed like a change so that only a role with `audit.read` sees them. */
export interface AuditReadPayload {
  operation: 'audit.read';
  query: { kind: 'audit'; limit?: number; actor?: string; operation?: string } | { kind: 'actors' };
}

export interface ChangeRequest {
  request: SignedRequest;
  payload: ChangePayload;
}

export interface VerifiedActor {
  keyId: string;
  role: Role;
}

export interface ChangeResult {
  operation: ChangePayload['operation'];
  target: string;
  detail: string;
  /** Contradictions with active policies that only a run-time state can decide: applied, but worth a look. */
  warnings?: string[];
}

export function targetOf(payload: ChangePayload): string {
  switch (payload.operation) {
    case 'policy.apply':
      return `policy:${policyNameOf(payload.source)}`;
    case 'policy.activate':
    case 'policy.retire':
      return `policy:${payload.name}@${payload.version}`;
    case 'policy.deactivate':
      return `policy:${payload.name}`;
    case 'role.grant':
      try {
        return `actor:${keyIdOf(payload.publicKeyPem)}`;
      } catch {
        // Not a public key: the grant is refused later; the audit entry still needs a target.
        return 'actor:invalid-key';
      }
    case 'command.register':
    case 'file.register':
    case 'host.register':
      return governedTarget(payload);
    case 'model.promote':
    case 'model.rollback':
      return `model:${payload.version === undefined ? 'previous' : `bandit-v${payload.version}`}`;
    case 'model.retrain':
      return 'model:retrain';
    case 'audit.read':
      return `audit:${payload.query.kind}`;
    default:
      return handlerTarget(payload);
  }
}

/** What a change makes stale in the workers' caches; an actor's key verifies both policies and handler versions. */
function generationsChangedBy(payload: ChangePayload): GenerationName[] {
  switch (payload.operation) {
    case 'policy.apply':
    case 'policy.activate':
    case 'policy.deactivate':
    case 'policy.retire':
      return ['policies'];
    case 'role.grant':
      return ['policies', 'handlers'];
    // Read and checked when used, never cached: nothing to make stale.
    case 'command.register':
    case 'file.register':
    case 'host.register':
    case 'model.promote':
    case 'model.rollback':
    case 'model.retrain':
    case 'audit.read':
      return [];
    default:
      return ['handlers'];
  }
}

function policyNameOf(source: string): string {
  return /\bname:\s*([\w.-]+)/.exec(source)?.[1] ?? 'unknown';
}

/**
 * Refuses a policy that contradicts an active one (or itself) for some request
 * the fields alone describe; contradictions that need a run-time state come
 * back as warnings. The refusal carries each witness as a context to try with
 * `mosaic policy evaluate`.
 */
async function checkConflicts(policy: Policy, loadActive: ReturnType<typeof createPolicyLoader>): Promise<string[]> {
  const { policies: active } = await loadActive();
  const findings = findPolicyConflicts(compilePolicy(policy), active.map(compilePolicy));
  const refusing = findings.filter((f) => f.severity === 'refuse');
  if (refusing.length) {
    throw ApplicationFailure.create({
      message: `${policy.metadata.name} v${policy.metadata.version} contradicts: ${refusing.map(describeConflict).join('; ')}`,
      type: 'PolicyConflict',
      nonRetryable: true,
      details: [{ conflicts: refusing.map((f) => ({ ...f, context: witnessContext(f.witness) })) }],
    });
  }
  return findings.map(describeConflict);
}

/** The filter of an audit read as the audit entry states it: " where operation=model.retrain, limit 50". */
function describeFilter(query: AuditReadPayload['query']): string {
  if (query.kind !== 'audit') return '';
  const terms = [
    ...(query.actor === undefined ? [] : [`actor=${query.actor}`]),
    ...(query.operation === undefined ? [] : [`operation=${query.operation}`]),
  ];
  const limit = query.limit === undefined ? '' : `, limit ${query.limit}`;
  return `${terms.length ? ` where ${terms.join(', ')}` : ', unfiltered'}${limit}`;
}

const channelOf = {
  'model.promote': 'model promote',
  'model.rollback': 'model rollback',
  'model.retrain': 'model retrain',
  'audit.read': 'audit',
} as const;

export function createGovernanceActivities({
  connection,
  dataDir,
  retrainIntervalMs,
}: {
  connection: Connection;
  dataDir: string;
  /** MOSAIC_RETRAIN_INTERVAL: unsigned scheduled retrains come no oftener, whatever the schedule's spec says. */
  retrainIntervalMs: number;
}) {
  const actors = actorModel(connection);
  const nonces = nonceModel(connection);
  const policies = policyModel(connection);
  const heads = policyHeadModel(connection);
  const loadActive = createPolicyLoader(connection);
  const policyNotFound = (name: string, version: number) =>
    Object.assign(new Error(`policy ${name} has no version ${version}; see \`mosaic policy history ${name}\``), { type: 'PolicyNotFound' });
  const policyRetired = (name: string, version: number) =>
    Object.assign(new Error(`policy ${name} version ${version} is retired and cannot be active again; apply a new version`), {
      type: 'PolicyRetired',
    });

  // One entry per run: a change replayed under the workflow id of the first gets its own entry, not the first's.
  const record = (entry: Omit<AuditEntry, 'key' | 'at' | 'workflowId'>, step: string) =>
    appendAudit(connection, runKey(step), { ...entry, workflowId: Context.current().info.workflowExecution?.workflowId });
  const typeOf = (err: unknown) => (err as { type?: string }).type ?? (err as Error).name;

  return {
    /**
     * Verifies signature, payload hash, freshness, nonce and role of a change
     * before anything is written, and audits a denial. The nonce is claimed
     * once, ever, by this workflow run: a retry of the same verification
     * passes, any other run (whatever its workflow id) is a replay.
     */
    async verifyChange(input: ChangeRequest): Promise<VerifiedActor> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'none';
      const runId = Context.current().info.workflowExecution?.runId ?? 'none';
      let change: ChangeRequest;
      try {
        change = parseChangeRequest(input) as ChangeRequest;
      } catch (err) {
        // Whatever the malformed request claims, as text, so the audit log shows what was tried.
        const claimed = (value: unknown) => (typeof value === 'string' ? value.slice(0, 128) : 'invalid');
        const raw = input as { request?: { keyId?: unknown }; payload?: { operation?: unknown } } | null;
        await withStorage('audit', () =>
          record(
            {
              actor: claimed(raw?.request?.keyId),
              operation: claimed(raw?.payload?.operation),
              target: 'invalid',
              result: 'denied',
              reason: (err as Error).message,
              type: typeOf(err),
            },
            'audit-denied',
          ),
        );
        throw nonRetryable(err);
      }
      const { request, payload } = change;
      const target = targetOf(payload);
      return withStorage('verify change', async () => {
        // Only an actor chaining to a root key may sign: a row planted in MongoDB is UnknownActor here.
        const actor = (await trustedActors(connection)).get(request.keyId);
        const previous = await nonces.findOne({ nonce: request.nonce }).lean();
        try {
          if (request.operation !== payload.operation) {
            throw Object.assign(new Error(`the request signs ${request.operation} but carries ${payload.operation}`), {
              type: 'PayloadMismatch',
            });
          }
          verifySignedRequest(request, payload, {
            now: new Date(),
            publicKeyOf: (keyId) => (actor?.keyId === keyId ? actor.publicKeyPem : undefined),
            roleOf: (keyId) => (actor?.keyId === keyId ? actor.role : undefined),
            nonceSeen: () => previous !== null && previous.runId !== runId,
          });
        } catch (err) {
          await record(
            {
              actor: request.keyId,
              operation: payload.operation,
              target,
              result: 'denied',
              reason: (err as Error).message,
              type: typeOf(err),
            },
            'audit-denied',
          );
          throw nonRetryable(err);
        }
        try {
          await nonces.updateOne(
            { nonce: request.nonce, runId },
            { $setOnInsert: { keyId: request.keyId, workflowId, usedAt: new Date() } },
            { upsert: true },
          );
        } catch (err) {
          // Lost a race: another workflow claimed this nonce between our read and write.
          if ((err as { code?: number }).code === 11000) {
            await record(
              {
                actor: request.keyId,
                operation: payload.operation,
                target,
                result: 'denied',
                reason: `nonce ${request.nonce} was claimed by another run meanwhile: a replayed request`,
                type: 'NonceReused',
              },
              'audit-denied',
            );
            throw ApplicationFailure.nonRetryable(`nonce ${request.nonce} was already used`, 'NonceReused');
          }
          throw err;
        }
        return { keyId: actor!.keyId, role: actor!.role };
      });
    },

    /**
     * That the calling run was started by the schedule `scheduleId` itself, at
     * a time of its own calendar: the one kind of run that needs no signed
     * request. The schedule lists the runs it started (no other client can add
     * to that list; a search attribute or a workflow id can be set by anyone who
     * can start a workflow), each with the time it was for and when it was
     * taken; a triggered or backfilled run is listed too, and refused here
     * (security/scheduled-run.ts). Each calendar time retrains unsigned once.
     * Any refusal is audited once, with the fix named.
     */
    async verifyScheduledRun({ scheduleId, operation }: { scheduleId: string; operation: 'model.retrain' }): Promise<void> {
      const { workflowExecution, attempt } = Context.current().info;
      const workflowId = workflowExecution?.workflowId ?? 'none';
      const runId = workflowExecution?.runId ?? 'none';
      const fix = `sign a retrain with \`mosaic model retrain --key <file>\` (a key of role ${rolesFor(operation).join(' or ')})`;
      const refuse = async (refused: InvalidChange | UnscheduledRun): Promise<never> => {
        await withStorage('audit', () =>
          record(
            { actor: 'unsigned', operation, target: 'model:retrain', result: 'denied', reason: refused.message, type: refused.name },
            'audit-denied',
          ),
        );
        throw nonRetryable(refused);
      };
      const schedule = await Context.current()
        .client.schedule.getHandle(scheduleId)
        .describe()
        // Only a schedule that is not there proves nothing started this run; Temporal unreachable is retried, as storage is.
        .catch((err: unknown) => {
          if (err instanceof ScheduleNotFoundError) return undefined;
          throw err;
        });
      const listed = schedule?.info.recentActions.find(
        (a) => a.action.workflow.workflowId === workflowId && a.action.workflow.firstExecutionRunId === runId,
      );
      if (!listed) {
        // The schedule records a run it started just after starting it: a first attempt may look too early.
        if (attempt < 3) throw ApplicationFailure.retryable(`not (yet) among the runs of schedule ${scheduleId}`, 'NotScheduled');
        return refuse(new InvalidChange(`request: missing: only the ${scheduleId} schedule retrains unsigned; ${fix}`));
      }
      const verdict = judgeScheduledRun(schedule!.spec, listed, RETRAIN_CATCHUP_MS);
      if (!verdict.own) {
        return refuse(
          new UnscheduledRun(
            `${workflowId} was started by schedule ${scheduleId} on request, not by its calendar: ${verdict.reason}; ${fix}`,
          ),
        );
      }
      const claimPrefix = `schedule:${scheduleId}@`;
      const previous = await withStorage('read claimed scheduled times', () =>
        nonces
          // The claims of this schedule's times: the prefix, then an ISO time (every character of which sorts before '~').
          .findOne({ nonce: { $gt: claimPrefix, $lt: `${claimPrefix}~` }, runId: { $ne: runId } })
          .sort({ nonce: -1 })
          .lean(),
      );
      const early = tooSoon(
        previous ? new Date(previous.nonce.slice(claimPrefix.length)) : undefined,
        listed.scheduledAt,
        retrainIntervalMs,
      );
      if (early) return refuse(new UnscheduledRun(`${workflowId} was started by schedule ${scheduleId} too soon: ${early}; ${fix}`));
      // Claimed like a nonce: a backfill of a calendar time the schedule already took (within the catch-up window) is a second run for it.
      const claim = `${claimPrefix}${listed.scheduledAt.toISOString()}`;
      const claimedBy = await withStorage('claim scheduled time', async () => {
        const previous = await nonces.findOne({ nonce: claim }).lean();
        if (previous && previous.runId !== runId) return previous.workflowId;
        try {
          await nonces.updateOne(
            { nonce: claim, runId },
            { $setOnInsert: { keyId: 'unsigned', workflowId, usedAt: new Date() } },
            { upsert: true },
          );
          return undefined;
        } catch (err) {
          if ((err as { code?: number }).code === 11000) return 'another run, meanwhile';
          throw err;
        }
      });
      if (claimedBy !== undefined) {
        return refuse(
          new UnscheduledRun(
            `${workflowId} is a second run for ${listed.scheduledAt.toISOString()} of schedule ${scheduleId}, ` +
              `whose run was ${claimedBy}: a backfill; ${fix}`,
          ),
        );
      }
    },

    /**
     * Audits a signed read of the audit trail or the actors once it has been
     * served: who read, which filter, how many rows came back. Written after
     * the read, so a read shows the trail as it stood when asked and its own
     * entry appears in the next one.
     */
    async recordRead({
      actor,
      query,
      returned,
    }: {
      actor: VerifiedActor;
      query: AuditReadPayload['query'];
      returned: number;
    }): Promise<void> {
      await withStorage('audit', () =>
        record(
          {
            actor: actor.keyId,
            operation: 'audit.read',
            target: targetOf({ operation: 'audit.read', query }),
            result: 'allowed',
            reason: `read ${returned} ${query.kind === 'audit' ? 'entries' : 'actors'}${describeFilter(query)}`,
          },
          'audit-read',
        ),
      );
    },

    /** Writes an authorised change; every write is keyed so a retry changes nothing twice. */
    async applyChange({
      payload,
      actor,
      request,
    }: {
      payload: ChangePayload;
      actor: VerifiedActor;
      request: SignedRequest;
    }): Promise<ChangeResult> {
      const target = targetOf(payload);
      const denied = async (err: unknown) => {
        await record(
          { actor: actor.keyId, operation: payload.operation, target, result: 'denied', reason: (err as Error).message, type: typeOf(err) },
          'audit-denied',
        );
        throw nonRetryable(err);
      };
      return withStorage('apply change', async () => {
        let result: ChangeResult;
        switch (payload.operation) {
          case 'policy.apply': {
            let policy: Policy;
            try {
              policy = parsePolicy(payload.source);
              verifyDocument(policy as Signable, await trustedSigners(connection));
            } catch (err) {
              return denied(err);
            }
            const { name, version } = policy.metadata;
            const hash = contentHash(policy);
            const existing = await policies.findOne({ name, version }).lean();
            if (existing?.retiredAt) return denied(policyRetired(name, version));
            if (existing && existing.contentHash !== hash) {
              return denied(
                Object.assign(
                  new Error(`${name} version ${version} exists with other content; versions are immutable: raise metadata.version`),
                  {
                    type: 'PolicyVersionExists',
                  },
                ),
              );
            }
            let warnings: string[];
            try {
              warnings = await checkConflicts(policy, loadActive);
            } catch (err) {
              if (err instanceof ApplicationFailure) return denied(err);
              throw err;
            }
            if (!existing) {
              await policies.updateOne(
                { name, version },
                {
                  $setOnInsert: {
                    document: policy as unknown as Record<string, unknown>,
                    source: payload.source,
                    contentHash: hash,
                    signedBy: policy.signature!.keyId,
                    appliedBy: actor.keyId,
                    appliedAt: new Date(),
                  },
                },
                { upsert: true },
              );
            }
            await heads.updateOne(
              { name },
              { $set: { activeVersion: version, activatedBy: actor.keyId, activatedAt: new Date() } },
              { upsert: true },
            );
            result = { operation: payload.operation, target: `policy:${name}`, detail: `version ${version} stored and active` };
            if (warnings.length) result.warnings = warnings;
            break;
          }
          case 'policy.activate': {
            const { name, version } = payload;
            const stored = await policies.findOne({ name, version }).lean();
            if (!stored) return denied(policyNotFound(name, version));
            if (stored.retiredAt) return denied(policyRetired(name, version));
            let warnings: string[];
            try {
              warnings = await checkConflicts(stored.document as unknown as Policy, loadActive);
            } catch (err) {
              if (err instanceof ApplicationFailure) return denied(err);
              throw err;
            }
            await heads.updateOne(
              { name },
              { $set: { activeVersion: version, activatedBy: actor.keyId, activatedAt: new Date() } },
              { upsert: true },
            );
            result = { operation: payload.operation, target, detail: `version ${version} active` };
            if (warnings.length) result.warnings = warnings;
            break;
          }
          case 'policy.deactivate': {
            const { name } = payload;
            if (!(await policies.exists({ name }))) {
              return denied(Object.assign(new Error(`there is no policy ${name}; see \`mosaic policy list\``), { type: 'PolicyNotFound' }));
            }
            // Idempotent: a retry after the head was removed finds nothing to remove and says so.
            const removed = await heads.findOneAndDelete({ name }).lean();
            result = {
              operation: payload.operation,
              target,
              detail: removed ? `version ${removed.activeVersion} deactivated; no version is active` : 'no version was active',
            };
            break;
          }
          case 'policy.retire': {
            const { name, version } = payload;
            const stored = await policies.findOne({ name, version }).lean();
            if (!stored) return denied(policyNotFound(name, version));
            const head = await heads.findOne({ name }).lean();
            if (head?.activeVersion === version) {
              return denied(
                Object.assign(
                  new Error(
                    `policy ${name} version ${version} is active; activate another version or run \`mosaic policy deactivate ${name}\` first`,
                  ),
                  { type: 'PolicyActive' },
                ),
              );
            }
            await policies.updateOne(
              { name, version, retiredAt: { $exists: false } },
              { $set: { retiredAt: new Date(), retiredBy: actor.keyId } },
            );
            result = { operation: payload.operation, target, detail: `version ${version} retired` };
            break;
          }
          case 'role.grant': {
            const keyId = keyIdOf(payload.publicKeyPem);
            await actors.updateOne(
              { keyId },
              {
                $set: {
                  publicKeyPem: payload.publicKeyPem,
                  role: payload.role,
                  ...(payload.name === undefined ? {} : { name: payload.name }),
                  grantedBy: actor.keyId,
                  grantedAt: new Date(),
                  // What every worker checks the row against when it loads actors.
                  grant: { request, payload },
                },
                // A grant without a name leaves none behind: the row must say what this grant signed.
                ...(payload.name === undefined ? { $unset: { name: 1 } } : {}),
              },
              { upsert: true },
            );
            result = { operation: payload.operation, target, detail: `role ${payload.role}` };
            break;
          }
          case 'command.register':
          case 'file.register':
          case 'host.register': {
            let detail: string;
            try {
              detail = await applyGovernedChange(connection, payload, actor.keyId, request, LocalWorkspace.templateFilesRoot(dataDir));
            } catch (err) {
              if (err instanceof GovernedChangeRefused) return denied(err);
              throw err;
            }
            result = { operation: payload.operation, target, detail };
            break;
          }
          case 'model.promote':
          case 'model.rollback':
          case 'model.retrain':
          case 'audit.read':
            // Each is carried by its own workflow (the model activities check a version before serving it, a
            // retrain trains, a read reads): signed like a change, but this activity applies none of them.
            return denied(
              Object.assign(
                new Error(`${payload.operation} is carried by \`mosaic ${channelOf[payload.operation]}\`, not by a policy change`),
                {
                  type: 'WrongChannel',
                },
              ),
            );
          default: {
            let detail: string;
            try {
              detail = await applyHandlerChange(connection, payload, actor.keyId, request);
            } catch (err) {
              if (err instanceof RegistryChangeRefused) return denied(err);
              throw err;
            }
            result = { operation: payload.operation, target, detail };
          }
        }
        // After the write, so a worker that reloads on seeing the new generation reads what was written.
        const stale = generationsChangedBy(payload);
        if (stale.length) await bumpGeneration(connection, ...stale);
        await record(
          { actor: actor.keyId, operation: payload.operation, target: result.target, result: 'allowed', reason: result.detail },
          'audit-allowed',
        );
        return result;
      });
    },
  };
}

export type GovernanceActivities = ReturnType<typeof createGovernanceActivities>;
