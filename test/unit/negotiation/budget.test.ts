import { analyse, defaultPersonaOf } from '../../../src/negotiation/analyzer';
import { fitBuiltinBudget } from '../../../src/negotiation/budget';
import { solve, type Requirements } from '../../../src/negotiation/solver';

/** What a negotiation of this description requires under its role's built-in persona, as the analysis activity builds it. */
function requirementsOf(text: string, constraints: Requirements['constraints'] = []): { req: Requirements; persona: string } {
  const a = analyse({ kind: 'text', text }, undefined, undefined);
  const persona = defaultPersonaOf(a.role);
  return {
    req: {
      profile: a.profile,
      headroom: a.headroom,
      compliance: [],
      cost: persona.cost,
      region: 'us-east-1',
      regionFrom: 'default',
      constraints,
    },
    persona: persona.name,
  };
}

describe("a built-in persona's budget and a workload larger than it", () => {
  const large = 'PostgreSQL 15 primary for our order system, 2 TB of data, about 3000 transactions per second';

  it('proposes what carries the stated load beyond the budget, and says so with the way to cap it', () => {
    const { req, persona } = requirementsOf(large);
    expect(solve(req, { k: 3 }).ok).toBe(false);
    expect(persona).toBe('oltp-database');
    const fitted = fitBuiltinBudget(req, persona);
    expect(fitted.requirements.cost).toBeUndefined();
    const result = solve(fitted.requirements, { k: 3 });
    if (!result.ok) throw new Error('expected proposals');
    const cheapest = Math.min(...result.proposals.map((p) => p.monthlyUsd));
    expect(cheapest).toBeGreaterThan(req.cost!.maxMonthlyUsd);
    expect(fitted.note).toBe(
      `the built-in ${persona} persona's budget ($${req.cost!.maxMonthlyUsd}/month, $${req.cost!.maxHourlyUsd}/hour) fits no configuration for this load: the cheapest that carries it costs $${cheapest}/month, so proposals are not capped; add a cost constraint such as "at most ${Math.ceil(cheapest * 1.5)} per month" to cap them`,
    );
  });

  it('keeps the budget where something fits within it, or where the user set a cost limit of their own', () => {
    const small = requirementsOf('PostgreSQL for a small internal tool, 20 GB');
    expect(fitBuiltinBudget(small.req, small.persona)).toEqual({ requirements: small.req });
    const capped = requirementsOf(large, [{ kind: 'maxMonthlyUsd', usd: 500 }]);
    expect(fitBuiltinBudget(capped.req, capped.persona)).toEqual({ requirements: capped.req });
  });

  it('keeps the budget when lifting it would not help: the conflict is elsewhere', () => {
    const { req, persona } = requirementsOf(large);
    // No instance in this region at all: cost is not what stands in the way.
    const nowhere = { ...req, constraints: [{ kind: 'families', families: ['no-such-family'] }] } as Requirements;
    expect(fitBuiltinBudget(nowhere, persona)).toEqual({ requirements: nowhere });
  });
});
