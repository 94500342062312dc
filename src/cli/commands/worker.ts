import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import { isRunning, readRecord, startDaemon } from '../../stack/daemon';
import { logDir, runDir, waitUntilReady } from '../../stack/stack';
// `mosaic worker` is the one command that runs the worker; the CLI loads this file only for it.
// eslint-disable-next-line boundaries/dependencies
import { runWorker } from '../../worker';
import { CLI_ENTRY } from '../../operator/cli-entry';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, type OutputOptions } from '../output';

/**
 * Starts `mosaic worker` in the background and returns once it polls the task
 * queue. Several run side by side under names `worker-2`, `worker-3`, … each
 * with its own environment (the production profile gives each a metrics port).
 */
export async function startDetachedWorker(
  config: Config,
  onProgress: (m: string) => void,
  { name = 'worker', env }: { name?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const existing = readRecord(runDir(config.dataDir), name);
  if (existing && isRunning(existing)) {
    onProgress(`${name}: already running (pid ${existing.pid})`);
    return existing;
  }
  onProgress(`${name}: starting on task queue "${config.temporal.taskQueue}"`);
  const metricsPort = env?.MOSAIC_METRICS_PORT;
  const record = await startDaemon({
    name,
    executable: process.execPath,
    args: [CLI_ENTRY, 'worker'],
    runDir: runDir(config.dataDir),
    logDir: logDir(config.dataDir),
    ports: metricsPort ? { metrics: Number(metricsPort) } : {},
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const client = await MosaicClient.connect(config);
  try {
    const polling = async () => (await client.pollers()).some((p) => p.identity.startsWith(`${record.pid}@`));
    await waitUntilReady(name, record, polling, 90_000, 250);
    onProgress(`${name}: polling (pid ${record.pid}, log ${record.log})`);
    return record;
  } finally {
    await client.close();
  }
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the Mosaic worker: polls the task queue until SIGINT or SIGTERM, then drains')
    .option('--detach', 'run in the background (stopped by `mosaic stack stop`); returns once it polls')
    .option('--json', 'with --detach: print the result as JSON')
    .addHelpText('after', '\nExamples:\n  mosaic worker\n  MOSAIC_TASK_QUEUE=mosaic-canary mosaic worker --detach')
    .action(async (opts: OutputOptions & { detach?: boolean }) => {
      const config = loadConfig();
      if (!opts.detach) return runWorker(config);
      const record = await startDetachedWorker(config, progress(opts));
      print(
        opts,
        { pid: record.pid, log: record.log, taskQueue: config.temporal.taskQueue },
        () => `worker running (pid ${record.pid}); log: ${record.log}`,
      );
    });
}
