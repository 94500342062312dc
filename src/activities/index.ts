import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { AwsProvider } from '../providers/aws';
import { LocalProvider } from '../providers/local';
import type { Provider } from '../providers/provider';
import { createCompositionActivities } from './composition';
import { createGovernanceActivities } from './governance';
import { createHealthActivities } from './health';
import { createPolicyStoreActivities } from './policy-store';
import { createSnapshotActivities } from './snapshot';

export interface ActivityDeps {
  connection: Connection;
  config: Config;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities({ connection, config }: ActivityDeps) {
  const providers: Record<string, Provider> = { local: new LocalProvider(config.dataDir, connection) };
  const aws = config.aws ? new AwsProvider(config.aws) : undefined;
  if (aws) providers.aws = aws;
  return {
    ...createHealthActivities({ connection }),
    ...createGovernanceActivities({ connection }),
    ...createPolicyStoreActivities({ connection }),
    ...createCompositionActivities({ connection, providers, settings: config.composition }),
    ...createSnapshotActivities({ connection, config, aws }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
