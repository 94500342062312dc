import { describeServices } from './activities/health';
import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { createActivities } from './activities';
import { createModelStore } from './activities/model-store';
import { otherKeyMessage } from './learning/artifact';
import { modelKey } from './activities/model-key';
import { connectClient } from './client/connection';
import { ensureRetrainSchedule } from './client/retrain-schedule';
import { registerBuiltinHandlers } from './activities/composition';
import { seedBuiltinPersonas } from './activities/persona-store';
import { bootstrapAdmin } from './activities/policy-store';
import { anchorTrust, forgetRootKeySet, recordRootKeySet, ROOT_KEY_SET_REFRESH_MS, rootKeysOf } from './activities/root-keys';
import { keyIdOf } from './security/keys';
import { rootKeySetDisagreement } from './security/root-keys';
import { temporalConnectionOptions, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { connectMongo } from './models/connection';
import { keyHandlerMetricsByRef } from './models/handler';
import { backfillAccountUsage, keyInventoryByKey } from './models/inventory';
import { ensureIndexes } from './models/indexes';
import { counter } from './observability/metrics';
import { installRuntime } from './observability/runtime';
import { payloadDataConverter } from './security/payload-codec';

/** `npm run build` writes the bundle next to the compiled worker; from source, the bundler runs at start. */
function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const prebuilt = path.join(__dirname, 'workflow-bundle.js');
  return fs.existsSync(prebuilt) ? { workflowBundle: { codePath: prebuilt } } : { workflowsPath: require.resolve('./workflows') };
}

export interface MosaicWorker {
  worker: Worker;
  /** Closes what createWorker opened, after the worker has stopped. */
  close(): Promise<void>;
}

export interface CreateWorkerOptions {
  logger?: Logger;
  taskQueue?: string;
  /** Tests pass a bundle built once per suite. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The composition caches' clock (Date.now); tests move it instead of waiting out the caches' intervals. */
  cacheClock?: () => number;
}

export async function createWorker(config: Config, opts: CreateWorkerOptions = {}): Promise<MosaicWorker> {
  const logger = opts.logger ?? createLogger(config.logLevel, 'mosaic-worker');
  const mongo: Connection = await connectMongo(config.mongodb.uri, { logger });
  let connection: NativeConnection | undefined;
  // Everything after the connection is inside the try: a start that fails closes it, so the process exits instead of hanging.
  try {
    await ensureIndexes(mongo);
    // Stores written by earlier versions, brought forward; each finds nothing to do after its first run.
    const migrations: [(c: Connection) => Promise<number>, string][] = [
      [keyHandlerMetricsByRef, 'handler counters keyed by ref'],
      [keyInventoryByKey, 'inventory entries keyed by step key'],
      [backfillAccountUsage, 'account usage built from the inventory'],
    ];
    for (const [migrate, done] of migrations) {
      const rows = await migrate(mongo);
      if (rows) logger.info({ rows }, done);
    }
    await reportModelKey(mongo, config, logger);
    const services = describeServices();
    // Said at start, plainly: a worker that cannot drop services to their own user runs them as itself.
    logger[services.unprivileged ? 'info' : 'warn']({ cgroups: services.cgroups ?? 'none writable' }, services.detail);
    await registerBuiltinHandlers(mongo);
    await seedBuiltinPersonas(mongo);
    anchorTrust(mongo, config.rootKeys);
    const roots = rootKeysOf(mongo);
    if (roots.length) logger.info({ rootKeys: roots.map(keyIdOf) }, 'root admin keys');
    else
      logger.warn({ file: config.rootKeys.file }, 'no root admin keys: no actor is trusted until `mosaic admin init` or MOSAIC_ROOT_KEYS');
    await reportRootKeySet(mongo, logger);
    // Kept fresh while the worker runs (and picks up a changed root keys file), so the others see a live set.
    const refresh = setInterval(() => void reportRootKeySet(mongo, logger).catch(() => undefined), ROOT_KEY_SET_REFRESH_MS).unref();
    if (config.bootstrapAdminKey) {
      const admin = await bootstrapAdmin(mongo, config.bootstrapAdminKey, 'bootstrap');
      if (admin.created) logger.info({ keyId: admin.keyId }, 'root key listed as an admin');
    }
    connection = await NativeConnection.connect(temporalConnectionOptions(config));
    const taskQueue = opts.taskQueue ?? config.temporal.taskQueue;
    // Before the worker exists: a Worker holds the connection until it has run, so nothing that can fail may follow it.
    const client = await connectClient(config);
    await ensureRetrainSchedule(client, { taskQueue, interval: config.learning.retrainInterval }).finally(() => client.connection.close());
    const onStop: (() => Promise<void>)[] = [];
    const worker = await Worker.create({
      connection,
      ...payloadDataConverter(config.payloadKeys),
      namespace: config.temporal.namespace,
      taskQueue,
      activities: createActivities({ connection: mongo, config, logger, onStop: (hook) => onStop.push(hook), cacheClock: opts.cacheClock }),
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : workflowSource()),
    });
    const native = connection;
    return {
      worker,
      async close() {
        clearInterval(refresh);
        await native.close();
        for (const hook of onStop)
          await hook().catch((err: Error) => logger.warn({ err: err.message }, 'could not finish a write before stopping'));
        await forgetRootKeySet(mongo).catch(() => undefined);
        await mongo.close();
      },
    };
  } catch (err) {
    await connection?.close();
    await mongo.close();
    throw err;
  }
}

/**
 * Records this worker's root-key set for the fleet and says, at error level,
 * when other live workers hold another: they disagree on which actors and
 * signatures to trust. A warning, not a refusal: during a rolling rotation
 * the sets differ for a while, and the worker starting may well be the one
 * that is right (see docs/security.md, "One root-key set per fleet").
 */
async function reportRootKeySet(mongo: Connection, logger: Logger): Promise<void> {
  const check = await recordRootKeySet(mongo);
  const disagreement = rootKeySetDisagreement(check);
  if (disagreement) logger.error({ rootKeySet: check.fingerprint, others: check.others }, disagreement);
  else logger.info({ rootKeySet: check.fingerprint, keys: check.keyIds.length }, 'root key set');
}

/**
 * Says at start which model key this worker holds (its fingerprint) and,
 * when the active model was sealed with another, that it will not serve it
 * and which key it expected: a fleet with two keys otherwise serves two
 * models and flips between them.
 */
async function reportModelKey(mongo: Connection, config: Config, logger: Logger): Promise<void> {
  const check = await createModelStore(mongo, modelKey(config)).keyCheck();
  if (check.active && !check.active.matches)
    logger.error(
      { modelKeyFingerprint: check.fingerprint, expected: check.active.sealedWith, version: check.active.version },
      `active model version ${check.active.version} refused: ${otherKeyMessage(check.active.sealedWith!, check.fingerprint)}`,
    );
  else logger.info({ modelKeyFingerprint: check.fingerprint, activeModel: check.active?.version }, 'model key');
}

const unhandledRejections = () =>
  counter('mosaic_unhandled_rejections_total', 'promise rejections nothing handled; logged, the worker kept running', []);

/** Runs until SIGINT or SIGTERM, then drains in-flight tasks and closes connections. */
export async function runWorker(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, 'mosaic-worker');
  const metricsServer = await installRuntime(config, logger);
  const { worker, close } = await createWorker(config, { logger }).catch(async (err: unknown) => {
    await metricsServer?.close();
    throw err;
  });
  logger.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker started');
  // A rejection nothing awaited (a late socket or child-process error inside a library) is logged and counted, not
  // fatal: Node's default ends the process, and with it every workflow task and activity this worker holds.
  const unhandled = (reason: unknown) => {
    unhandledRejections().inc();
    logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled promise rejection (worker kept running)');
  };
  process.on('unhandledRejection', unhandled);
  try {
    await worker.run();
  } finally {
    process.off('unhandledRejection', unhandled);
    await close();
    await metricsServer?.close();
    logger.info('worker stopped');
  }
}
