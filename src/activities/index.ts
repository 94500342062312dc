import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { AwsProvider } from '../providers/aws';
import { LocalProvider } from '../providers/local';
import type { Provider } from '../providers/provider';
import { createCompositionActivities } from './composition';
import { createGovernanceActivities } from './governance';
import { createHealthActivities } from './health';
import { createNegotiationActivities } from './negotiation';
import { createPersonaStoreActivities } from './persona-store';
import { createPolicyStoreActivities } from './policy-store';

export interface ActivityDeps {
  connection: Connection;
  config: Config;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities({ connection, config }: ActivityDeps) {
  const providers: Record<string, Provider> = { local: new LocalProvider(config.dataDir, connection) };
  if (config.aws) providers.aws = new AwsProvider(config.aws);
  return {
    ...createHealthActivities({ connection }),
    ...createGovernanceActivities({ connection }),
    ...createPolicyStoreActivities({ connection }),
    ...createCompositionActivities({ connection, providers, settings: config.composition }),
    ...createPersonaStoreActivities({ connection }),
    ...createNegotiationActivities({ connection, providers, settings: config.negotiation }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
