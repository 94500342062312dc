import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { quote } from '../quote';

/** What `stack start` remembers about a process it started, in `<runDir>/<name>.json`. */
export interface DaemonRecord {
  name: string;
  pid: number;
  executable: string;
  args: string[];
  log: string;
  startedAt: string;
  ports: Record<string, number>;
}

export interface DaemonSpec {
  name: string;
  executable: string;
  args: string[];
  runDir: string;
  logDir: string;
  ports: Record<string, number>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this (unprivileged) user rather than the caller: PostgreSQL refuses root. */
  user?: { uid: number; gid: number };
  /**
   * A program that sets something up in the new process and then execs the
   * executable in its place (same pid): `prlimit --data=… --`. The executable
   * is found first, so one that does not exist is still a SpawnFailed rather
   * than the launcher's exit.
   */
  launcher?: string[];
}

const recordPath = (runDir: string, name: string) => path.join(runDir, `${name}.json`);

export function readRecord(runDir: string, name: string): DaemonRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordPath(runDir, name), 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
}

/**
 * Alive and still the process we started: a pid alone can be reused by an
 * unrelated process (another node, after a reboot), so the whole command
 * line must match too.
 */
export function isRunning(record: DaemonRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const raw = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    // Empty while the process execs (a launcher becoming the program) and once it is a zombie: only the second has ended.
    if (!raw) return !/^\d+ \(.*\) Z /s.test(fs.readFileSync(`/proc/${record.pid}/stat`, 'utf8'));
    const cmdline = raw.split('\0');
    const sameProgram = cmdline.includes(record.executable) || cmdline.some((part) => part.endsWith(path.basename(record.executable)));
    return sameProgram && record.args.every((arg) => cmdline.includes(arg));
  } catch {
    // No /proc (macOS): the signal check above is all we have.
    return true;
  }
}

/** A program that could not be started at all (no such file, not executable): its `code` is the system's (ENOENT, EACCES). */
export class SpawnFailed extends Error {
  constructor(
    readonly executable: string,
    readonly code: string,
    reason: string,
  ) {
    super(`could not start ${quote(executable)}: ${reason}`);
    this.name = 'SpawnFailed';
  }
}

/**
 * Starts a detached process (its own process group) that outlives this one,
 * logging to `<logDir>/<name>.log`. It resolves once the program runs, and
 * rejects with SpawnFailed when it cannot start: a child's spawn error with
 * no listener is an uncaught exception that ends the whole worker.
 */
export async function startDaemon(spec: DaemonSpec): Promise<DaemonRecord> {
  fs.mkdirSync(spec.runDir, { recursive: true });
  fs.mkdirSync(spec.logDir, { recursive: true });
  const log = path.join(spec.logDir, `${spec.name}.log`);
  const fd = fs.openSync(log, 'a');
  try {
    let child: ChildProcess;
    const [program, args] = spec.launcher
      ? [spec.launcher[0]!, [...spec.launcher.slice(1), findProgram(spec.executable, spec.env ?? process.env, spec.cwd), ...spec.args]]
      : [spec.executable, spec.args];
    try {
      child = spawn(program, args, {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: spec.env ?? process.env,
        cwd: spec.cwd,
        ...(spec.user ?? {}),
      });
    } catch (err) {
      // Refused before any process exists: a NUL byte in the program, an argument or the environment.
      const e = err as NodeJS.ErrnoException;
      throw new SpawnFailed(spec.executable, e.code ?? 'InvalidCommand', e.message);
    }
    // Kept for the child's whole life: any later 'error' (a failed kill) is not ours to crash on.
    child.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(new SpawnFailed(spec.executable, err.code ?? 'SpawnError', spawnReason(err, spec.cwd))),
      );
    });
    child.unref();
    const record: DaemonRecord = {
      name: spec.name,
      pid: child.pid!,
      executable: spec.executable,
      args: spec.args,
      log,
      startedAt: new Date().toISOString(),
      ports: spec.ports,
    };
    fs.writeFileSync(recordPath(spec.runDir, spec.name), JSON.stringify(record, null, 2));
    return record;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Where a program given to exec is, as execvp would find it (a name with a
 * slash from the working directory, else the first executable on PATH), or
 * SpawnFailed with the system's code.
 */
export function findProgram(executable: string, env: NodeJS.ProcessEnv, cwd: string | undefined): string {
  if (executable.includes('\0')) throw new SpawnFailed(executable, 'InvalidCommand', 'the program contains a NUL byte');
  const candidates = executable.includes('/')
    ? [path.resolve(cwd ?? process.cwd(), executable)]
    : (env.PATH ?? '').split(':').map((dir) => path.resolve(cwd ?? process.cwd(), dir || '.', executable));
  let denied = false;
  for (const file of candidates) {
    try {
      if (!fs.statSync(file).isFile()) continue;
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') denied = true;
    }
  }
  const code = denied ? 'EACCES' : 'ENOENT';
  throw new SpawnFailed(executable, code, spawnReason(Object.assign(new Error(code), { code }), cwd));
}

function spawnReason(err: NodeJS.ErrnoException, cwd: string | undefined): string {
  if (err.code === 'ENOENT') return cwd && !fs.existsSync(cwd) ? `its working directory ${cwd} does not exist` : 'no such program on PATH';
  if (err.code === 'EACCES') return 'not executable by the worker';
  return err.message;
}

/**
 * SIGTERM, then SIGKILL after graceMs, until `alive` says it is gone; `alive`
 * checks it is still the process meant, so a reused pid is left alone. What
 * startDaemon started leads its own process group, and the whole group is
 * signalled: a service's own children (a shell's pipeline, a forked server)
 * end with it. A last SIGKILL to the group takes those that ignored SIGTERM.
 */
export async function endProcess(pid: number, alive: () => boolean, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, name);
      } catch {
        // no such group (a process that does not lead one), or ended meanwhile
      }
    }
  };
  // A pid in use as a group id is never given to a new process, so the group is safe to signal even after its leader has gone.
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone with its leader
    }
  };
  if (alive()) {
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive() && Date.now() < deadline) await sleep(100);
    if (alive()) signal('SIGKILL');
    while (alive()) await sleep(50);
  }
  killGroup();
}

/** Ends exactly the process named by the record (SIGTERM, then SIGKILL after graceMs). */
export async function stopDaemon(runDir: string, name: string, graceMs = 10_000): Promise<'stopped' | 'not-running'> {
  const record = readRecord(runDir, name);
  if (!record) return 'not-running';
  let result: 'stopped' | 'not-running' = 'not-running';
  if (isRunning(record)) {
    await endProcess(record.pid, () => isRunning(record), graceMs);
    result = 'stopped';
  }
  fs.rmSync(recordPath(runDir, name), { force: true });
  return result;
}

/** Ends every process recorded in runDir (each as stopDaemon does); returns the records of those that were running. */
export async function stopRecorded(runDir: string, graceMs = 10_000): Promise<DaemonRecord[]> {
  if (!fs.existsSync(runDir)) return [];
  const stopped: DaemonRecord[] = [];
  for (const f of fs.readdirSync(runDir).filter((n) => n.endsWith('.json'))) {
    const name = f.slice(0, -'.json'.length);
    const record = readRecord(runDir, name);
    if ((await stopDaemon(runDir, name, graceMs)) === 'stopped') stopped.push(record!);
  }
  return stopped;
}

/**
 * The working directory of every process this user can see, by pid, from
 * `/proc` (empty where there is none). A process whose directory was removed
 * under it keeps its path (without the kernel's ` (deleted)`).
 */
export function processDirectories(): Map<number, string> {
  const found = new Map<number, string>();
  if (!fs.existsSync('/proc')) return found;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const dir = processDirectory(Number(entry));
    if (dir !== undefined) found.set(Number(entry), dir);
  }
  return found;
}

/** The directory of a live process; undefined once it has gone, or when it is not ours to read. */
export function processDirectory(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/** The last lines of a log, each cut to 400 characters: a Go server logs its stack traces as one JSON line. */
export function tailLog(file: string, lines = 20): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => (line.length > 400 ? `${line.slice(0, 400)} …` : line))
      .join('\n');
  } catch {
    return '';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
