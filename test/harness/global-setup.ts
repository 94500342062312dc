import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, postgresPasswordFile } from '../../src/config';
import { freePort } from '../../src/stack/ports';
import { startStack } from '../../src/stack/stack';
import { STACK_DIR_VAR } from './stack-env';
const { ensureBuilt } = require('../../bin/build-state') as { ensureBuilt: () => void };

const noteAbsence = (message: string) => {
  if (message.includes('not installed')) process.stderr.write(`\n[test stack] ${message}\n`);
};

export default async function globalSetup(): Promise<void> {
  // The tests run bin/mosaic.js as users do, and it runs dist/: build it if a source changed.
  ensureBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-test-'));
  const [temporalPort, uiPort, mongoPort, postgresPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const { cacheDir } = loadConfig();
  const started = Date.now();
  // With its Web UI: the browser test (test/e2e/web-ui.test.ts) drives it.
  // PostgreSQL too where it is installed (for the postgres-local handler's tests): the stack says when it is not.
  const stack = await startStack({ dataDir, cacheDir, temporalPort, uiPort, mongoPort, postgresPort, onProgress: noteAbsence });
  Object.assign(process.env, {
    [STACK_DIR_VAR]: dataDir,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_TEMPORAL_PORT: String(temporalPort),
    MOSAIC_TEMPORAL_UI_PORT: String(uiPort),
    // Worker processes the tests spawn would all claim the default metrics port; the metrics test picks its own.
    MOSAIC_METRICS_PORT: '0',
    MOSAIC_MONGODB_PORT: String(mongoPort),
    MOSAIC_POSTGRES_PORT: String(postgresPort),
    // Workers with data dirs of their own (the demo test's) use this stack's PostgreSQL.
    MOSAIC_POSTGRES_PASSWORD_FILE: postgresPasswordFile(dataDir),
    MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/mosaic_test`,
    // Denials that tests provoke on purpose log warnings; keep the output to errors.
    MOSAIC_LOG_LEVEL: process.env.MOSAIC_LOG_LEVEL ?? 'error',
  });
  process.stderr.write(
    `\n[test stack] Temporal 127.0.0.1:${temporalPort} (Web UI ${uiPort}), FerretDB 127.0.0.1:${mongoPort}, ` +
      `${stack.postgresql ? `PostgreSQL 127.0.0.1:${postgresPort}` : 'no PostgreSQL'}, ${dataDir} (${Date.now() - started} ms)\n`,
  );
}
