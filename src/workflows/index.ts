// The workflow bundle's entry point: every workflow the worker runs.
export { healthCheck } from './health-check';
export { managePolicy, initAdmin, inspectGovernance, evaluatePolicies } from './governance';
export { composeResource } from './compose';
export { composeSnapshot, manageSnapshotCatalog } from './snapshot';
