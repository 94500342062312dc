import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import { parseCompositionRequest, type CompositionRequest } from '../composition/request';
import os from 'node:os';
import { DATABASE_COSTS, databaseCostUsd, RDS_MIN_STORAGE_GB, serviceCostUsd } from '../handlers/cost';
import { accountUsageModel, inventoryModel } from '../models/inventory';
import type { LocalPostgres } from '../providers/local-postgres';
import type { Provider, ResourceRef, ServiceInput } from '../providers/provider';
import { serviceAllocation, type ServiceSize } from '../providers/service-allocation';
import { SecurityError } from '../security/errors';
import { nonRetryable } from './errors';
import { createGovernedStore } from './governed-store';
import { removeResources } from './resources';

/** What a handler gets: the request, its own idempotency key, what earlier steps produced. */
export interface HandlerContext {
  request: CompositionRequest;
  key: string;
  workflowId: string;
  provider: Provider;
  /** The stack's PostgreSQL, for postgres-local; absent on a worker configured without one. */
  postgres?: LocalPostgres;
  connection: Connection;
  outputs: Record<string, string>;
  resources: ResourceRef[];
  settings: { quotaPerAccount: number; notifyUrl?: string };
}

export interface HandlerResult {
  output: Record<string, string>;
  resources: ResourceRef[];
  /** What the resource made costs (handlers/cost.ts): the objective's costUsd. */
  costUsd?: number;
}

export interface BuiltinHandler {
  run(ctx: HandlerContext): Promise<HandlerResult>;
  /** Compensation: removes what run made, and succeeds when it is already gone. */
  undo?(ctx: HandlerContext, made: ResourceRef[]): Promise<void>;
}

const name = (ctx: HandlerContext) => String(ctx.request.spec.name);
const databaseSpec = (ctx: HandlerContext) => ctx.request.spec as { engine: string; sizeGb: number };

const providerRefused = (handler: string, why: string) =>
  ApplicationFailure.nonRetryable(`${handler} ${why}; forbid it for this provider in the policy (request.provider)`, 'ProviderUnsupported');

function postgresOf(ctx: HandlerContext): LocalPostgres {
  if (!ctx.postgres)
    throw ApplicationFailure.nonRetryable('postgres-local: this worker has no PostgreSQL configured', 'PostgresNotConfigured');
  return ctx.postgres;
}

/**
 * A service started by the provider, held to the request's allocation as
 * `confinement` says (provider.ts). Priced as what it holds (cost.ts): under
 * a cgroup, its allocation; under rlimits its memory, and every core of the
 * machine, which nothing keeps it from taking.
 */
function startsServices(confinement: NonNullable<ServiceInput['confinement']>): BuiltinHandler {
  return {
    async run(ctx) {
      const spec = ctx.request.spec as { command?: string; image?: string } & ServiceSize;
      // Read and checked against its signed registration here, where it runs: a row changed since is refused.
      let command: string[] | undefined;
      if (spec.command !== undefined) {
        try {
          command = (await createGovernedStore(ctx.connection).command(spec.command)).argv;
        } catch (err) {
          if (err instanceof SecurityError) throw nonRetryable(err);
          throw err;
        }
      }
      const allocation = serviceAllocation(spec);
      const ref = await ctx.provider.startService({
        key: ctx.key,
        name: name(ctx),
        command,
        image: spec.image,
        instanceType: spec.instanceType,
        region: ctx.request.region,
        allocation,
        confinement,
      });
      const memoryGb = allocation.memoryBytes / 2 ** 30;
      const cpu = confinement === 'cgroup' ? allocation.cpu : os.availableParallelism();
      return {
        output: { endpoint: ref.attributes.url ?? ref.id, service: ref.id },
        resources: [ref],
        // On aws the instance type is what is rented; its price is the catalog's, not this model's.
        costUsd: ctx.provider.name === 'local' ? serviceCostUsd({ cpu, memoryGb }) : undefined,
      };
    },
    ...undoMade,
  };
}

const undoMade = { undo: (ctx: HandlerContext, made: ResourceRef[]) => removeResources(ctx, made) };

export const BUILTIN_IMPLEMENTATIONS: Record<string, BuiltinHandler> = {
  /** Does nothing: measures the orchestration's own cost (bench/compose-overhead.ts). Not registered by default. */
  noop: {
    async run() {
      return { output: {}, resources: [] };
    },
  },

  'validate-request': {
    async run(ctx) {
      try {
        parseCompositionRequest(ctx.request);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidRequest');
      }
      return { output: { validated: 'true' }, resources: [] };
    },
  },

  'quota-check': {
    async run(ctx) {
      const usage = await accountUsageModel(ctx.connection).findOne({ _id: ctx.request.account }).lean();
      const used = usage?.keys.length ?? 0;
      if (used >= ctx.settings.quotaPerAccount) {
        throw ApplicationFailure.nonRetryable(
          `account ${ctx.request.account} has ${used} resources, its quota is ${ctx.settings.quotaPerAccount}; raise MOSAIC_QUOTA_PER_ACCOUNT or remove resources`,
          'QuotaExceeded',
        );
      }
      return { output: { quotaUsed: String(used), quotaLimit: String(ctx.settings.quotaPerAccount) }, resources: [] };
    },
  },

  'provision-bucket': {
    async run(ctx) {
      const ref = await ctx.provider.createBucket({
        key: ctx.key,
        name: name(ctx),
        region: ctx.request.region,
        tags: { account: ctx.request.account, workflow: ctx.workflowId },
      });
      return { output: { endpoint: ref.attributes.path ?? ref.id, bucket: ref.id }, resources: [ref] };
    },
    ...undoMade,
  },

  'provision-database': {
    async run(ctx) {
      const spec = databaseSpec(ctx);
      // On AWS a database is an RDS instance, which rds@1 makes and prices; this handler's are MongoDB-wire ones.
      if (ctx.provider.name !== 'local')
        throw providerRefused('provision-database', 'makes MongoDB-wire databases on the local provider; on aws, rds@1 makes them');
      const ref = await ctx.provider.createDatabase({ key: ctx.key, name: name(ctx), engine: spec.engine, sizeGb: spec.sizeGb });
      return {
        output: {
          endpoint: `mongodb://${ref.attributes.user}@<server>/${ref.id}`,
          database: ref.id,
          secretFile: ref.attributes.secretFile ?? '',
        },
        resources: [ref],
        costUsd: databaseCostUsd(DATABASE_COSTS.mongodbWire, spec.sizeGb),
      };
    },
    ...undoMade,
  },

  'postgres-local': {
    async run(ctx) {
      const spec = databaseSpec(ctx);
      const ref = await postgresOf(ctx).createDatabase({ key: ctx.key, name: name(ctx), engine: 'postgresql', sizeGb: spec.sizeGb });
      return {
        output: {
          endpoint: `postgresql://${ref.attributes.user}@${ref.attributes.host}:${ref.attributes.port}/${ref.id}`,
          database: ref.id,
          secretFile: ref.attributes.secretFile ?? '',
        },
        resources: [ref],
        costUsd: databaseCostUsd(DATABASE_COSTS.postgresLocal, spec.sizeGb),
      };
    },
    // By the names the key gives, not the refs: a failed attempt reports none.
    async undo(ctx) {
      await postgresOf(ctx).deleteDatabase(ctx.key, name(ctx));
    },
  },

  rds: {
    async run(ctx) {
      if (ctx.provider.name !== 'aws') throw providerRefused('rds', 'makes RDS instances: it runs only for requests on the aws provider');
      const spec = databaseSpec(ctx);
      const ref = await ctx.provider.createDatabase({
        key: ctx.key,
        name: name(ctx),
        engine: 'postgres',
        sizeGb: spec.sizeGb,
        region: ctx.request.region,
      });
      return {
        output: {
          endpoint: `postgresql://${ref.attributes.user}@${ref.attributes.host}:${ref.attributes.port}/${ref.attributes.database}`,
          database: ref.id,
          passwordSecret: ref.attributes.passwordSecretArn ?? '',
        },
        resources: [ref],
        costUsd: databaseCostUsd(DATABASE_COSTS.rds, Math.max(RDS_MIN_STORAGE_GB, spec.sizeGb)),
      };
    },
    ...undoMade,
  },

  'provision-service': startsServices('rlimit'),
  'cgroup-service': startsServices('cgroup'),

  'encrypt-at-rest': {
    async run(ctx) {
      const key = await ctx.provider.createKey({ key: ctx.key, alias: `mosaic/${name(ctx)}`, region: ctx.request.region });
      // A credential file left by provisioning is replaced by its ciphertext. Which files, the provider's own
      // refs say: an earlier step's output is only text, and a script's could name any file on the worker.
      for (const secretFile of ctx.resources.flatMap((r) =>
        r.kind === 'database' && r.attributes.secretFile ? [r.attributes.secretFile] : [],
      )) {
        if (!fs.existsSync(secretFile)) continue;
        fs.writeFileSync(`${secretFile}.enc`, await ctx.provider.encrypt(key, fs.readFileSync(secretFile, 'utf8')), { mode: 0o600 });
        fs.rmSync(secretFile);
      }
      return { output: { encryptionKey: key.attributes.alias ?? key.id, encrypted: 'true' }, resources: [key] };
    },
    ...undoMade,
  },

  'attach-network-policy': {
    async run(ctx) {
      const exposure = ctx.request.security.networkExposure;
      const allowed = exposure === 'public' ? ['0.0.0.0/0'] : exposure === 'internal' ? ['10.0.0.0/8'] : ['127.0.0.1/32'];
      await ctx.connection
        .collection('network_policies')
        .updateOne(
          { _id: ctx.key as unknown as never },
          { $setOnInsert: { endpoint: ctx.outputs.endpoint, exposure, allowed, account: ctx.request.account, createdAt: new Date() } },
          { upsert: true },
        );
      return { output: { networkPolicy: ctx.key, exposure }, resources: [] };
    },
    async undo(ctx) {
      await ctx.connection.collection('network_policies').deleteOne({ _id: ctx.key as unknown as never });
    },
  },

  'register-inventory': {
    async run(ctx) {
      await inventoryModel(ctx.connection).updateOne(
        { _id: ctx.key },
        {
          $setOnInsert: {
            key: ctx.key,
            account: ctx.request.account,
            region: ctx.request.region,
            resourceType: ctx.request.resourceType,
            name: name(ctx),
            workflowId: ctx.workflowId,
            resources: ctx.resources,
            createdAt: new Date(),
          },
        },
        { upsert: true },
      );
      await accountUsageModel(ctx.connection).updateOne({ _id: ctx.request.account }, { $addToSet: { keys: ctx.key } }, { upsert: true });
      return { output: { inventory: ctx.key }, resources: [] };
    },
    async undo(ctx) {
      await inventoryModel(ctx.connection).deleteOne({ _id: ctx.key });
      await accountUsageModel(ctx.connection).updateOne({ _id: ctx.request.account }, { $pull: { keys: ctx.key } });
    },
  },

  notify: {
    async run(ctx) {
      if (!ctx.settings.notifyUrl) return { output: { notified: 'skipped: MOSAIC_NOTIFY_URL is not set' }, resources: [] };
      const response = await fetch(ctx.settings.notifyUrl, {
        method: 'POST',
        // The receiver can drop duplicates of a retried notification by this key.
        headers: { 'content-type': 'application/json', 'idempotency-key': ctx.key },
        body: JSON.stringify({ workflowId: ctx.workflowId, request: ctx.request, outputs: ctx.outputs }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status >= 400 && response.status < 500) {
        // The receiver refused this notification; sending it again will not change its mind.
        throw ApplicationFailure.nonRetryable(
          `notify: ${ctx.settings.notifyUrl} refused the notification with ${response.status}`,
          'NotifyRejected',
        );
      }
      if (!response.ok) throw new Error(`notify: ${ctx.settings.notifyUrl} answered ${response.status}`);
      return { output: { notified: String(response.status) }, resources: [] };
    },
  },
};
