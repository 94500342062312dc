import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { MosaicClient } from '../../src/client/mosaic-client';
import { loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '..', '..');

/** A real `mosaic worker` process, so a test can SIGKILL it like a crashed machine; its stderr goes to logFile if given. */
export function startWorkerProcess(env: NodeJS.ProcessEnv, logFile?: string): ChildProcess {
  const stderr = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  return spawn(process.execPath, [path.join(ROOT, 'bin', 'mosaic.js'), 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', stderr],
  });
}

/** Resolves once the worker polls the client's task queue; fails at once if it exits first. */
export async function waitForPoller(client: MosaicClient, worker: ChildProcess, timeoutMs = 150_000) {
  const pid = worker.pid!;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (worker.exitCode !== null || worker.signalCode !== null)
      throw new Error(`worker ${pid} exited (${worker.exitCode ?? worker.signalCode}) before it polled`);
    if ((await client.pollers()).some((p) => p.identity.startsWith(`${pid}@`))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`worker ${pid} never polled`);
}

/** SIGKILLs a worker process and waits until it is gone. */
export async function killWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  worker.kill('SIGKILL');
  await exited;
}

/**
 * `mosaic worker` processes on one task queue, for tests that SIGKILL them:
 * `killOldest` kills the oldest live one and starts its replacement at once,
 * as a supervisor would, without waiting for it to poll.
 */
export class WorkerPool {
  readonly processes: ChildProcess[] = [];
  kills = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly client: MosaicClient,
  ) {}

  /** One more worker, polling when this resolves. */
  async start(): Promise<ChildProcess> {
    const w = startWorkerProcess(this.env);
    this.processes.push(w);
    await waitForPoller(this.client, w);
    return w;
  }

  async killOldest(): Promise<void> {
    const victim = this.processes.find((w) => w.exitCode === null && w.signalCode === null);
    if (victim) await killWorker(victim);
    this.kills++;
    this.processes.push(startWorkerProcess(this.env));
  }

  async close(): Promise<void> {
    for (const w of this.processes) await killWorker(w);
  }
}

export interface KillRig {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  client: MosaicClient;
  db: Connection;
  pool: WorkerPool;
  /** Kills the workers, closes the client and the database connection, removes the data directory. */
  stop(): Promise<void>;
}

/**
 * What every kill test stands on: a database, data directory and task queue
 * of its own, a client, and two `mosaic worker` processes started at once on
 * the fresh database, as a deployment of two replicas starts (this used to
 * hang one of them: test/integration/worker-start.test.ts).
 */
export async function startKillRig(name: string, env: (dataDir: string) => NodeJS.ProcessEnv = () => ({})): Promise<KillRig> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mosaic-${name}-`));
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/${name}_${randomUUID().slice(0, 8)}`;
  const rigEnv = { MOSAIC_TASK_QUEUE: `${name}-${randomUUID()}`, MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dataDir, ...env(dataDir) };
  const client = await MosaicClient.connect(loadConfig({ ...process.env, ...rigEnv }));
  const db = await mongoose.createConnection(uri).asPromise();
  const pool = new WorkerPool(rigEnv, client);
  await Promise.all([pool.start(), pool.start()]);
  return {
    env: rigEnv,
    dataDir,
    client,
    db,
    pool,
    async stop() {
      await pool.close();
      await client.close();
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
