import { fieldOf, parseAction } from '../../../../src/operator/console/forms';
import { roundChanges } from '../../../../src/operator/console/model';

const updateId = '0b8f2c1e-4d7a-4c1b-9a8e-2f1d3c4b5a6e';

describe('console forms, as people and attackers fill them in', () => {
  it('refuses a modify without any change, next to the instance type', () => {
    const r = parseAction('modify', { updateId, proposalId: 'r1-p1' });
    expect(r).toEqual({ ok: false, errors: { instanceType: expect.stringMatching(/change at least one/) } });
  });
  it('refuses a storage size that is not a whole number of GiB, next to that field', () => {
    const r = parseAction('modify', { updateId, proposalId: 'r1-p1', storageGb: '12.5e3' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.storageGb).toMatch(/whole number/);
  });
  it('refuses a form without its update id, so no update goes out without one', () => {
    expect(parseAction('accept', { proposalId: 'r1-p1' })).toMatchObject({ ok: false, errors: { updateId: expect.any(String) } });
  });
  it('splits constraints on ";" and new lines and bounds their number', () => {
    const r = parseAction('constrain', { updateId, constraints: 'no burstable types;\nat most 200 per month' });
    expect(r).toMatchObject({ ok: true, value: { body: { constraints: ['no burstable types', 'at most 200 per month'] } } });
    expect(parseAction('constrain', { updateId, constraints: Array(51).fill('x').join(';') }).ok).toBe(false);
  });
  it('reads "2,000" as a number answer and refuses words where a number is asked', () => {
    expect(parseAction('answer', { updateId, peakRate: '2,000' })).toMatchObject({
      ok: true,
      value: { body: { answers: { peakRate: 2000 } } },
    });
    expect(parseAction('answer', { updateId, dataGib: 'lots' })).toMatchObject({ ok: false, errors: { dataGib: expect.any(String) } });
  });
  it('refuses a reason not offered and a rejection that says nothing', () => {
    expect(parseAction('reject', { updateId, because: '<script>' })).toMatchObject({ ok: false, errors: { because: expect.any(String) } });
    expect(parseAction('reject', { updateId })).toMatchObject({ ok: false, errors: { reason: expect.any(String) } });
  });
  it('puts a workflow refusal next to the field it names', () => {
    expect(fieldOf('modify', 'changes.storageGb: expected at most 64000')).toBe('storageGb');
    expect(fieldOf('modify', 'instanceType: m9.huge is not in the catalog')).toBe('instanceType');
    expect(fieldOf('accept', 'proposal r1-p9 does not exist; the current proposals are r1-p1')).toBe('proposalId');
    expect(fieldOf('constrain', 'not a constraint I know; did you mean "no burstable types"?')).toBe('constraints');
  });
});

describe('what changed since the last round', () => {
  const p = (id: string, key: string, monthlyUsd: number, instanceType = 'm6i.large') =>
    ({
      id,
      key,
      monthlyUsd,
      instanceType,
      region: 'eu-west-1',
      vcpu: 2,
      memoryGb: 8,
      iops: 3000,
      headroom: 2,
      reasons: [],
      burstable: false,
      storage: { kind: 'gp3', volumeType: 'gp3', volumes: 1, sizeGbEach: 100, iopsEach: 3000 },
      security: { level: 'standard', encryption: 'aws-managed', tenancy: 'default' },
    }) as never;
  it('says the average went down and which proposals are new or gone', () => {
    const c = roundChanges({ previous: { round: 1, proposals: [p('r1-p1', 'a', 300)] }, proposals: [p('r2-p1', 'b', 100, 'c6g.large')] });
    expect(c.since).toBe(1);
    expect(c.lines[0]).toMatch(/down \$200\.00/);
    expect(c.lines).toContainEqual(expect.stringMatching(/r2-p1: new, c6g\.large/));
    expect(c.lines).toContainEqual(expect.stringMatching(/no longer proposed: r1-p1/));
  });
  it('names the changed fields of a modified proposal', () => {
    const c = roundChanges({ previous: { round: 2, proposals: [p('r2-p1', 'a', 100)] }, proposals: [p('r2-p1', 'a2', 140, 'm6i.xlarge')] });
    expect(c.lines).toContainEqual('r2-p1: instance m6i.large → m6i.xlarge; cost $100 → $140');
  });
});
