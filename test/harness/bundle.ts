import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The real workflow bundle, built once per test file (about a second). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cached ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return cached;
}
