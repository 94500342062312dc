import { isRunning, tailLog, type DaemonRecord } from '../stack/daemon';
import { canConnect } from '../stack/ports';
import { ownership, ownershipText } from './port-owner';

/** Why a service is not healthy, as a stable word (metrics label) and in words (status, CLI). */
export type UnhealthyKind = 'exited' | 'memory-limit' | 'port-held-by-other' | 'not-listening' | 'not-answering';

export interface ServiceHealth {
  name: string;
  healthy: boolean;
  /** Set when unhealthy. */
  kind?: UnhealthyKind;
  reason?: string;
}

export interface HealthTarget {
  name: string;
  port?: number;
  healthPath?: string;
}

/** The last non-empty line of a log, for "exited: Error: listen EADDRINUSE …". */
const lastLine = (log: string) => tailLog(log, 5).split('\n').filter(Boolean).at(-1)?.slice(0, 300);

/**
 * A service is healthy only when its own process is alive, it (or a child)
 * holds the listening socket of its port, and the port answers (the health
 * path with a 2xx when it has one). `killedByMemoryLimit` says whether the
 * kernel ended it for going over its memory limit.
 */
export async function serviceHealth(
  target: HealthTarget,
  record: DaemonRecord | undefined,
  killedByMemoryLimit: () => string | undefined,
): Promise<ServiceHealth> {
  const { name, port } = target;
  const unhealthy = (kind: UnhealthyKind, reason: string): ServiceHealth => ({ name, healthy: false, kind, reason });
  if (!record || !isRunning(record)) {
    const oom = killedByMemoryLimit();
    if (oom) return unhealthy('memory-limit', oom);
    const line = record ? lastLine(record.log) : undefined;
    return unhealthy('exited', `process ${record?.pid ?? '?'} exited${line ? `; last log line: ${line}` : ''}`);
  }
  if (port === undefined) return { name, healthy: true };
  const owned = ownership(record.pid, port);
  if (owned.state === 'held-by-other') return unhealthy('port-held-by-other', ownershipText(port, owned));
  if (owned.state === 'not-listening') return unhealthy('not-listening', ownershipText(port, owned));
  if (target.healthPath) {
    const res = await fetch(`http://127.0.0.1:${port}${target.healthPath}`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    if (!res?.ok) return unhealthy('not-answering', `GET ${target.healthPath} on port ${port} answered ${res ? res.status : 'nothing'}`);
    return { name, healthy: true };
  }
  return (await canConnect(port)) ? { name, healthy: true } : unhealthy('not-answering', `port ${port} accepts no connection`);
}
