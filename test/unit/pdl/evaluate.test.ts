import { compilePolicy, evaluate, explain, parsePolicy, PolicySet, type Evaluation } from '../../../src/pdl';
import { pdlErrorOf } from './errors';
import { context, EXAMPLE, metrics, policyYaml } from './fixtures';

const compiled = (...texts: string[]) => texts.map((t) => compilePolicy(parsePolicy(t)));
const stage = (e: Evaluation, name: string) => e.stages.find((s) => s.name === name)!;

describe('evaluate', () => {
  it('allows the candidates of each stage', () => {
    const e = evaluate(compiled(EXAMPLE), context());
    expect(e.policy).toBe('databases-eu');
    expect(stage(e, 'provision').allowed).toEqual(['provision-database@1', 'postgres-local@1', 'rds@1']);
  });

  it('forbids a handler while its condition holds, and not otherwise', () => {
    const failing = context({ handlers: { 'postgres-local@1': metrics(0), 'rds@1': metrics(0.3) } });
    expect(stage(evaluate(compiled(EXAMPLE), failing), 'provision').allowed).not.toContain('rds@1');
    expect(stage(evaluate(compiled(EXAMPLE), context()), 'provision').allowed).toContain('rds@1');
  });

  it('requires a handler when its condition holds, adding it to the allowed set', () => {
    const pci = evaluate(
      compiled(EXAMPLE),
      context({ request: { security: { classification: 'pci', compliance: [], networkExposure: 'private' } } }),
    );
    expect(stage(pci, 'secure')).toMatchObject({
      required: ['encrypt-at-rest@1'],
      allowed: ['attach-network-policy@1', 'encrypt-at-rest@1'],
    });
    expect(stage(evaluate(compiled(EXAMPLE), context()), 'secure').required).toEqual([]);
  });

  it('adds up preference weights of the rules that hold', () => {
    const text = policyYaml('p', {
      stages: [
        {
          name: 'provision',
          candidates: ['postgres-local@2', 'rds@1'],
          prefer: [
            { handlers: ['rds@1'], weight: 0.5 },
            { when: 'system.cpu > 0.5', handlers: ['rds@1'], weight: 1 },
            { when: 'system.cpu < 0.5', handlers: ['postgres-local@2'], weight: 2 },
          ],
        },
      ],
    });
    expect(stage(evaluate(compiled(text), context({ system: { cpu: 0.9 } })), 'provision').preferences).toEqual([
      { handler: 'rds@1', weight: 1.5 },
    ]);
    expect(stage(evaluate(compiled(text), context({ system: { cpu: 0.1 } })), 'provision').preferences).toEqual([
      { handler: 'rds@1', weight: 0.5 },
      { handler: 'postgres-local@2', weight: 2 },
    ]);
  });

  it('expands handler@* to every version the context knows', () => {
    const text = policyYaml('p', {
      stages: [{ name: 'provision', candidates: ['postgres-local@*'], forbid: [{ handlers: ['postgres-local@2'] }] }],
    });
    expect(stage(evaluate(compiled(text), context()), 'provision').allowed).toEqual(['postgres-local@3']);
  });

  it('orders stages by after/before, keeping declared order otherwise', () => {
    const text = policyYaml('p', {
      stages: [
        { name: 'register', candidates: ['r@1'], after: ['secure'] },
        { name: 'provision', candidates: ['p@1'] },
        { name: 'secure', candidates: ['s@1'], after: ['provision'] },
        { name: 'notify', candidates: ['n@1'], before: ['provision'] },
      ],
    });
    expect(evaluate(compiled(text), context()).order).toEqual(['notify', 'provision', 'secure', 'register']);
  });

  it('uses the highest-priority matching policy and shadows lower ones', () => {
    const low = policyYaml('low', { priority: 1, stages: [{ name: 'provision', candidates: ['rds@1'] }] });
    const high = policyYaml('high', { priority: 50 });
    const other = policyYaml('buckets', { priority: 99, match: 'request.resourceType == "bucket"' });
    const e = evaluate(compiled(low, high, other), context());
    expect(e.policies).toEqual(['high']);
    expect(stage(e, 'provision').allowed).toEqual(['postgres-local@2']);
    expect(e.shadowed).toBe(1);
    expect(e.trace.some((t) => t.policy === 'low')).toBe(false);
  });

  it('keeps every policy tied at the top priority in force', () => {
    const a = policyYaml('a', { stages: [{ name: 'provision', candidates: ['postgres-local@2'] }] });
    const b = policyYaml('b', { stages: [{ name: 'provision', candidates: ['rds@1'] }] });
    const e = evaluate(compiled(a, b), context());
    expect(e.policies).toEqual(['a', 'b']);
    expect(stage(e, 'provision').allowed).toEqual(['postgres-local@2', 'rds@1']);
  });

  it('raises PolicyConflict naming both policies when one requires what the other forbids', () => {
    const a = policyYaml('requires-rds', {
      stages: [{ name: 'provision', candidates: ['postgres-local@2'], require: [{ handlers: ['rds@1'] }] }],
    });
    const b = policyYaml('forbids-rds', {
      stages: [{ name: 'provision', candidates: ['postgres-local@2'], forbid: [{ handlers: ['rds@1'] }] }],
    });
    const err = pdlErrorOf(() => evaluate(compiled(a, b), context()));
    expect(err.type).toBe('PolicyConflict');
    expect(err.message).toContain('requires-rds');
    expect(err.message).toContain('forbids-rds');
    expect(err.message).toContain('rds@1');
    // At different priorities the higher one simply wins.
    expect(() => evaluate(compiled(a, b.replace('priority: 10', 'priority: 5')), context())).not.toThrow();
  });

  it('says when no policy matches', () => {
    const err = pdlErrorOf(() => evaluate(compiled(EXAMPLE), context({ request: { region: 'us-east-1' } })));
    expect(err.type).toBe('NoMatchingPolicy');
    expect(err.message).toContain('us-east-1');
  });

  it('reads a handler without metrics (a new version) as zeros, however its name is quoted', () => {
    for (const when of ['handlers["new@1"].calls < 1.0', "handlers['new@1'].calls < 1"]) {
      const text = policyYaml('p', { stages: [{ name: 'provision', candidates: ['new@1'], forbid: [{ when, handlers: ['new@1'] }] }] });
      expect(stage(evaluate(compiled(text), context()), 'provision').allowed).toEqual([]);
    }
  });

  it('fails the decision with PdlEvaluationError when a condition fails on the request data', () => {
    const guarded = (when: string) =>
      compiled(policyYaml('p', { stages: [{ name: 'provision', candidates: ['rds@1'], forbid: [{ when, handlers: ['rds@1'] }] }] }));
    const err = pdlErrorOf(() => evaluate(guarded('request.spec.sizeGb > 100'), context()));
    expect(err.type).toBe('PdlEvaluationError');
    expect(err.message).toContain(
      'policy p, stage provision, forbid[0]: `request.spec.sizeGb > 100` failed on this request: No such key: sizeGb',
    );
    expect(err.message).toContain('has(request.spec.size)');
    const wrongType = pdlErrorOf(() => evaluate(guarded('request.spec.sizeGb > 100'), context({ request: { spec: { sizeGb: 'big' } } })));
    expect(wrongType.message).toContain('no such overload');
    // Guarded, a missing key is simply a condition that does not hold.
    const safe = guarded('has(request.spec.sizeGb) && request.spec.sizeGb > 100');
    expect(stage(evaluate(safe, context()), 'provision').allowed).toEqual(['rds@1']);
    expect(stage(evaluate(safe, context({ request: { spec: { sizeGb: 500 } } })), 'provision').allowed).toEqual([]);
  });

  it('explains why a handler was not used', () => {
    const failing = context({ handlers: { 'rds@1': metrics(0.4) } });
    const e = evaluate(compiled(EXAMPLE), failing);
    expect(explain(e.trace, 'rds@1')).toEqual([
      'policy databases-eu, stage provision: rds@1 is a candidate',
      'policy databases-eu, stage provision: forbid[0] when `handlers["rds@1"].errorRate > 0.2` forbade rds@1',
      'policy databases-eu, stage provision: prefer[0] when `system.cpu > 0.8` did not apply (condition false)',
    ]);
    expect(explain(e.trace, 'mystery@1')).toEqual(['mystery@1 is not named by the policies in force (databases-eu)']);
  });

  it('skips policies of other resource types without evaluating them', () => {
    const set = new PolicySet(compiled(EXAMPLE, policyYaml('buckets', { match: 'request.resourceType == "bucket"' })));
    expect(set.candidates('database').map((p) => p.name)).toEqual(['databases-eu']);
    expect(set.candidates('queue')).toEqual([]);
  });
});

describe('compilePolicy', () => {
  it('compiles a policy version once and recompiles changed content', () => {
    const first = compilePolicy(parsePolicy(EXAMPLE));
    expect(compilePolicy(parsePolicy(EXAMPLE))).toBe(first);
    expect(compilePolicy(parsePolicy(EXAMPLE.replace('priority: 100', 'priority: 101')))).not.toBe(first);
  });
});
