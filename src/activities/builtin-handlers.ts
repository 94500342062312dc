import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import os from 'node:os';
import { InvalidRequest, parseCompositionRequest, resourceSpecs, type CompositionRequest } from '../composition/request';
import { BUCKET_COSTS, bucketCostUsd, DATABASE_COSTS, databaseCostUsd, RDS_MIN_STORAGE_GB, serviceCostUsd } from '../handlers/cost';
import { accountUsageModel, inventoryModel } from '../models/inventory';
import type { LocalPostgres } from '../providers/local-postgres';
import { keyedBucketRef } from '../providers/aws/buckets';
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
  /** Where s3-bucket makes the buckets of local requests (MOSAIC_LOCAL_S3_ENDPOINT); absent, it serves only aws ones. */
  localS3?: BucketStore;
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

/** What s3-bucket needs of a provider: the aws one, or the S3 endpoint local requests use. */
export type BucketStore = Pick<Provider, 'createBucket' | 'deleteBucket'>;

const name = (ctx: HandlerContext) => String(ctx.request.spec.name);

/**
 * The bucket spec, checked again where a bucket's name becomes a directory or
 * an S3 tag: a step may have been planned after a user handler that provides
 * `validated` without validating, and `../x` must never reach a path.
 */
function bucketSpec(ctx: HandlerContext): { name: string; sizeGb: number } {
  const parsed = resourceSpecs.bucket.safeParse(ctx.request.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw nonRetryable(new InvalidRequest(['spec', ...issue.path.map(String)].join('.'), issue.message));
  }
  return parsed.data;
}

/** The S3 this request's buckets go to: the aws provider's, or for a local request the one configured for them. */
function s3Of(ctx: HandlerContext): BucketStore {
  if (ctx.provider.name === 'aws') return ctx.provider;
  if (ctx.localS3) return ctx.localS3;
  throw ApplicationFailure.nonRetryable(
    's3-bucket: this worker has no S3 endpoint for local requests; set MOSAIC_LOCAL_S3_ENDPOINT on every worker, or forbid s3-bucket@1 for request.provider == "local"',
    'S3NotConfigured',
  );
}

const databaseSpec = (ctx: HandlerContext) => ctx.request.spec as { engine?: 'postgres' | 'mongodb'; sizeGb: number };

/** The engine a handler makes; a request stating another never plans it (servingRegistry), so this guards a direct call. */
function engineFor(ctx: HandlerContext, handler: string, makes: 'postgres' | 'mongodb'): 'postgres' | 'mongodb' {
  const stated = databaseSpec(ctx).engine;
  if (stated !== undefined && stated !== makes)
    throw ApplicationFailure.nonRetryable(
      `${handler} makes ${makes} databases, and the request asks for spec.engine ${stated}; leave spec.engine out to let the policy choose, or allow a handler that makes ${stated}`,
      'EngineUnsupported',
    );
  return makes;
}

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
      const spec = bucketSpec(ctx);
      // An S3 bucket is s3-bucket@1's; this one is a directory tree on the worker's disk.
      if (ctx.provider.name !== 'local')
        throw providerRefused('provision-bucket', "makes directory buckets on the local provider's disk; on aws, s3-bucket@1 makes them");
      const ref = await ctx.provider.createBucket({
        key: ctx.key,
        name: spec.name,
        region: ctx.request.region,
        tags: { account: ctx.request.account, workflow: ctx.workflowId },
      });
      return {
        output: { endpoint: ref.attributes.path ?? ref.id, bucket: ref.id },
        resources: [ref],
        costUsd: bucketCostUsd(BUCKET_COSTS.localDisk, spec.sizeGb),
      };
    },
    ...undoMade,
  },

  's3-bucket': {
    async run(ctx) {
      const spec = bucketSpec(ctx);
      const ref = await s3Of(ctx).createBucket({
        key: ctx.key,
        name: spec.name,
        region: ctx.request.region,
        tags: { account: ctx.request.account, workflow: ctx.workflowId },
      });
      return {
        output: { endpoint: `s3://${ref.id}`, bucket: ref.id },
        resources: [ref],
        costUsd: bucketCostUsd(BUCKET_COSTS.s3Standard, spec.sizeGb),
      };
    },
    // By the name the key gives, not the refs: a failed attempt reports none. Emptied first; gone already is done.
    async undo(ctx) {
      await s3Of(ctx).deleteBucket(keyedBucketRef(ctx.key, ctx.request.region));
    },
  },

  'provision-database': {
    async run(ctx) {
      const spec = databaseSpec(ctx);
      // On AWS a database is an RDS instance, which rds@1 makes and prices; this handler's are MongoDB-wire ones.
      if (ctx.provider.name !== 'local')
        throw providerRefused('provision-database', 'makes MongoDB-wire databases on the local provider; on aws, rds@1 makes them');
      const engine = engineFor(ctx, 'provision-database', 'mongodb');
      const ref = await ctx.provider.createDatabase({ key: ctx.key, name: name(ctx), engine, sizeGb: spec.sizeGb });
      return {
        output: {
          engine,
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
      const engine = engineFor(ctx, 'postgres-local', 'postgres');
      const ref = await postgresOf(ctx).createDatabase({ key: ctx.key, name: name(ctx), engine, sizeGb: spec.sizeGb });
      return {
        output: {
          engine,
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
      const engine = engineFor(ctx, 'rds', 'postgres');
      const ref = await ctx.provider.createDatabase({
        key: ctx.key,
        name: name(ctx),
        engine,
        sizeGb: spec.sizeGb,
        region: ctx.request.region,
      });
      return {
        output: {
          engine,
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
