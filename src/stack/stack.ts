import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { mosaicSearchAttributes } from '../contract/search-attributes';
import { binaryPath } from './binaries';
import { isRunning, readRecord, sleep, startDaemon, stopDaemon, tailLog, type DaemonRecord } from './daemon';
import { canConnect, isPortFree } from './ports';
import { initPostgres, POSTGRES_BIN, postgresInstalled, postgresReady, startPostgres } from './postgresql';

/**
 * The local stack: a Temporal dev server, FerretDB and, when Debian's
 * postgresql is installed, a PostgreSQL for the postgres-local handler; each
 * a daemon with a record in `<dataDir>/run`.
 */
export interface StackOptions {
  dataDir: string;
  cacheDir: string;
  temporalPort: number;
  uiPort: number;
  mongoPort: number;
  /** Where the stack's PostgreSQL listens; without it (or without postgresql installed) none is started. */
  postgresPort?: number;
  /** No Web UI: the test harness does not need one. */
  headless?: boolean;
  namespace?: string;
  onProgress?: (message: string) => void;
}

export type Component = 'temporal' | 'mongodb' | 'postgresql';
/** What the stack needs to serve at all. */
export const COMPONENTS: Component[] = ['temporal', 'mongodb'];
/** What it runs when installed: only the postgres-local handler needs it. */
export const OPTIONAL_COMPONENTS: Component[] = ['postgresql'];

export interface ComponentStatus {
  name: string;
  state: 'running' | 'stopped';
  pid?: number;
  ports?: Record<string, number>;
  log?: string;
}

export class PortInUse extends Error {
  readonly type = 'PortInUse';
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`port ${port} is already in use; stop what holds it or choose another port with ${variable}=<port>`);
    this.name = 'PortInUse';
  }
}

export class StackStartFailed extends Error {
  readonly type = 'StackStartFailed';
  constructor(
    readonly component: string,
    reason: string,
    log: string,
  ) {
    super(`${component} did not become ready: ${reason}${log ? `\n--- last lines of its log ---\n${log}` : ''}`);
    this.name = 'StackStartFailed';
  }
}

export const runDir = (dataDir: string) => path.join(dataDir, 'run');
export const logDir = (dataDir: string) => path.join(dataDir, 'logs');

const searchAttributeFlag = (type: string) => type.toLowerCase().replace(/(^|_)(\w)/g, (_m, _sep: string, c: string) => c.toUpperCase());

function temporalArgs(opts: StackOptions): string[] {
  const db = path.join(opts.dataDir, 'data', 'temporal.sqlite');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.temporalPort),
    '--db-filename',
    db,
    '--log-level',
    'warn',
    '--log-format',
    'json',
    // A write-ahead log with fsync at checkpoints: the server still survives its
    // own crash or a kill, and stops waiting on the disk for every transaction.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
  ];
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort));
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const key of mosaicSearchAttributes) {
    args.push('--search-attribute', `${key.name}=${searchAttributeFlag(key.type)}`);
  }
  return args;
}

function ferretArgs(opts: StackOptions): string[] {
  const dir = path.join(opts.dataDir, 'data', 'ferretdb');
  fs.mkdirSync(dir, { recursive: true });
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--listen-addr=127.0.0.1:${opts.mongoPort}`,
    `--state-dir=${dir}`,
    '--telemetry=disable',
    // The debug endpoint defaults to a fixed port, which would clash between stacks.
    '--debug-addr=-',
    '--log-level=warn',
  ];
}

/** Polls until probe() holds; fails, with the end of the process's log, if it exits or the time runs out. */
export async function waitUntilReady(
  what: string,
  record: DaemonRecord,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 150,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(record)) throw new StackStartFailed(what, 'the process exited', tailLog(record.log));
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new StackStartFailed(what, `not ready after ${timeoutMs / 1000}s`, tailLog(record.log));
}

async function temporalReady(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } finally {
    await connection.close();
  }
}

async function mongoReady(port: number): Promise<boolean> {
  if (!(await canConnect(port))) return false;
  const conn = await mongoose.createConnection(`mongodb://127.0.0.1:${port}/admin`, { serverSelectionTimeoutMS: 1000 }).asPromise();
  try {
    await conn.db!.admin().ping();
    return true;
  } finally {
    await conn.close();
  }
}

/** Reuses the production profile's PostgreSQL code: one cluster per data directory, loopback TCP and password only. */
async function startStackPostgres(opts: StackOptions, common: { runDir: string; logDir: string }): Promise<DaemonRecord> {
  const port = opts.postgresPort!;
  if (!(await isPortFree(port))) throw new PortInUse(port, 'MOSAIC_POSTGRES_PORT');
  opts.onProgress?.(`postgresql: starting on 127.0.0.1:${port}`);
  const pg = initPostgres(opts.dataDir, port);
  const record = await startPostgres(pg, common);
  await waitUntilReady('postgresql', record, () => postgresReady(pg), 60_000);
  opts.onProgress?.(`postgresql: ready (pid ${record.pid})`);
  return record;
}

export async function startComponent(component: Component, opts: StackOptions): Promise<DaemonRecord> {
  const progress = opts.onProgress ?? (() => {});
  const existing = readRecord(runDir(opts.dataDir), component);
  if (existing && isRunning(existing)) {
    progress(`${component}: already running (pid ${existing.pid})`);
    return existing;
  }
  fs.mkdirSync(path.join(opts.dataDir, 'data'), { recursive: true });
  const common = { runDir: runDir(opts.dataDir), logDir: logDir(opts.dataDir) };
  if (component === 'temporal') {
    if (!(await isPortFree(opts.temporalPort))) throw new PortInUse(opts.temporalPort, 'MOSAIC_TEMPORAL_PORT');
    if (!opts.headless && !(await isPortFree(opts.uiPort))) throw new PortInUse(opts.uiPort, 'MOSAIC_TEMPORAL_UI_PORT');
    progress(`temporal: starting dev server on 127.0.0.1:${opts.temporalPort}`);
    const record = await startDaemon({
      ...common,
      name: 'temporal',
      executable: binaryPath(opts.cacheDir, 'temporal'),
      args: temporalArgs(opts),
      ports: opts.headless ? { grpc: opts.temporalPort } : { grpc: opts.temporalPort, ui: opts.uiPort },
    });
    await waitUntilReady('temporal', record, () => temporalReady(`127.0.0.1:${opts.temporalPort}`), 60_000);
    progress(`temporal: ready (pid ${record.pid})`);
    return record;
  }
  if (component === 'postgresql') return startStackPostgres(opts, common);
  if (!(await isPortFree(opts.mongoPort))) throw new PortInUse(opts.mongoPort, 'MOSAIC_MONGODB_PORT');
  progress(`mongodb: starting FerretDB on 127.0.0.1:${opts.mongoPort}`);
  const record = await startDaemon({
    ...common,
    name: 'mongodb',
    executable: binaryPath(opts.cacheDir, 'ferretdb'),
    args: ferretArgs(opts),
    ports: { mongodb: opts.mongoPort },
  });
  await waitUntilReady('mongodb', record, () => mongoReady(opts.mongoPort), 30_000);
  progress(`mongodb: ready (pid ${record.pid})`);
  return record;
}

/** Why the stack runs no PostgreSQL, in a sentence, or undefined when it does. */
export function postgresAbsence(opts: Pick<StackOptions, 'postgresPort'>): string | undefined {
  if (opts.postgresPort === undefined) return 'postgresql: not started (no port given); the postgres-local database handler is unavailable';
  if (!postgresInstalled())
    return `postgresql: not installed (no ${POSTGRES_BIN}/postgres), so not started; the postgres-local database handler is unavailable until it is (Debian: apt-get install postgresql)`;
  return undefined;
}

/** Starts what is not running yet, in parallel; PostgreSQL only when installed, saying so when it is not. */
export async function startStack(
  opts: StackOptions,
): Promise<Record<'temporal' | 'mongodb', DaemonRecord> & { postgresql?: DaemonRecord }> {
  const absent = postgresAbsence(opts);
  if (absent) opts.onProgress?.(absent);
  const [temporal, mongodb, postgresql] = await Promise.all(
    [...COMPONENTS, ...(absent ? [] : OPTIONAL_COMPONENTS)].map((c) => startComponent(c, opts)),
  );
  return { temporal: temporal!, mongodb: mongodb!, ...(postgresql ? { postgresql } : {}) };
}

export async function stopStack(dataDir: string, components: string[] = ['worker', ...COMPONENTS, ...OPTIONAL_COMPONENTS]) {
  const results: Record<string, 'stopped' | 'not-running'> = {};
  // The worker first, so it does not spin on a vanished server.
  for (const name of components) results[name] = await stopDaemon(runDir(dataDir), name);
  return results;
}

/** The dev stack's components, or the names given (the production profile lists what it recorded). */
export function stackStatus(dataDir: string, names: string[] = ['worker', ...COMPONENTS, ...OPTIONAL_COMPONENTS]): ComponentStatus[] {
  return names.map((name) => {
    const record = readRecord(runDir(dataDir), name);
    if (!record || !isRunning(record)) return { name, state: 'stopped' };
    return { name, state: 'running', pid: record.pid, ports: record.ports, log: record.log };
  });
}
