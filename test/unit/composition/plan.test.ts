import { planLevels, PlanInvalid, type PlannedStep } from '../../../src/composition/plan';

const step = (stage: string, ref: string, requires: string[] = [], provides: string[] = []): PlannedStep => ({
  stage,
  ref,
  probability: 1,
  reason: 'chosen',
  requires,
  provides,
  undo: false,
  retry: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 1, maximumIntervalMs: 100 },
  timeoutMs: 1000,
});

const refs = (levels: PlannedStep[][]) => levels.map((l) => l.map((s) => s.ref));

describe('planLevels', () => {
  it('runs stages that need nothing from each other in parallel', () => {
    const steps = [
      step('validate', 'v@1', [], ['validated']),
      step('provision', 'p@1', ['validated'], ['endpoint']),
      step('secure', 's@1', ['endpoint']),
      step('register', 'r@1', ['endpoint']),
    ];
    expect(refs(planLevels(['validate', 'provision', 'secure', 'register'], steps, {}))).toEqual([['v@1'], ['p@1'], ['s@1', 'r@1']]);
  });

  it('honours explicit ordering even without a capability between stages', () => {
    const steps = [step('a', 'a@1'), step('b', 'b@1')];
    expect(refs(planLevels(['a', 'b'], steps, {}))).toEqual([['a@1', 'b@1']]);
    expect(refs(planLevels(['a', 'b'], steps, { b: ['a'] }))).toEqual([['a@1'], ['b@1']]);
  });

  it('refuses a handler whose required capability nobody provides', () => {
    expect(() => planLevels(['a'], [step('a', 'a@1', ['endpoint'])], {})).toThrow(PlanInvalid);
    expect(() => planLevels(['a'], [step('a', 'a@1', ['endpoint'])], {})).toThrow(
      'a@1 in stage a requires "endpoint", which no handler in the plan provides',
    );
  });

  it('refuses a capability that only a later stage provides', () => {
    const steps = [step('secure', 's@1', ['endpoint']), step('provision', 'p@1', [], ['endpoint'])];
    expect(() => planLevels(['secure', 'provision'], steps, {})).toThrow('which only the later stage provision provides');
  });
});
