import { personaTolerance, solve, type Requirements } from './solver';

/**
 * A built-in persona's cost tolerance is a budget for a typical workload of its role. A description
 * that states a larger one ("2 TB of data, 3000 transactions per second") is a fact the budget cannot
 * argue with: where no configuration meets the load within it but some meet it beyond, the proposals
 * are not capped and a note says by how much they pass it and how to cap them. A base persona the
 * caller chose keeps its budget as a hard limit, and so does a cost limit of the user's own.
 */
export function fitBuiltinBudget(req: Requirements, persona: string): { requirements: Requirements; note?: string } {
  const tolerance = personaTolerance(req);
  if (!tolerance) return { requirements: req };
  const within = solve(req, { k: 1 });
  if (within.ok || !within.conflict.constraints.some((c) => c.id.startsWith('cost.'))) return { requirements: req };
  const uncapped: Requirements = { ...req, cost: undefined };
  const beyond = solve(uncapped, { k: 1 });
  if (!beyond.ok) return { requirements: req };
  const cheapest = beyond.proposals[0]!;
  return {
    requirements: uncapped,
    note: `the built-in ${persona} persona's budget ($${tolerance.maxMonthlyUsd}/month, $${tolerance.maxHourlyUsd}/hour) fits no configuration for this load: the cheapest that carries it costs $${cheapest.monthlyUsd}/month, so proposals are not capped; add a cost constraint such as "at most ${Math.ceil(cheapest.monthlyUsd * 1.5)} per month" to cap them`,
  };
}
