import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresPasswordFile } from '../../src/config';
import { stopDaemon } from '../../src/stack/daemon';
import { freePort } from '../../src/stack/ports';
import { initPostgres, postgresInstalled, postgresReady, startPostgres } from '../../src/stack/postgresql';
import { logDir, runDir, waitUntilReady } from '../../src/stack/stack';

export interface PrivatePostgres {
  /** What a worker and the CLI need to use it (and nothing else's). */
  env: { MOSAIC_POSTGRES_PORT: string; MOSAIC_POSTGRES_PASSWORD_FILE: string };
  stop(): Promise<void>;
}

/**
 * A PostgreSQL cluster of a test's own: for tests that put a cluster-wide
 * fault into it (the demo's learning burst renames template1), which would
 * fail the postgres-local tests running beside them on the shared stack's.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!postgresInstalled()) throw new Error('PostgreSQL 15 is not installed (scripts/setup.sh installs it)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const pg = initPostgres(dataDir, await freePort());
  const record = await startPostgres(pg, { runDir: runDir(dataDir), logDir: logDir(dataDir) });
  await waitUntilReady('postgresql', record, () => postgresReady(pg), 60_000);
  return {
    env: { MOSAIC_POSTGRES_PORT: String(pg.port), MOSAIC_POSTGRES_PASSWORD_FILE: postgresPasswordFile(dataDir) },
    async stop() {
      await stopDaemon(runDir(dataDir), 'postgresql', 10_000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
