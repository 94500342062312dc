import fc from 'fast-check';
import {
  compilePolicy,
  describeConflict,
  evaluate,
  findPolicyConflicts,
  parsePolicy,
  PolicyConflict,
  witnessContext,
  type CompiledPolicy,
  type ConflictFinding,
} from '../../../src/pdl';
import { policyYaml } from './fixtures';

interface Rules {
  match?: string;
  priority?: number;
  require?: { when?: string; handlers: string[] }[];
  forbid?: { when?: string; handlers: string[] }[];
  stage?: string;
}

function policy(name: string, rules: Rules): CompiledPolicy {
  const stage = { name: rules.stage ?? 'secure', candidates: ['attach-network-policy@1'], require: rules.require, forbid: rules.forbid };
  const spec: Record<string, unknown> = { stages: [JSON.parse(JSON.stringify(stage))], priority: rules.priority ?? 10 };
  if (rules.match) spec.match = rules.match;
  return compilePolicy(parsePolicy(policyYaml(name, spec)));
}

/** The witness is real: the evaluator itself, on the witness context, fails with PolicyConflict. */
function expectWitnessConflicts(finding: ConflictFinding, policies: CompiledPolicy[]): void {
  const context = witnessContext(finding.witness);
  context.handlers[finding.handler] ??= { latencyP50Ms: 0, latencyP95Ms: 0, errorRate: 0, calls: 0, cpuMs: 0, memoryMb: 0 };
  expect(() => evaluate(policies, context)).toThrow(PolicyConflict);
}

const ENCRYPT = ['encrypt-at-rest@1'];

describe('findPolicyConflicts', () => {
  it('refuses two policies that match the same request at one priority when one requires what the other forbids', () => {
    const regulated = policy('regulated', {
      match: 'request.region.startsWith("eu-")',
      require: [{ when: 'request.security.classification in ["pci", "hipaa"]', handlers: ENCRYPT }],
    });
    const fast = policy('fast-databases', { match: 'request.resourceType == "database"', forbid: [{ handlers: ENCRYPT }] });
    const [finding, ...rest] = findPolicyConflicts(fast, [regulated]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: 'refuse',
      requiredBy: 'regulated',
      forbiddenBy: 'fast-databases',
      stage: 'secure',
      handler: 'encrypt-at-rest@1',
      decidedAtRunTime: false,
    });
    expect(finding!.witness['request.resourceType']).toBe('database');
    expect(String(finding!.witness['request.region'])).toMatch(/^eu-/);
    expect(['pci', 'hipaa']).toContain(finding!.witness['request.security.classification']);
    expectWitnessConflicts(finding!, [regulated, fast]);
    expect(describeConflict(finding!)).toMatch(
      /regulated requires encrypt-at-rest@1 in stage secure where policy fast-databases forbids it/,
    );
  });

  it('accepts policies whose matches cannot hold together', () => {
    const eu = policy('eu', { match: 'request.region.startsWith("eu-")', require: [{ handlers: ENCRYPT }] });
    const us = policy('us', { match: 'request.region == "us-east-1"', forbid: [{ handlers: ENCRYPT }] });
    expect(findPolicyConflicts(us, [eu])).toEqual([]);
  });

  it('accepts rules whose conditions exclude each other', () => {
    const a = policy('a', { require: [{ when: 'request.security.classification == "pci"', handlers: ENCRYPT }] });
    const b = policy('b', { forbid: [{ when: 'request.security.classification != "pci"', handlers: ENCRYPT }] });
    expect(findPolicyConflicts(b, [a])).toEqual([]);
  });

  it('ignores a contradiction across priorities: only the higher one is in force', () => {
    const a = policy('a', { priority: 20, require: [{ handlers: ENCRYPT }] });
    const b = policy('b', { priority: 10, forbid: [{ handlers: ENCRYPT }] });
    expect(findPolicyConflicts(b, [a])).toEqual([]);
  });

  it('ignores the active version of the policy being replaced, and contradictions in other stages', () => {
    const v1 = policy('same', { forbid: [{ handlers: ENCRYPT }] });
    const v2 = policy('same', { require: [{ handlers: ENCRYPT }] });
    expect(findPolicyConflicts(v2, [v1])).toEqual([]);
    const other = policy('other', { stage: 'provision', forbid: [{ handlers: ENCRYPT }] });
    expect(findPolicyConflicts(v2, [other])).toEqual([]);
  });

  it('finds a policy that contradicts itself', () => {
    const self = policy('self', {
      require: [{ when: '"hipaa" in request.security.compliance', handlers: ENCRYPT }],
      forbid: [{ when: 'request.account == "sandbox"', handlers: ENCRYPT }],
    });
    const [finding] = findPolicyConflicts(self, []);
    expect(finding).toMatchObject({ severity: 'refuse', requiredBy: 'self', forbiddenBy: 'self' });
    expect(finding!.witness).toMatchObject({ 'request.account': 'sandbox', 'request.security.compliance': ['hipaa'] });
    expectWitnessConflicts(finding!, [self]);
  });

  it('warns, with a witness, when only run-time load or metrics make the contradiction', () => {
    const a = policy('a', { require: [{ handlers: ENCRYPT }] });
    const b = policy('b', { forbid: [{ when: 'system.cpu > 0.8', handlers: ENCRYPT }] });
    const [finding] = findPolicyConflicts(b, [a]);
    expect(finding).toMatchObject({ severity: 'warn', decidedAtRunTime: true });
    expect(finding!.witness['system.cpu']).toBeGreaterThan(0.8);
    expectWitnessConflicts(finding!, [a, b]);
    expect(describeConflict(finding!)).toMatch(/run-time contradiction/);
  });

  it('compares thresholds exactly: disjoint error-rate bands never conflict, overlapping ones do', () => {
    const healthy = policy('healthy', { require: [{ when: 'handlers["rds@1"].errorRate < 0.1', handlers: ['rds@1'] }] });
    const failing = policy('failing', { forbid: [{ when: 'handlers["rds@1"].errorRate > 0.3', handlers: ['rds@1'] }] });
    expect(findPolicyConflicts(failing, [healthy])).toEqual([]);
    const close = policy('close', { forbid: [{ when: 'handlers["rds@1"].errorRate > 0.09', handlers: ['rds@1'] }] });
    const [finding] = findPolicyConflicts(close, [healthy]);
    expect(finding).toMatchObject({ severity: 'warn', handler: 'rds@1' });
    expect(finding!.witness['handlers["rds@1"].errorRate']).toBeGreaterThan(0.09);
    expect(finding!.witness['handlers["rds@1"].errorRate']).toBeLessThan(0.1);
  });

  it('reads request.spec fields and their presence', () => {
    const big = policy('big', { require: [{ when: 'has(request.spec.sizeGb) && request.spec.sizeGb > 100', handlers: ENCRYPT }] });
    const small = policy('small', { forbid: [{ when: 'has(request.spec.sizeGb) && request.spec.sizeGb < 50', handlers: ENCRYPT }] });
    expect(findPolicyConflicts(small, [big])).toEqual([]);
    const medium = policy('medium', { forbid: [{ when: 'has(request.spec.sizeGb) && request.spec.sizeGb < 200', handlers: ENCRYPT }] });
    const [finding] = findPolicyConflicts(medium, [big]);
    expect(finding).toMatchObject({ severity: 'refuse' });
    expect(finding!.witness['request.spec.sizeGb']).toBeGreaterThan(100);
    expect(finding!.witness['request.spec.sizeGb']).toBeLessThan(200);
    expectWitnessConflicts(finding!, [big, medium]);
  });

  it('treats handler@* as every version of the handler', () => {
    const any = policy('any', { require: [{ handlers: ['rds@*'] }] });
    const one = policy('one', { forbid: [{ handlers: ['rds@2'] }] });
    expect(findPolicyConflicts(one, [any])).toMatchObject([{ severity: 'refuse', handler: 'rds@2' }]);
  });

  it('says so when the bounded search could not decide', () => {
    const a = policy('a', {
      require: [{ when: 'request.account in ["a1", "a2", "a3", "a4"] && request.user in ["u1", "u2", "u3"]', handlers: ENCRYPT }],
    });
    const b = policy('b', { forbid: [{ when: 'request.account == "a4" && request.user == "u3"', handlers: ENCRYPT }] });
    expect(findPolicyConflicts(b, [a])).toMatchObject([{ severity: 'refuse' }]);
    const [bounded] = findPolicyConflicts(b, [a], { maxContextsPerPair: 3 });
    expect(bounded).toMatchObject({ severity: 'warn', incomplete: true });
    expect(describeConflict(bounded!)).toMatch(/could not decide/);
    // The budget over all pairs: once spent, the pairs left are undecided, not skipped.
    const c = policy('c', { forbid: [{ when: 'request.account == "a1"', handlers: ENCRYPT }] });
    const spent = findPolicyConflicts(a, [b, c], { maxContexts: 5 });
    expect(spent.map((f) => [f.forbiddenBy, f.incomplete])).toEqual([
      ['b', true],
      ['c', true],
    ]);
  });

  // The search against the evaluator itself: on random request contexts over the same literals, a pair the
  // search clears never conflicts, and every conflicting context means the search reported something.
  it('agrees with the evaluator on random policies and requests', () => {
    const regions = ['eu-west-1', 'eu-central-1', 'us-east-1'];
    const classes = ['public', 'internal', 'pci'];
    const condition = fc.oneof(
      fc.constantFrom(...regions).map((r) => `request.region == "${r}"`),
      fc.constant('request.region.startsWith("eu-")'),
      fc.constantFrom(...classes).map((c) => `request.security.classification == "${c}"`),
      fc.constantFrom(0.2, 0.5, 0.8).map((t) => `system.cpu > ${t}`),
      fc.constantFrom(0.2, 0.5, 0.8).map((t) => `system.cpu <= ${t}`),
    );
    const when = fc.option(
      fc.tuple(condition, fc.option(condition)).map(([a, b]) => (b ? `${a} && ${b}` : a)),
      { nil: undefined },
    );
    const requestContext = fc.record({
      region: fc.constantFrom(...regions, 'ap-south-1'),
      classification: fc.constantFrom(...classes, 'secret'),
      cpu: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(when, when, fc.array(requestContext, { minLength: 20, maxLength: 20 }), (requireWhen, forbidWhen, requests) => {
        const a = policy('a', { require: [{ when: requireWhen, handlers: ENCRYPT }] });
        const b = policy('b', { forbid: [{ when: forbidWhen, handlers: ENCRYPT }] });
        const findings = findPolicyConflicts(b, [a]);
        for (const f of findings) if (!f.incomplete) expectWitnessConflicts(f, [a, b]);
        for (const r of requests) {
          const context = witnessContext({
            'request.resourceType': 'database',
            'request.region': r.region,
            'request.security.classification': r.classification,
            'system.cpu': r.cpu,
          });
          let conflicted = false;
          try {
            evaluate([a, b], context);
          } catch (err) {
            if (!(err instanceof PolicyConflict)) throw err;
            conflicted = true;
          }
          if (conflicted) expect(findings.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150, seed: 21 },
    );
  });
});
