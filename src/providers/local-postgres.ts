import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { POSTGRES_ROLE_CONNECTIONS } from '../handlers/cost';
import { POSTGRES_BIN, POSTGRES_USER } from '../stack/postgresql';
import { ProviderRejected, ProviderUnavailable } from './errors';
import type { DatabaseInput, ResourceRef } from './provider';

const run = promisify(execFile);

/** psql's arguments for one statement: no ~/.psqlrc, rows unaligned and bare, the first error ends it. */
export function psqlArgs(to: { host: string; port: number; user: string; database: string }, statement: string): string[] {
  const connection = ['-h', to.host, '-p', String(to.port), '-U', to.user, '-d', to.database];
  return [...connection, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', statement];
}

/** psql's environment: the password by variable (never an argument other users' ps would show) and a bounded connect. */
export const psqlEnv = (password: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' });
const short = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

/** The names a key gives: fixed before anything is made, so an undo finds what a failed attempt made. */
export function postgresNames(key: string, name: string) {
  const suffix = short(key);
  return { database: `${name.replace(/-/g, '_')}_${suffix}`, role: `mosaic_pg_${suffix}` };
}

// Identifiers and literals are built only from postgresNames (letters, digits, underscores) and
// base64url passwords; the quoting still doubles what would end them.
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Databases on the PostgreSQL the stack runs (Debian's postgresql, started by
 * `mosaic stack start` beside FerretDB: src/stack/postgresql.ts). Each
 * database has a login role of its own that alone may connect to it; its
 * password is in a file only the worker's user reads, which encrypt-at-rest
 * replaces by its ciphertext. Talks to the server through psql, as the
 * cluster's superuser, over loopback TCP.
 */
export class LocalPostgres {
  private readonly secrets: string;

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
    private readonly passwordFile: string,
  ) {
    this.secrets = path.join(path.resolve(dataDir), 'resources', 'secrets');
  }

  private password(): string {
    const file = this.passwordFile;
    if (!fs.existsSync(file)) {
      throw new ProviderRejected({
        provider: 'local',
        operation: 'createDatabase',
        resource: 'postgresql',
        code: 'PostgresNotRunning',
        detail: fs.existsSync(path.join(POSTGRES_BIN, 'postgres'))
          ? `no PostgreSQL was started for ${this.dataDir} (${file} is missing); run \`mosaic stack start\`, or name the stack's with MOSAIC_POSTGRES_PASSWORD_FILE`
          : `PostgreSQL 15 is not installed (no ${POSTGRES_BIN}/postgres); install it (Debian: apt-get install postgresql), then run \`mosaic stack start\``,
      });
    }
    return fs.readFileSync(file, 'utf8').trim();
  }

  /** One statement as the superuser; the rows it returns, unaligned. A refused connection retries, a refused password does not. */
  private async sql(statement: string, operation: string, resource: string): Promise<string> {
    try {
      const { stdout } = await run(
        path.join(POSTGRES_BIN, 'psql'),
        psqlArgs({ host: '127.0.0.1', port: this.port, user: POSTGRES_USER, database: 'postgres' }, statement),
        { env: psqlEnv(this.password()), timeout: 30_000 },
      );
      return stdout.trim();
    } catch (err) {
      if (err instanceof ProviderRejected) throw err;
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
      const fault = { provider: 'local' as const, operation, resource };
      // Another cluster answering on this port, or a password file of another data directory: no retry makes it match.
      if (/password authentication failed/i.test(stderr)) {
        throw new ProviderRejected({
          ...fault,
          code: 'PostgresAuthFailed',
          detail:
            `PostgreSQL on 127.0.0.1:${this.port} refused the password in ${this.passwordFile}: it is not the password of the cluster ` +
            `listening there; point MOSAIC_POSTGRES_PASSWORD_FILE and MOSAIC_POSTGRES_PORT at the same stack's PostgreSQL`,
        });
      }
      if (/could not connect|Connection refused|timeout expired|the database system is (starting|shutting) up/i.test(stderr)) {
        throw new ProviderUnavailable({ ...fault, code: 'PostgresUnreachable', detail: `PostgreSQL on 127.0.0.1:${this.port}: ${stderr}` });
      }
      throw new ProviderRejected({ ...fault, code: 'PostgresError', detail: stderr });
    }
  }

  private secretFile(key: string): string {
    return path.join(this.secrets, `pg-${short(key)}.json`);
  }

  async createDatabase(input: DatabaseInput): Promise<ResourceRef> {
    const { database, role } = postgresNames(input.key, input.name);
    fs.mkdirSync(this.secrets, { recursive: true, mode: 0o700 });
    const file = this.secretFile(input.key);
    // The password is chosen once per key and set only when the role is created: a retry after
    // encrypt-at-rest replaced the file must not change a password only the ciphertext knows.
    const chosenNow = !fs.existsSync(file) && !fs.existsSync(`${file}.enc`);
    if (chosenNow) {
      const secret = { user: role, password: randomBytes(18).toString('base64url'), host: '127.0.0.1', port: this.port, database };
      fs.writeFileSync(file, JSON.stringify(secret), { mode: 0o600 });
    }
    if (fs.existsSync(file)) {
      const { password } = JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string };
      await this.sql(
        `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(role)}) THEN ` +
          `CREATE ROLE ${ident(role)} LOGIN PASSWORD ${literal(password)} CONNECTION LIMIT ${POSTGRES_ROLE_CONNECTIONS}; END IF; END $$`,
        'createDatabase',
        database,
      ).catch((err: unknown) => {
        // Refused for good before the role existed: no retry will want this password, so it is not left behind.
        if (chosenNow && err instanceof ProviderRejected) fs.rmSync(file, { force: true });
        throw err;
      });
    }
    // CREATE DATABASE cannot run in a DO block: checked first, and a concurrent attempt's "already exists" is success.
    if ((await this.sql(`SELECT 1 FROM pg_database WHERE datname = ${literal(database)}`, 'createDatabase', database)) !== '1') {
      await this.sql(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`, 'createDatabase', database).catch((err: unknown) => {
        if (!(err instanceof ProviderRejected && /already exists/.test(err.message))) throw err;
      });
    }
    // Only its own role (and the superuser) may connect: PUBLIC may by default.
    await this.sql(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`, 'createDatabase', database);
    return {
      provider: 'local',
      kind: 'database',
      id: database,
      key: input.key,
      attributes: { engine: 'postgres', database, user: role, host: '127.0.0.1', port: String(this.port), secretFile: file },
    };
  }

  /** Drops the database (closing its sessions) and its role; succeeds when they are already gone. */
  async deleteDatabase(key: string, name: string): Promise<void> {
    const { database, role } = postgresNames(key, name);
    // No cluster was ever made for this data directory: there is nothing of this key's to drop.
    if (!fs.existsSync(this.passwordFile)) return;
    await this.sql(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`, 'deleteDatabase', database);
    await this.sql(`DROP ROLE IF EXISTS ${ident(role)}`, 'deleteDatabase', database);
    const file = this.secretFile(key);
    for (const f of [file, `${file}.enc`]) fs.rmSync(f, { force: true });
  }

  /** Whether the database and its role exist: what a test or an operator checks after a compensation. */
  async exists(key: string, name: string): Promise<{ database: boolean; role: boolean }> {
    const { database, role } = postgresNames(key, name);
    const rows = await this.sql(
      `SELECT (SELECT count(*) FROM pg_database WHERE datname = ${literal(database)}) || ',' || (SELECT count(*) FROM pg_roles WHERE rolname = ${literal(role)})`,
      'describeDatabase',
      database,
    );
    const [db, r] = rows.split(',');
    return { database: db === '1', role: r === '1' };
  }
}
