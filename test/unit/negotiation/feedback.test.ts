import { PRICED_REGIONS } from '../../../src/negotiation/catalog';
import { profileFromStructured } from '../../../src/negotiation/capacity';
import {
  cancellationFromPayload,
  describeRejection,
  feedbackFromPayload,
  feedbackFromSignal,
  feedbackFromText,
  rejectionConstraints,
  rejectionReadings,
  validateFeedback,
} from '../../../src/negotiation/feedback';
import { interpretReason } from '../../../src/negotiation/reasons';
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

describe('natural payloads, as typed into the Web UI', () => {
  const open = { status: 'awaiting-feedback', proposals: proposals() };
  const read = (kind: Parameters<typeof feedbackFromPayload>[0], payload: unknown) =>
    validateFeedback(feedbackFromPayload(kind, payload), open);

  it.each([
    ['accept', '"r1-p2"', 'r1-p2', { kind: 'accept', proposalId: 'r1-p2' }],
    ['accept', 'the object form', { proposalId: 'r1-p2', by: 'ann' }, { kind: 'accept', proposalId: 'r1-p2', by: 'ann' }],
    ['reject', 'a reason in words', 'too expensive', { kind: 'reject', reason: 'too expensive' }],
    ['reject', 'nothing', undefined, { kind: 'reject' }],
    ['reject', 'null', null, { kind: 'reject' }],
    ['reject', 'the object form', { because: 'cost', reason: 'over budget' }, { kind: 'reject', because: 'cost', reason: 'over budget' }],
    ['addConstraints', 'one phrase', 'no burstable instances', { kind: 'addConstraints', constraints: [{ kind: 'noBurstable' }] }],
    [
      'addConstraints',
      'phrases between semicolons',
      'families m6i, c6i; at least 3000 IOPS',
      {
        kind: 'addConstraints',
        constraints: [
          { kind: 'families', families: ['m6i', 'c6i'] },
          { kind: 'minIops', iops: 3000 },
        ],
      },
    ],
    ['addConstraints', 'a list', ['region eu-west-1'], { kind: 'addConstraints', constraints: [{ kind: 'region', region: 'eu-west-1' }] }],
    [
      'addConstraints',
      'one constraint as JSON',
      { kind: 'minIops', iops: 3000 },
      { kind: 'addConstraints', constraints: [{ kind: 'minIops', iops: 3000 }] },
    ],
    [
      'modify',
      'changes beside the proposal id',
      { proposalId: 'r1-p1', storageGb: 500 },
      { kind: 'modify', proposalId: 'r1-p1', changes: { storageGb: 500 } },
    ],
  ] as const)('%s takes %s', (kind, _form, payload, expected) => {
    expect(read(kind, payload)).toEqual(expected);
  });

  it.each([
    [
      'reject',
      { because: 'price' },
      /because: expected one of cost, performance, family, region, storage, security\. reject takes a reason in words.*for example "too expensive"/,
    ],
    ['reject', 42, /^reject takes a reason in words, .*got 42\. For example "too expensive"/],
    ['accept', undefined, /^accept takes a proposal id, or \{"proposalId": "<id>"\}; got nothing\. For example "r1-p2"/],
    ['accept', { id: 'r1-p1' }, /unknown field "id".*accept takes a proposal id/],
    [
      'modify',
      'r1-p1 bigger',
      /^modify takes a proposal id with the changes.*got the text "r1-p1 bigger"\. For example \{"proposalId": "r1-p2", "storageGb": 500/,
    ],
    ['addConstraints', 7, /^addConstraints takes a constraint in words, a list of them/],
    ['addConstraints', 'no burstible boxes', /"no burstible boxes" is not a constraint I know; did you mean "no burstable types"\?/],
  ] as const)('refuses %s with %j naming the shape and an example', (kind, payload, message) => {
    let error: Error | undefined;
    try {
      read(kind, payload);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    // What a person reads: never zod's per-character complaints about a string spread into an object.
    expect(error?.message).not.toMatch(/Unrecognized keys|"0", "1"/);
  });

  it('reads feedback signals in words', () => {
    expect(feedbackFromText('accept r1-p2')).toEqual({ kind: 'accept', proposalId: 'r1-p2' });
    expect(feedbackFromText('Reject: too slow')).toEqual({ kind: 'reject', reason: 'too slow' });
    expect(feedbackFromText('reject')).toEqual({ kind: 'reject' });
    expect(feedbackFromText('constrain no burstable types')).toEqual({ kind: 'addConstraints', constraints: ['no burstable types'] });
    expect(() => feedbackFromText('haggle a bit')).toThrow(/feedback in words starts with accept, reject or constrain/);
  });

  it('reads whatever a feedback signal carries, its id aside, and refuses the rest with the kinds it takes', () => {
    const read = (sent: unknown) => validateFeedback(feedbackFromSignal(sent), open);
    expect(read('accept r1-p2')).toEqual({ kind: 'accept', proposalId: 'r1-p2' });
    expect(read({ id: 'sig-1', kind: 'accept', proposalId: 'r1-p2', by: 'ann' })).toEqual({
      kind: 'accept',
      proposalId: 'r1-p2',
      by: 'ann',
    });
    // A known kind gets that kind's short forms, as an update's payload does.
    expect(read({ id: 'sig-2', kind: 'modify', proposalId: 'r1-p2', storageGb: 500 })).toEqual({
      kind: 'modify',
      proposalId: 'r1-p2',
      changes: { storageGb: 500 },
    });
    // Not a kind, though every object has it: refused like any other unknown kind.
    for (const sent of [{ kind: 'toString' }, { kind: 'haggle' }, {}, ['accept', 'r1-p2'], 42, null])
      expect(() => read(sent)).toThrow(/expected feedback of kind accept, reject, modify or addConstraints/);
  });

  it('reads a cancellation in words or as an object, and names an unknown field', () => {
    expect(cancellationFromPayload('project dropped')).toEqual({ reason: 'project dropped' });
    expect(cancellationFromPayload(undefined)).toEqual({});
    expect(cancellationFromPayload({ reason: 'x', by: 'ann' })).toEqual({ reason: 'x', by: 'ann' });
    expect(() => cancellationFromPayload({ why: 'x' })).toThrow(/cancel takes a reason in words.*unknown field "why"/);
  });
});

describe('reasons in words', () => {
  it.each([
    ['too expensive', ['cost']],
    ['Way too pricey for us', ['cost']],
    ['over budget', ['cost']],
    ["we can't afford that", ['cost']],
    ['too expnsive', ['cost']],
    ['costs too much', ['cost']],
    ['too slow', ['performance']],
    ['needs more CPU', ['performance']],
    ['underpowered for the peak', ['performance']],
    ['must stay in Europe', ['region']],
    ['wrong region', ['region']],
    ["we don't use t3", ['family']],
    ['a different instance type please', ['family']],
    ['not secure enough', ['security']],
    ['needs encryption with our own key', ['security']],
    ['HDD is too slow', ['performance', 'storage']],
    ['too expensive and not encrypted', ['cost', 'security']],
  ])('reads "%s" as %j', (text, reasons) => {
    expect(interpretReason(text).reasons).toEqual(reasons);
  });

  it('reads nothing into words that name no topic', () => {
    expect(interpretReason('meh').reasons).toEqual([]);
    expect(interpretReason(undefined).reasons).toEqual([]);
  });

  it('takes a clause that is a constraint as said, and reads the rest for topics', () => {
    expect(interpretReason('too expensive, at most 200 per month')).toMatchObject({
      reasons: ['cost'],
      constraints: [{ kind: 'maxMonthlyUsd', usd: 200 }],
    });
    // "no burstable instances" is a constraint, not a complaint about every family offered.
    expect(interpretReason('no burstable instances')).toMatchObject({ reasons: [], constraints: [{ kind: 'noBurstable' }] });
  });

  it('moves the next round by what the words say, and says what it understood', () => {
    const ps = proposals();
    const cheapest = Math.min(...ps.map((p) => p.monthlyUsd));
    const f = { kind: 'reject' as const, reason: 'too expensive' };
    const learned = rejectionConstraints(f, ps);
    expect(learned).toEqual([
      { kind: 'exclude', keys: ps.map((p) => p.key) },
      { kind: 'maxMonthlyUsd', usd: Math.floor(cheapest * 0.95) },
    ]);
    expect(describeRejection(f, learned)).toBe(
      `because of cost (read from "too expensive": cost ← "expensive"): now at most $${Math.floor(cheapest * 0.95)}/month`,
    );
    expect(rejectionConstraints({ kind: 'reject', reason: 'must be in Europe' }, ps)).toContainEqual({
      kind: 'region',
      region: 'eu-west-1',
    });
    const elsewhere = rejectionConstraints({ kind: 'reject', reason: 'wrong region' }, ps).find((c) => c.kind === 'region');
    expect(elsewhere).toMatchObject({ kind: 'region', region: expect.not.stringMatching(/^us-east-1$/) });
    expect(PRICED_REGIONS).toContain((elsewhere as { region: string }).region);
    expect(rejectionConstraints({ kind: 'reject', reason: "we don't use t3 or t3a" }, ps)).toContainEqual({
      kind: 'excludeFamilies',
      families: ['t3', 't3a'],
    });
    // When nothing is cheaper than the cheapest rejected, "too expensive" still means cheaper on average.
    const [strict, average] = rejectionReadings(f, ps);
    expect(strict).toEqual(learned);
    const mean = ps.reduce((a, p) => a + p.monthlyUsd, 0) / ps.length;
    expect(average![1]).toMatchObject({ kind: 'maxMonthlyUsd' });
    const limit = (average![1] as { usd: number }).usd;
    expect(limit).toBeLessThan(mean);
    expect(limit).toBeGreaterThan(mean - 0.02);
    expect(rejectionReadings({ kind: 'reject', reason: 'too slow' }, ps)).toHaveLength(1);
    const unread = { kind: 'reject' as const, reason: 'meh' };
    expect(describeRejection(unread, rejectionConstraints(unread, ps))).toBe(
      '"meh" names no cost, performance, family, region, storage or security: only these configurations are avoided',
    );
    expect(describeRejection({ kind: 'reject' }, [])).toBe('no reason given: only these configurations are avoided');
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
