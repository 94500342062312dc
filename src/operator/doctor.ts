import type { Config } from '../config';
import { rootKeySetDisagreement } from '../security/root-keys';
import { rootFailure } from '../client/failures';
import { MosaicClient } from '../client/mosaic-client';

export interface Check {
  part: 'config' | 'temporal' | 'worker' | 'mongodb' | 'node' | 'model' | 'root-keys' | 'services';
  /** `warn`: works, with less protection than it could have (said in detail and fix); it does not fail the report. */
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  workflowId?: string;
  url?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Walks the path a real request takes and stops at the first broken part, naming it and the fix. */
export async function runDoctor(config: Config): Promise<DoctorReport> {
  const checks: Check[] = [{ part: 'node', status: 'ok', detail: process.version }];
  const report = (extra: Partial<DoctorReport> = {}): DoctorReport => ({
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    ...extra,
  });
  let client: MosaicClient;
  try {
    client = await MosaicClient.connect(config);
  } catch (err) {
    checks.push({ part: 'temporal', status: 'fail', detail: message(err), fix: 'mosaic stack start' });
    return report();
  }
  try {
    checks.push({ part: 'temporal', status: 'ok', detail: `server ${await client.serverVersion()} at ${config.temporal.address}` });
    const pollers = await client.pollers();
    if (pollers.length === 0) {
      checks.push({
        part: 'worker',
        status: 'fail',
        detail: `no worker polls task queue "${client.taskQueue}"`,
        fix: 'mosaic worker --detach',
      });
      checks.push({ part: 'mongodb', status: 'skipped', detail: 'checked through the worker' });
      return report();
    }
    checks.push({ part: 'worker', status: 'ok', detail: `${pollers.length} polling: ${pollers.map((p) => p.identity).join(', ')}` });
    try {
      const health = await client.healthCheck();
      checks.push({
        part: 'mongodb',
        status: 'ok',
        detail: `${health.storage.flavor} ${health.storage.version} (${health.storage.compatibleWith}), write+read ${health.storage.roundTripMs} ms`,
      });
      checks[0]!.detail = `${process.version} (worker ${health.runtime.nodeVersion})`;
      const key = health.runtime.modelKey;
      if (key?.active && !key.active.matches)
        checks.push({
          part: 'model',
          status: 'fail',
          detail: `the active model (version ${key.active.version}) was sealed with the model key of fingerprint ${key.active.sealedWith}; worker ${health.runtime.workerPid}@${health.runtime.workerHost} holds ${key.fingerprint} and refuses to serve it`,
          fix: `give every worker the MOSAIC_MODEL_KEY of fingerprint ${key.active.sealedWith}, or retrain with \`mosaic model retrain\``,
        });
      else if (key)
        checks.push({
          part: 'model',
          status: 'ok',
          detail: `fingerprint ${key.fingerprint}${key.active ? `; active model version ${key.active.version} ${key.active.sealedWith ? 'sealed with it' : '(sealed before fingerprints)'}` : '; no active model yet'}`,
        });
      const roots = health.runtime.rootKeys;
      if (roots?.others.length)
        checks.push({
          part: 'root-keys',
          status: 'fail',
          detail: rootKeySetDisagreement(roots)!.replace('this worker', `worker ${health.runtime.workerPid}@${health.runtime.workerHost}`),
          fix: 'give every worker the same root keys (MOSAIC_ROOT_KEYS, MOSAIC_ROOT_KEYS_FILE), then restart the others or wait for their refresh',
        });
      else if (roots)
        checks.push({
          part: 'root-keys',
          status: 'ok',
          detail: `fingerprint ${roots.fingerprint} (${roots.keyIds.length} key${roots.keyIds.length === 1 ? '' : 's'}), the same on every live worker`,
        });
      const services = health.runtime.services;
      if (services)
        checks.push({
          part: 'services',
          status: services.unprivileged ? 'ok' : 'warn',
          detail: `${services.detail}; ${services.cgroups ? `cgroup-service@1 makes its groups with ${services.cgroups}` : 'no writable memory and cpu cgroup: cgroup-service@1 refuses (CgroupUnavailable), provision-service@1 holds services with rlimits'}`,
          ...(services.unprivileged ? {} : { fix: 'run the worker as root with the user mosaic-svc (scripts/setup.sh creates it)' }),
        });
      return report({ workflowId: health.workflowId, url: health.url });
    } catch (err) {
      const type = rootFailure(err)?.type;
      const storage = type === 'StorageUnavailable' || type === 'StorageInconsistent';
      checks.push({
        part: storage ? 'mongodb' : 'worker',
        status: 'fail',
        detail: `healthCheck workflow failed: ${message(err)}${type ? ` (${type})` : ''}`,
        fix: storage
          ? 'start MongoDB with `mosaic stack start`, or fix MOSAIC_MONGODB_URI for the worker'
          : 'read the worker log (.mosaic/logs/worker.log)',
      });
      return report();
    }
  } finally {
    await client.close();
  }
}
