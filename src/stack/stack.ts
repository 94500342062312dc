import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { mosaicSearchAttributes } from '../contract/search-attributes';
import { binaryPath } from './binaries';
import { isRunning, readRecord, sleep, startDaemon, stopDaemon, tailLog, type DaemonRecord } from './daemon';
import { canConnect, isPortFree } from './ports';

/** The local stack: a Temporal dev server and FerretDB, each a daemon with a record in `<dataDir>/run`. */
export interface StackOptions {
  dataDir: string;
  cacheDir: string;
  temporalPort: number;
  uiPort: number;
  mongoPort: number;
  /** No Web UI: the test harness does not need one. */
  headless?: boolean;
  namespace?: string;
  onProgress?: (message: string) => void;
}

export type Component = 'temporal' | 'mongodb';
export const COMPONENTS: Component[] = ['temporal', 'mongodb'];

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

/** Starts what is not running yet; both start in parallel. */
export async function startStack(opts: StackOptions): Promise<Record<Component, DaemonRecord>> {
  const [temporal, mongodb] = await Promise.all(COMPONENTS.map((c) => startComponent(c, opts)));
  return { temporal: temporal!, mongodb: mongodb! };
}

export async function stopStack(dataDir: string, components: string[] = ['worker', ...COMPONENTS]) {
  const results: Record<string, 'stopped' | 'not-running'> = {};
  // The worker first, so it does not spin on a vanished server.
  for (const name of components) results[name] = await stopDaemon(runDir(dataDir), name);
  return results;
}

/** The dev stack's components, or the names given (the production profile lists what it recorded). */
export function stackStatus(dataDir: string, names: string[] = ['worker', ...COMPONENTS]): ComponentStatus[] {
  return names.map((name) => {
    const record = readRecord(runDir(dataDir), name);
    if (!record || !isRunning(record)) return { name, state: 'stopped' };
    return { name, state: 'running', pid: record.pid, ports: record.ports, log: record.log };
  });
}
