export { SandboxViolation, type SandboxViolationReason } from './errors';
export type { HostFunction } from './host-calls';
export { DEFAULT_LIMITS, runInSandbox, type SandboxLimits, type SandboxResult, type SandboxRun } from './sandbox';
