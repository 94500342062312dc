import { msToNumber, type Duration } from '@temporalio/common';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { AwsProvider } from '../providers/aws';
import { LocalProvider } from '../providers/local';
import { LocalPostgres } from '../providers/local-postgres';
import type { Provider } from '../providers/provider';
import { createCompositionActivities } from './composition';
import { createGovernanceActivities } from './governance';
import { createHealthActivities } from './health';
import { createLearningActivities } from './learning';
import { createModelServer, createModelStore } from './model-store';
import { modelKey } from './model-key';
import { createNegotiationActivities } from './negotiation';
import { createPersonaStoreActivities } from './persona-store';
import { createPolicyStoreActivities } from './policy-store';
import { anchorTrust } from './root-keys';
import { createSnapshotActivities } from './snapshot';

export interface ActivityDeps {
  connection: Connection;
  config: Config;
  logger?: Logger;
  /** Receives what must run when the worker stops, before the store connection closes (writes held in memory). */
  onStop?: (hook: () => Promise<void>) => void;
  /** The composition caches' clock (Date.now); tests move it instead of waiting out the caches' intervals. */
  cacheClock?: () => number;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities({ connection, config, logger, onStop, cacheClock }: ActivityDeps) {
  anchorTrust(connection, config.rootKeys);
  const store = createModelStore(connection, modelKey(config));
  const models = createModelServer(store, logger);
  const providers: Record<string, Provider> = { local: new LocalProvider(config.dataDir, connection) };
  const aws = config.aws ? new AwsProvider(config.aws) : undefined;
  if (aws) providers.aws = aws;
  // Only S3 of it is used: s3-bucket's buckets for local requests, in the request's region.
  const localS3 = config.localS3
    ? new AwsProvider({ region: config.aws?.region ?? 'us-east-1', endpoint: config.localS3.endpoint })
    : undefined;
  return {
    ...createHealthActivities({ connection, store }),
    ...createGovernanceActivities({
      connection,
      dataDir: config.dataDir,
      retrainIntervalMs: msToNumber(config.learning.retrainInterval as Duration),
    }),
    ...createPolicyStoreActivities({ connection }),
    ...createCompositionActivities({
      connection,
      providers,
      postgres: new LocalPostgres(config.dataDir, config.postgresql.port, config.postgresql.passwordFile),
      localS3,
      settings: config.composition,
      models,
      logger,
      onStop,
      cacheClock,
    }),
    ...createLearningActivities({ connection, config, store, serving: models.current }),
    ...createSnapshotActivities({ connection, config, aws }),
    ...createPersonaStoreActivities({ connection }),
    ...createNegotiationActivities({
      connection,
      providers,
      settings: { ...config.negotiation, consoleUrl: config.console.url },
      cacheDir: config.cacheDir,
      logger,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
