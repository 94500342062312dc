import type { Connection } from 'mongoose';
import { createHealthActivities } from './health';

export interface ActivityDeps {
  connection: Connection;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createHealthActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
