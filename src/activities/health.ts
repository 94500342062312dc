import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Connection } from 'mongoose';
import { describeServer } from '../models/connection';
import { healthProbeModel } from '../models/health-probe';
import { withStorage } from './errors';
import { idempotencyKey } from './idempotency';
import { ServiceLimits } from '../providers/service-limits';
import { serviceIdentity } from '../providers/service-user';
import type { ModelKeyCheck, ModelStore } from './model-store';
import { recordRootKeySet, type RootKeySetCheck } from './root-keys';

export interface StorageProbe {
  flavor: string;
  version: string;
  compatibleWith: string;
  roundTripMs: number;
}

export interface RuntimeDescription {
  temporalServerVersion: string;
  nodeVersion: string;
  workerHost: string;
  workerPid: number;
  /** The worker's model key against the active model's seal (absent from workers before fingerprints). */
  modelKey?: ModelKeyCheck;
  /** The worker's root-key set against those the fleet's other live workers recorded (absent from workers before sets were recorded). */
  rootKeys?: RootKeySetCheck;
  /** How this worker starts services: as whom, and whether cgroup-service@1 can make its groups (absent from older workers). */
  services?: { unprivileged: boolean; detail: string; cgroups?: string };
}

/** Who services run as here and where kernel limits can be made, in words for `mosaic doctor`. */
export function describeServices(): NonNullable<RuntimeDescription['services']> {
  const id = serviceIdentity();
  return { unprivileged: id.runsAs === 'service-user', detail: id.detail, cgroups: new ServiceLimits().cgroupsWritable() };
}

export function createHealthActivities({ connection, store }: { connection: Connection; store: ModelStore }) {
  const probes = healthProbeModel(connection);
  return {
    /** Writes a document and reads it back; the key comes from the workflow, so retries upsert the same one. */
    async probeStorage(): Promise<StorageProbe> {
      const key = idempotencyKey('probe-storage');
      const token = randomUUID();
      const started = performance.now();
      return withStorage('probe', async () => {
        await probes.updateOne({ key }, { $set: { token, writtenAt: new Date() } }, { upsert: true });
        const back = await probes.findOne({ key }).lean();
        if (back?.token !== token) {
          throw ApplicationFailure.nonRetryable(`read back ${JSON.stringify(back?.token)}, wrote ${token}`, 'StorageInconsistent');
        }
        const roundTripMs = Math.round((performance.now() - started) * 10) / 10;
        return { ...(await describeServer(connection)), roundTripMs };
      });
    },

    async describeRuntime(): Promise<RuntimeDescription> {
      const { serverVersion } = await Context.current().client.workflowService.getSystemInfo({});
      return {
        temporalServerVersion: serverVersion || 'unknown',
        nodeVersion: process.version,
        workerHost: os.hostname(),
        workerPid: process.pid,
        modelKey: await withStorage('read model seal', () => store.keyCheck()),
        rootKeys: await withStorage('record root key set', () => recordRootKeySet(connection)),
        services: describeServices(),
      };
    },
  };
}

export type HealthActivities = ReturnType<typeof createHealthActivities>;
