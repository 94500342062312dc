import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config';
import { MosaicClient } from '../../src/client/mosaic-client';
import { createWorker } from '../../src/worker';
import { createLogger, type Logger } from '../../src/logger';
import { quietRuntime } from './runtime';
import { workflowBundle } from './bundle';
import { movableClock } from './clock';

export interface TestWorker {
  config: Config;
  client: MosaicClient;
  taskQueue: string;
  /** Moves the worker's cache clock past `ms`: what a cache interval would have shown, now (test/harness/clock.ts). */
  passCacheTime(ms: number): void;
  stop(): Promise<void>;
}

/**
 * A real Worker over the real bundle and activities, on a task queue of its
 * own so test files never steal each other's tasks.
 */
export async function startTestWorker(env: NodeJS.ProcessEnv = {}, opts: { logger?: Logger } = {}): Promise<TestWorker> {
  quietRuntime();
  const taskQueue = `test-${randomUUID()}`;
  const config = loadConfig({ ...process.env, MOSAIC_TASK_QUEUE: taskQueue, ...env });
  const clock = movableClock();
  const { worker, close } = await createWorker(config, {
    workflowBundle: await workflowBundle(),
    logger: opts.logger ?? createLogger(config.logLevel, 'test-worker'),
    cacheClock: clock.now,
  });
  const running = worker.run();
  const client = await MosaicClient.connect(config);
  return {
    config,
    client,
    taskQueue,
    passCacheTime: clock.pass,
    async stop() {
      await client.close();
      worker.shutdown();
      await running;
      await close();
    },
  };
}
