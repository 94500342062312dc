import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import { isRunning, readRecord, startDaemon } from '../../stack/daemon';
import { logDir, runDir, waitUntilReady } from '../../stack/stack';
import { runWorker } from '../../worker';
import { MosaicClient } from '../mosaic-client';
import { print, progress, type OutputOptions } from '../output';

const CLI_ENTRY = path.resolve(__dirname, '..', '..', '..', 'bin', 'mosaic.js');

/** Starts `mosaic worker` in the background and returns once it polls the task queue. */
export async function startDetachedWorker(config: Config, onProgress: (m: string) => void) {
  const existing = readRecord(runDir(config.dataDir), 'worker');
  if (existing && isRunning(existing)) {
    onProgress(`worker: already running (pid ${existing.pid})`);
    return existing;
  }
  onProgress(`worker: starting on task queue "${config.temporal.taskQueue}"`);
  const record = await startDaemon({
    name: 'worker',
    executable: process.execPath,
    args: [CLI_ENTRY, 'worker'],
    runDir: runDir(config.dataDir),
    logDir: logDir(config.dataDir),
    ports: {},
  });
  const client = await MosaicClient.connect(config);
  try {
    const polling = async () => (await client.pollers()).some((p) => p.identity.startsWith(`${record.pid}@`));
    await waitUntilReady('worker', record, polling, 90_000, 250);
    onProgress(`worker: polling (pid ${record.pid}, log ${record.log})`);
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
