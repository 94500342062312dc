import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresPasswordFile } from '../config';
import { startDaemon, type DaemonRecord } from './daemon';
import { StackStartFailed } from './stack';

/** Debian's PostgreSQL 15 (`apt-get install postgresql`): the production profile's store for Temporal, and where the postgres-local handler makes databases. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
/** The role Temporal's services connect as; the store has no other users. */
export const POSTGRES_USER = 'temporal';

export interface PostgresRun {
  /** Where initdb put the cluster: `<dataDir>/data/postgresql`. */
  dir: string;
  port: number;
  password: string;
}

/**
 * Who runs the server: PostgreSQL refuses to run as root, and least privilege
 * says the store should not run as the worker's user either when that user is
 * root. Debian's package creates the `postgres` system user; elsewhere the
 * current (already unprivileged) user runs it.
 */
export function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new StackStartFailed(
      'postgresql',
      'running as root and there is no unprivileged `postgres` user to run the store as; `apt-get install postgresql` creates it',
      '',
    );
  }
}

/**
 * The owner must reach the data directory: directories on the way are made
 * traversable (x, never readable) when they are ours, and an unreachable
 * parent is named rather than left to initdb's "permission denied".
 */
function makeReachable(dir: string, dataDir: string, uid: number) {
  for (let d = path.dirname(dir); d.startsWith(dataDir); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o777;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o011);
    if (d === dataDir) break;
  }
  for (let d = path.dirname(dataDir); d !== path.dirname(d); d = path.dirname(d)) {
    const st = fs.statSync(d);
    if ((st.mode & 0o001) === 0 && st.uid !== uid) {
      throw new StackStartFailed(
        'postgresql',
        `the store's user cannot reach ${dir}: ${d} is not traversable by others; choose a data directory outside it with MOSAIC_DATA_DIR=<dir>`,
        '',
      );
    }
  }
}

/** Whether Debian's PostgreSQL 15 is on this machine: the dev stack runs it only then. */
export const postgresInstalled = () =>
  fs.existsSync(path.join(POSTGRES_BIN, 'postgres')) && fs.existsSync(path.join(POSTGRES_BIN, 'initdb'));

/**
 * Creates the cluster once (initdb), with password authentication over loopback TCP only and no Unix socket.
 * The superuser's password goes to postgresPasswordFile, which the worker reads to make databases (providers/local-postgres.ts).
 */
export function initPostgres(dataDir: string, port: number): PostgresRun {
  const dir = path.join(dataDir, 'data', 'postgresql');
  const passwordFile = postgresPasswordFile(dataDir);
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    return { dir, port, password: fs.readFileSync(passwordFile, 'utf8').trim() };
  }
  if (!fs.existsSync(path.join(POSTGRES_BIN, 'initdb'))) {
    throw new StackStartFailed(
      'postgresql',
      `PostgreSQL 15 is not installed (no ${POSTGRES_BIN}/initdb); run \`npm run setup -- --profile production\``,
      '',
    );
  }
  const owner = postgresOwner();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.dirname(passwordFile), { recursive: true });
  const password = randomBytes(18).toString('base64url');
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  // initdb reads the password from a file its user can read; it is removed straight after.
  const pwfile = path.join(os.tmpdir(), `mosaic-pg-${process.pid}-${Date.now()}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (owner) {
      makeReachable(dir, dataDir, owner.uid);
      fs.chownSync(dir, owner.uid, owner.gid);
      fs.chownSync(pwfile, owner.uid, owner.gid);
    }
    execFileSync(
      path.join(POSTGRES_BIN, 'initdb'),
      [
        '-D',
        dir,
        '-U',
        POSTGRES_USER,
        `--pwfile=${pwfile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=reject',
        '-E',
        'UTF8',
        '--no-instructions',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) },
    );
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(passwordFile, { force: true });
    if (err instanceof StackStartFailed) throw err;
    const e = err as { stderr?: Buffer; message: string };
    throw new StackStartFailed('postgresql', 'initdb failed', e.stderr?.toString() ?? e.message);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  return { dir, port, password };
}

export function startPostgres(run: PostgresRun, common: { runDir: string; logDir: string }): Promise<DaemonRecord> {
  const owner = postgresOwner();
  return startDaemon({
    ...common,
    name: 'postgresql',
    executable: path.join(POSTGRES_BIN, 'postgres'),
    args: [
      '-D',
      run.dir,
      '-p',
      String(run.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    ports: { postgresql: run.port },
    ...(owner ? { user: owner } : {}),
  });
}

/** Ready when the server accepts a session: a TCP accept alone comes before recovery ends. */
export async function postgresReady(run: PostgresRun): Promise<boolean> {
  try {
    execFileSync(path.join(POSTGRES_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(run.port), '-q'], {
      stdio: 'ignore',
      timeout: 3000,
    });
    return true;
  } catch {
    return false;
  }
}
