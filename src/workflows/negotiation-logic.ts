// The negotiation's pure logic that its workflow calls at run time, in one
// module so negotiate.ts can load it on first use (see there).
export { describeConstraint } from '../negotiation/constraints';
export { observedUsageSchema } from '../negotiation/evolution';
export { agreementMemo } from '../negotiation/agreement';
export {
  cancellationFromPayload,
  describeRejection,
  feedbackFromPayload,
  feedbackFromSignal,
  rejectionConstraints,
  rejectionReadings,
  validateFeedback,
} from '../negotiation/feedback';
export { decideByPolicy } from '../negotiation/policy';
export { answersSchema } from '../negotiation/workload/questions';
export { answersFromPayload, answersFromSignal } from '../negotiation/answers';
