import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../config';
import { POSTGRES_BIN, POSTGRES_USER } from '../../stack/postgresql';

const run = promisify(execFile);

/** Where template1 waits while the fault holds: a name a second demo recognises and puts back. */
const AWAY = 'mosaic_demo_template1_away';

/**
 * The fault the learning burst puts into the stack's PostgreSQL: template1,
 * the database CREATE DATABASE copies, is renamed away, so postgres-local
 * genuinely fails (`template database "template1" does not exist`, a
 * ProviderRejected that is not retried) while the server stays up.
 *
 * Why this fault and not another:
 * - Stopping PostgreSQL (connection refused) is retried until the step's
 *   timeout: minutes of demo per failed call.
 * - Refusing the handler's sessions (ALLOW_CONNECTIONS false on `postgres`,
 *   default_transaction_read_only) fails its undo too: the compensation
 *   retries until the fault ends, and the outcome, and so the failure the
 *   decision should learn from, is recorded only after it.
 * - The handler runs as the cluster's superuser, which no CREATEDB
 *   revocation or connection limit binds.
 * With template1 away, creating fails at once and dropping what a failed
 * attempt made (its role) still works, so each failure is counted within
 * the second, as a real outage of database creation would be.
 *
 * It holds for every client of that cluster while it lasts: the demo's own
 * stack. A demo killed mid-fault leaves template1 away; the next burst puts
 * it back before anything else (restore).
 */
export class PostgresFault {
  constructor(private readonly config: Pick<Config, 'postgresql'>) {}

  /** Why the fault cannot be made from here, or undefined when it can. */
  unavailable(): string | undefined {
    if (!fs.existsSync(path.join(POSTGRES_BIN, 'psql'))) return `PostgreSQL 15 is not installed (no ${POSTGRES_BIN}/psql)`;
    if (!fs.existsSync(this.config.postgresql.passwordFile))
      return `no local PostgreSQL to fault (${this.config.postgresql.passwordFile} is missing; run \`mosaic stack start\`)`;
    return undefined;
  }

  private async sql(statement: string): Promise<string> {
    const { port, passwordFile } = this.config.postgresql;
    const { stdout } = await run(
      path.join(POSTGRES_BIN, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        POSTGRES_USER,
        '-d',
        'postgres',
        '-X',
        '-q',
        '-t',
        '-A',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        statement,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          PGPASSWORD: fs.readFileSync(passwordFile, 'utf8').trim(),
          PGCONNECT_TIMEOUT: '5',
        },
        timeout: 30_000,
      },
    );
    return stdout.trim();
  }

  private async has(database: string): Promise<boolean> {
    return (await this.sql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`)) === '1';
  }

  /** Puts template1 back if a fault left it away. */
  async restore(): Promise<void> {
    if ((await this.has(AWAY)) && !(await this.has('template1'))) await this.sql(`ALTER DATABASE ${AWAY} RENAME TO template1`);
  }

  /** Runs `during` with database creation failing, and ends the fault however `during` ends. */
  async around<T>(during: () => Promise<T>): Promise<T> {
    await this.restore();
    await this.sql(`ALTER DATABASE template1 RENAME TO ${AWAY}`);
    try {
      return await during();
    } finally {
      await this.restore();
    }
  }
}
