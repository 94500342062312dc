export { compilePolicy, type CompiledPolicy } from './compile';
export * from './errors';
export { evaluate, explain, PolicySet, type Evaluation, type StageDecision, type TraceEntry } from './evaluate';
export { parsePolicies, parsePolicy, type ParseOptions } from './parse';
export { policySchema, HANDLER_REF, type Policy, type Stage } from './schema';
export { policyContextSchema, type HandlerMetrics, type HandlerRef, type PolicyContext } from './types';
export { findPolicyConflicts, describeConflict, witnessContext, type ConflictFinding, type ConflictSeverity } from './conflicts';
