import { profileFromStructured } from '../../../src/negotiation/capacity';
import { rejectionConstraints, validateFeedback } from '../../../src/negotiation/feedback';
import { decideByPolicy } from '../../../src/negotiation/policy';
import { parseNegotiationRequest } from '../../../src/negotiation/request';
import { solve, type Proposal } from '../../../src/negotiation/solver';

function proposals(): Proposal[] {
  const result = solve(
    {
      profile: profileFromStructured({ role: 'web-server', requestsPerSecond: 200, datasetGb: 50 }),
      headroom: 1.3,
      compliance: [],
      cost: { maxHourlyUsd: 1, maxMonthlyUsd: 600 },
      region: 'us-east-1',
      constraints: [],
    },
    { idPrefix: 'r1-p' },
  );
  if (!result.ok) throw new Error('expected proposals');
  return result.proposals;
}

describe('feedback validation', () => {
  const open = { status: 'awaiting-feedback', proposals: proposals() };

  it('accepts well-formed feedback for proposals that exist, with constraints read from words', () => {
    expect(validateFeedback({ kind: 'accept', proposalId: 'r1-p2' }, open)).toEqual({ kind: 'accept', proposalId: 'r1-p2' });
    expect(validateFeedback({ kind: 'addConstraints', constraints: ['region eu-west-1'] }, open)).toEqual({
      kind: 'addConstraints',
      constraints: [{ kind: 'region', region: 'eu-west-1' }],
    });
  });

  it.each([
    [{ kind: 'accept', proposalId: 'r7-p1' }, open, /proposal r7-p1 does not exist; the current proposals are r1-p1, r1-p2/],
    [{ kind: 'modify', proposalId: 'r1-p1', changes: {} }, open, /changes: expected at least one change/],
    [{ kind: 'modify', proposalId: 'r1-p1', changes: { storageKind: 'floppy' } }, open, /changes.storageKind/],
    [{ kind: 'addConstraints', constraints: ['make it pop'] }, open, /"make it pop" is not a constraint I know/],
    [{ kind: 'haggle' }, open, /expected feedback of kind accept, reject, modify or addConstraints/],
    [{ kind: 'reject' }, { status: 'completed', proposals: [] }, /the negotiation is completed; it no longer takes feedback/],
  ])('refuses %j with a reason', (input, state, message) => {
    expect(() => validateFeedback(input, state)).toThrow(message);
  });

  it('turns a rejection into constraints: never these again, and what its reason asks for', () => {
    const ps = open.proposals;
    const cost = rejectionConstraints({ kind: 'reject', because: 'cost' }, ps);
    expect(cost[0]).toEqual({ kind: 'exclude', keys: ps.map((p) => p.key) });
    expect(cost[1]).toEqual({ kind: 'maxMonthlyUsd', usd: Math.floor(Math.min(...ps.map((p) => p.monthlyUsd)) * 0.95) });
    expect(rejectionConstraints({ kind: 'reject', because: 'family' }, ps)[1]).toEqual({
      kind: 'excludeFamilies',
      families: [...new Set(ps.map((p) => p.family))],
    });
    expect(rejectionConstraints({ kind: 'reject', because: 'security' }, ps)[1]).toMatchObject({ kind: 'minSecurity' });
  });
});

describe('automated negotiation policy', () => {
  const ps = proposals();
  const policy = (over = {}) => ({ accept: {}, otherwise: [], giveUpAfterRounds: 3, ...over });

  it('accepts the cheapest proposal that meets its criteria', () => {
    const family = ps[ps.length - 1]!.family;
    const matching = ps.filter((p) => p.family === family).sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0]!;
    expect(decideByPolicy(policy({ accept: { families: [family] } }), ps, 1, 0)).toEqual({
      feedback: { kind: 'accept', proposalId: matching.id, by: 'policy' },
    });
  });

  it('otherwise adds its constraints one a round, then rejects, then gives up', () => {
    const strict = policy({ accept: { maxMonthlyUsd: 1 }, otherwise: [{ kind: 'noBurstable' }] });
    expect(decideByPolicy(strict, ps, 1, 0)).toEqual({
      feedback: { kind: 'addConstraints', constraints: [{ kind: 'noBurstable' }], by: 'policy' },
    });
    expect(decideByPolicy(strict, ps, 2, 1)).toEqual({
      feedback: { kind: 'reject', because: 'cost', reason: 'no proposal met the policy', by: 'policy' },
    });
    expect(decideByPolicy(strict, ps, 3, 1)).toEqual({ giveUp: "no proposal met the policy's acceptance criteria in 3 rounds" });
  });
});

describe('negotiation request', () => {
  it('fills defaults and reads constraints', () => {
    const r = parseNegotiationRequest({
      negotiationId: 'shop-1',
      user: 'a',
      account: 'b',
      workload: { kind: 'text', text: 'a small blog' },
      constraints: ['at least 3000 IOPS'],
    });
    expect(r).toMatchObject({
      region: 'us-east-1',
      provider: 'local',
      proposals: 4,
      limits: { roundTimeout: '1 day', deadline: '14 days', maxRounds: 20, roundsPerRun: 10 },
      constraints: [{ kind: 'minIops', iops: 3000 }],
    });
  });

  it('names the field and the fix', () => {
    expect(() =>
      parseNegotiationRequest({ negotiationId: 'X', user: 'a', account: 'b', workload: { kind: 'text', text: 'a blog' } }),
    ).toThrow(/negotiationId: expected a lower-case id/);
    expect(() =>
      parseNegotiationRequest({
        negotiationId: 'shop-1',
        user: 'a',
        account: 'b',
        workload: { kind: 'text', text: 'a blog' },
        limits: { roundTimeout: 'soon' },
      }),
    ).toThrow(/limits.roundTimeout: expected a duration such as "30 seconds"/);
    expect(() =>
      parseNegotiationRequest({
        negotiationId: 'shop-1',
        user: 'a',
        account: 'b',
        workload: { kind: 'text', text: 'a blog' },
        constraints: ['whatever'],
      }),
    ).toThrow(/constraints.0: "whatever" is not a constraint/);
  });
});
