import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  endProcess,
  isRunning,
  processDirectories,
  processDirectory,
  readRecord,
  SpawnFailed,
  startDaemon,
  stopDaemon,
  stopRecorded,
} from '../stack/daemon';
import { isPortFree } from '../stack/ports';
import { waitUntilReady } from '../stack/stack';
import type { Placed } from '../snapshot/graph';
import { argvOf, type ServiceResource } from '../snapshot/resources';
import { quote } from '../quote';
import { ProviderRejected } from './errors';
import { commandRefused, DEFAULT_SERVICE } from './local';
import { ownership, ownershipText } from './port-owner';
import { serviceEnvironment } from './service-env';
import { serviceHealth, type ServiceHealth } from './service-health';
import { ServiceLimits, type Enforcement } from './service-limits';
import { handOver, serviceIdentity, spawnUser } from './service-user';

export interface StartedService {
  key: string;
  name: string;
  runName: string;
  pid: number;
  port?: number;
  /** The HTTP path its health check asks for, when it has one. */
  healthPath?: string;
  /** How the kernel holds it to its allocation (cgroup v2, v1, rlimit), as applied at start. */
  limits?: Enforcement;
  /** Who it runs as: the service user, or the worker's user and why (service-user.ts). */
  user?: string;
}

/** What a teardown did to each service the composition had started. */
export interface TeardownReport {
  /** Services that were running and were ended. */
  stopped: string[];
  /** Services whose process had already exited: nothing to stop. */
  exited: string[];
}

export interface Usage {
  cpuSeconds: number;
  rssBytes: number;
}

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
const rejected = (operation: string, resource: string, code: string, detail: string) =>
  new ProviderRejected({ provider: 'local', operation, resource, code, detail });

/** The service a process was started as (its MOSAIC_SERVICE_NAME), from /proc; undefined for any other process. */
function serviceNameOf(pid: number): string | undefined {
  try {
    const entry = fs
      .readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((e) => e.startsWith('MOSAIC_SERVICE_NAME='));
    return entry?.slice('MOSAIC_SERVICE_NAME='.length);
  } catch {
    return undefined;
  }
}

/** The mode bits a composed file keeps: rwx for owner and group, r-x for others; never setuid, setgid, sticky or o+w. */
export const SAFE_MODE_BITS = 0o775;

const within = (dir: string, p: string) => p === dir || p.startsWith(`${dir}/`);

/**
 * The real path of a file origin, when it is a regular file inside one of
 * the roots (symlinks resolved on both sides); otherwise ProviderRejected
 * naming the file and where origins may come from.
 */
export function checkOrigin(file: string, origin: string, roots: string[]): string {
  let real: string;
  try {
    real = fs.realpathSync(origin);
  } catch {
    throw rejected('materialise', file, 'OriginMissing', `its origin ${quote(origin)} does not exist on this worker`);
  }
  const realRoots = roots.flatMap((r) => {
    try {
      return [fs.realpathSync(r)];
    } catch {
      return [];
    }
  });
  if (!realRoots.some((r) => within(r, real)))
    throw rejected(
      'materialise',
      file,
      'OriginOutsideRoots',
      `its origin ${quote(origin)} is outside the directories files may be copied from (${roots.join(', ')}); put the file there or give its content inline`,
    );
  if (!fs.statSync(real).isFile())
    throw rejected('materialise', file, 'OriginNotAFile', `its origin ${quote(origin)} is not a regular file`);
  return real;
}

/** A host directory's content copied into the workspace's volume (again on a retry: the copy overwrites). */
function restoreLocalVolume(name: string, from: string, to: string): void {
  if (!fs.existsSync(from) || !fs.statSync(from).isDirectory())
    throw rejected('materialise', `volume:${name}`, 'VolumeSourceGone', `${from} is no longer a directory on this machine`);
  // Symlinks are copied as links, never followed: the capture checked where the volume is, not where links inside it point.
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, force: true });
}

/**
 * A composed snapshot on this machine: the merged tree under
 * `<dataDir>/resources/snapshots/<id>/fs`, volumes as directories beside it,
 * services as child processes in the tree. Everything a composition makes is
 * under its own directory, so teardown is one removal after the processes end.
 */
export class LocalWorkspace {
  private readonly root: string;
  private readonly limits = new ServiceLimits();
  private readonly identity = serviceIdentity();

  constructor(dataDir: string) {
    this.root = path.join(path.resolve(dataDir), 'resources', 'snapshots');
  }

  /** Where a template's file origins must be: nothing else on the worker is copied into a composition. */
  static templateFilesRoot(dataDir: string): string {
    return path.join(path.resolve(dataDir), 'template-files');
  }

  dir(workflowId: string): string {
    return path.join(this.root, `${workflowId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-${short(workflowId)}`);
  }

  /** Whether the composition has a workspace on this machine (provisioned and not torn down). */
  exists(workflowId: string): boolean {
    return fs.existsSync(this.dir(workflowId));
  }

  /**
   * Writes every file (inline text, or a copy checked against its hash) and
   * makes the volumes; a retry rewrites the same. A file's `origin` is copied
   * only from a regular file inside `originRoots` (the template files root and
   * the allowed paths of registered local hosts), never from anywhere else on
   * the worker. Modes are masked: no setuid, setgid, sticky or world-writable bit.
   */
  async materialise(
    workflowId: string,
    placed: Placed[],
    onProgress: (done: number) => void,
    originRoots: string[] = [],
  ): Promise<{ workspace: string; files: number; volumes: number }> {
    const ws = this.dir(workflowId);
    const tree = path.join(ws, 'fs');
    let files = 0;
    let volumes = 0;
    for (const { resource: r } of placed) {
      if (r.kind === 'file') {
        const target = path.join(tree, r.path);
        if (!target.startsWith(`${tree}/`)) throw rejected('materialise', r.path, 'PathOutsideWorkspace', 'the path leaves the workspace');
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (r.content !== undefined) fs.writeFileSync(target, r.content);
        else if (r.origin) fs.copyFileSync(checkOrigin(r.path, r.origin, originRoots), target);
        else throw rejected('materialise', r.path, 'NoContent', 'the file has neither inline content nor an origin to copy from');
        const hash = createHash('sha256').update(fs.readFileSync(target)).digest('hex');
        if (hash !== r.hash)
          throw rejected(
            'materialise',
            r.path,
            'HashMismatch',
            `expected sha256 ${r.hash}, got ${hash}: the source changed since it was captured`,
          );
        fs.chmodSync(target, r.mode & SAFE_MODE_BITS);
        if (++files % 200 === 0) onProgress(files);
      } else if (r.kind === 'volume') {
        const dir = path.join(ws, 'volumes', r.name);
        fs.mkdirSync(dir, { recursive: true });
        if (r.origin?.startsWith('local:')) restoreLocalVolume(r.name, r.origin.slice('local:'.length), dir);
        fs.writeFileSync(path.join(dir, '.mosaic-volume.json'), JSON.stringify({ name: r.name, sizeBytes: r.size }));
        volumes++;
      }
    }
    fs.mkdirSync(tree, { recursive: true });
    return { workspace: ws, files, volumes };
  }

  /** Refuses before anything starts when a composed port is taken on this machine by something not ours. */
  async reservePorts(workflowId: string, services: ServiceResource[]): Promise<number[]> {
    const ports: number[] = [];
    for (const s of services) {
      const ours = readRecord(this.runDir(workflowId), this.runName(workflowId, s.name));
      if (ours && isRunning(ours)) continue;
      for (const port of s.ports) {
        if (!(await isPortFree(port)))
          throw rejected(
            'reservePort',
            `${s.name}:${port}`,
            'PortInUse',
            `port ${port} is in use on this machine; free it or give the service another port`,
          );
        ports.push(port);
      }
    }
    return ports;
  }

  private runDir(workflowId: string): string {
    return path.join(this.dir(workflowId), 'run');
  }

  private runName(workflowId: string, service: string): string {
    return `snap-${short(workflowId)}-${service}`;
  }

  /** Starts one service in the tree and waits for its health check; running already (a retry) is success. */
  async startService(workflowId: string, s: ServiceResource, env: Record<string, string>, key: string): Promise<StartedService> {
    const runDir = this.runDir(workflowId);
    const runName = this.runName(workflowId, s.name);
    const port = s.healthCheck?.port ?? s.ports[0];
    const healthPath = s.healthCheck?.path;
    const allocation = { cpu: s.cpu, memoryBytes: s.memory };
    const existing = readRecord(runDir, runName);
    if (existing && isRunning(existing))
      return {
        key,
        name: s.name,
        runName,
        pid: existing.pid,
        port,
        healthPath,
        limits: this.limits.confine(runName, existing.pid, allocation),
        user: this.identity.label,
      };
    await this.endUnrecorded(workflowId, s.name);
    const [executable, ...args] = argvOf(s) ?? DEFAULT_SERVICE;
    // The tree and volumes are the services' to read and write; the workspace's run records and logs stay the worker's.
    for (const part of ['fs', 'volumes']) handOver(path.join(this.dir(workflowId), part), this.identity);
    const record = await startDaemon({
      name: runName,
      executable: executable!,
      args,
      runDir,
      logDir: runDir,
      cwd: path.join(this.dir(workflowId), 'fs'),
      user: spawnUser(this.identity),
      ports: port === undefined ? {} : { http: port },
      env: serviceEnvironment({ ...env, ...s.env, ...(port === undefined ? {} : { PORT: String(port) }), MOSAIC_SERVICE_NAME: s.name }),
    }).catch((err: unknown) => {
      throw err instanceof SpawnFailed ? commandRefused(s.name, err) : err;
    });
    const limits = this.limits.confine(runName, record.pid, allocation);
    // Ready only when this service's own process holds the port: another one answering there does not count.
    const probe = async () => (await serviceHealth({ name: s.name, port, healthPath }, record, () => undefined)).healthy;
    try {
      await waitUntilReady(`service ${s.name}`, record, probe, 15_000, 100);
    } catch (err) {
      const owned = port === undefined ? undefined : ownership(record.pid, port);
      await stopDaemon(runDir, runName, 1000);
      const why = [
        ...(owned?.state === 'held-by-other' ? [ownershipText(port!, owned)] : []),
        ...[this.limits.memoryKill(runName)].filter((x) => x !== undefined),
      ];
      await this.limits.release(runName);
      throw rejected('startService', s.name, 'HealthCheckFailed', `${(err as Error).message}${why.length ? ` (${why.join('; ')})` : ''}`);
    }
    return { key, name: s.name, runName, pid: record.pid, port, healthPath, limits, user: this.identity.label };
  }

  /**
   * A worker killed between starting a service and writing its run record
   * leaves it running with no record. A new one would then fail to listen on
   * the port the orphan holds while the health check reached the orphan, and
   * the record would name a dead process: teardown would miss the live one.
   * So the orphan (this composition's tree, this service's name) ends first.
   */
  private async endUnrecorded(workflowId: string, service: string): Promise<void> {
    const tree = path.join(this.dir(workflowId), 'fs');
    for (const [pid, dir] of processDirectories()) {
      if (dir !== tree || serviceNameOf(pid) !== service) continue;
      await endProcess(pid, () => processDirectory(pid) === tree, 2000);
    }
  }

  /** CPU seconds and resident memory of a service process, from /proc; undefined once it has gone. */
  usage(pid: number): Usage | undefined {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const rssPages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
      return { cpuSeconds: ticks / 100, rssBytes: rssPages * 4096 };
    } catch {
      return undefined;
    }
  }

  /** Bytes the tree and volumes take on disk. */
  diskUsage(workflowId: string): number {
    let total = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) total += fs.statSync(p).size;
      }
    };
    if (fs.existsSync(this.dir(workflowId))) walk(this.dir(workflowId));
    return total;
  }

  /** Whether a started service is healthy now, and if not why (see serviceHealth). */
  health(workflowId: string, s: StartedService): Promise<ServiceHealth> {
    return serviceHealth(s, readRecord(this.runDir(workflowId), s.runName), () => this.limits.memoryKill(s.runName));
  }

  /**
   * Ends every service the composition started and removes its directory;
   * nothing there is a success. Says which services it stopped and which
   * had already exited, so a cancel never claims to stop what was dead.
   */
  async teardown(workflowId: string): Promise<TeardownReport> {
    const runDir = this.runDir(workflowId);
    const prefix = `${this.runName(workflowId, '')}`;
    const recorded = fs.existsSync(runDir)
      ? fs
          .readdirSync(runDir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5))
      : [];
    const stopped = new Set((await stopRecorded(runDir, 5000)).map((r) => r.name));
    for (const r of recorded) await this.limits.release(r);
    fs.rmSync(this.dir(workflowId), { recursive: true, force: true });
    const service = (runName: string) => (runName.startsWith(prefix) ? runName.slice(prefix.length) : runName);
    return {
      stopped: recorded
        .filter((r) => stopped.has(r))
        .map(service)
        .sort(),
      exited: recorded
        .filter((r) => !stopped.has(r))
        .map(service)
        .sort(),
    };
  }

  /** The run-record directories of every composition on this machine. */
  runDirs(): string[] {
    return fs.existsSync(this.root) ? fs.readdirSync(this.root).map((d) => path.join(this.root, d, 'run')) : [];
  }
}
