import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
const { buildProblem } = require('../../bin/build-state') as { buildProblem: () => string | undefined };

const REAL_WORKFLOWS = require.resolve('../../src/workflows');
/** What `npm run build` bundles from REAL_WORKFLOWS (scripts/bundle-workflows.ts), and the installed worker runs. */
const PREBUILT = path.resolve(__dirname, '..', '..', 'dist', 'workflow-bundle.js');

const cached = new Map<string, Promise<WorkflowBundleOption>>();

/**
 * A workflow bundle (the real one unless told). The real one is the build's
 * when dist/ is a build of today's sources, as the integration projects'
 * global setup makes sure: webpack took seconds of CPU per test file for the
 * same code. Otherwise (a unit run after an edit, another workflows path) it
 * is bundled here, once per test file.
 */
export function workflowBundle(workflowsPath = REAL_WORKFLOWS): Promise<WorkflowBundleOption> {
  let bundle = cached.get(workflowsPath);
  if (!bundle) {
    bundle =
      workflowsPath === REAL_WORKFLOWS && buildProblem() === undefined
        ? Promise.resolve({ codePath: PREBUILT })
        : bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    cached.set(workflowsPath, bundle);
  }
  return bundle;
}
