import type { Connection } from 'mongoose';
import { createGovernanceActivities } from './governance';
import { createHealthActivities } from './health';
import { createPolicyStoreActivities } from './policy-store';

export interface ActivityDeps {
  connection: Connection;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createHealthActivities(deps),
    ...createGovernanceActivities(deps),
    ...createPolicyStoreActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
