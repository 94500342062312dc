import { Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { createLogger, temporalLogger } from '../../src/logger';

let installed = false;

/** The SDK logs every worker state change at INFO; tests want warnings only (MOSAIC_LOG_LEVEL). */
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: temporalLogger(createLogger(testLogLevel(), 'temporal-sdk')), shutdownSignals: [] });
  } catch {
    // Already installed by an earlier test file in this process.
  }
}

function testLogLevel() {
  return loadConfig({ ...process.env, MOSAIC_LOG_LEVEL: process.env.MOSAIC_LOG_LEVEL ?? 'warn' }).logLevel;
}
