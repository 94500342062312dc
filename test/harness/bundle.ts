import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const cached = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** A workflow bundle (the real one unless told), built once per test file (about a second). */
export function workflowBundle(workflowsPath = require.resolve('../../src/workflows')): Promise<WorkflowBundleWithSourceMap> {
  let bundle = cached.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    cached.set(workflowsPath, bundle);
  }
  return bundle;
}
