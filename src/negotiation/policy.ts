import { SECURITY_LEVELS } from './catalog';
import type { Feedback } from './feedback';
import type { NegotiationPolicy } from './request';
import type { Proposal } from './solver';

export type PolicyDecision = { feedback: Feedback } | { giveUp: string };

/**
 * One round of automated negotiation: the cheapest proposal that meets the
 * acceptance criteria; otherwise the next constraint of the policy; otherwise
 * a rejection; and after `giveUpAfterRounds` rounds, give up.
 */
export function decideByPolicy(policy: NegotiationPolicy, proposals: Proposal[], round: number, constraintsAdded: number): PolicyDecision {
  const a = policy.accept;
  const acceptable = proposals
    .filter(
      (p) =>
        (a.maxMonthlyUsd === undefined || p.monthlyUsd <= a.maxMonthlyUsd) &&
        (a.minHeadroom === undefined || p.headroom >= a.minHeadroom) &&
        (a.families === undefined || a.families.includes(p.family)) &&
        (a.minSecurity === undefined || p.security.rank >= SECURITY_LEVELS.indexOf(a.minSecurity) + 1),
    )
    .sort((x, y) => x.monthlyUsd - y.monthlyUsd);
  if (acceptable.length) return { feedback: { kind: 'accept', proposalId: acceptable[0]!.id, by: 'policy' } };
  if (round >= policy.giveUpAfterRounds) return { giveUp: `no proposal met the policy's acceptance criteria in ${round} rounds` };
  const next = policy.otherwise[constraintsAdded];
  if (next) return { feedback: { kind: 'addConstraints', constraints: [next], by: 'policy' } };
  // Too expensive is the one reason the policy knows for sure; otherwise only "not these".
  const tooExpensive = a.maxMonthlyUsd !== undefined && proposals.every((p) => p.monthlyUsd > a.maxMonthlyUsd!);
  return {
    feedback: { kind: 'reject', ...(tooExpensive ? { because: 'cost' as const } : {}), reason: 'no proposal met the policy', by: 'policy' },
  };
}
