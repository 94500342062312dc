import fc from 'fast-check';
import { stringify } from 'yaml';
import { compilePolicy, evaluate, parsePolicies, parsePolicy, PdlError, type PolicyContext } from '../../../src/pdl';
import { EXAMPLE, policyYaml } from './fixtures';

/** Hostile input must end as a policy or a PdlError: never another exception, never a hang. */
function parsesOrPdlError(text: string): void {
  try {
    parsePolicies(text);
  } catch (err) {
    if (!(err instanceof PdlError)) throw err;
    expect(typeof err.type).toBe('string');
  }
}

describe('PDL under random and mutated input', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), parsesOrPdlError), { numRuns: 500 });
  });

  it('random YAML values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => parsesOrPdlError(stringify(value))),
      { numRuns: 300 },
    );
  });

  it('the example with a slice replaced by random characters', () => {
    fc.assert(
      fc.property(fc.nat(EXAMPLE.length), fc.nat(40), fc.string({ maxLength: 20 }), (start, length, insert) =>
        parsesOrPdlError(EXAMPLE.slice(0, start) + insert + EXAMPLE.slice(start + length)),
      ),
      { numRuns: 500 },
    );
  });

  it('the example with one field set to a random value', () => {
    const paths = [
      ['metadata', 'version'],
      ['spec', 'priority'],
      ['spec', 'match'],
      ['spec', 'stages'],
      ['spec', 'stages', 1, 'candidates'],
      ['spec', 'stages', 1, 'forbid', 0, 'when'],
      ['kind'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        const doc = parsePolicy(EXAMPLE) as unknown as Record<string, unknown>;
        let node = doc as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
        node[path[path.length - 1]!] = value;
        parsesOrPdlError(stringify(doc));
      }),
      { numRuns: 300 },
    );
  });

  it('evaluation over random request data ends in a decision or a PdlError', () => {
    const specRules = policyYaml('spec-rules', {
      priority: 100,
      stages: [
        {
          name: 'provision',
          candidates: ['rds@*'],
          forbid: [{ when: 'request.spec.sizeGb > 100', handlers: ['rds@1'] }],
          prefer: [{ when: '"pci-dss" in request.security.compliance && request.spec.tier == "gold"', handlers: ['rds@*'], weight: 1 }],
        },
      ],
    });
    const policies = [EXAMPLE, specRules].map((t) => compilePolicy(parsePolicy(t)));
    const text = fc.string({ maxLength: 12 });
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const amount = fc.double({ min: 0, max: 1e6, noNaN: true });
    const metrics = fc.record({
      latencyP50Ms: amount,
      latencyP95Ms: amount,
      errorRate: unit,
      calls: amount,
      cpuMs: amount,
      memoryMb: amount,
    });
    const context: fc.Arbitrary<PolicyContext> = fc.record({
      request: fc.record({
        user: text,
        account: text,
        region: fc.constantFrom('eu-west-1', 'eu-central-1', 'us-east-1', ''),
        resourceType: fc.constantFrom('database', 'bucket'),
        spec: fc.dictionary(fc.constantFrom('sizeGb', 'tier', 'engine'), fc.jsonValue({ maxDepth: 2 })),
        security: fc.record({
          classification: fc.constantFrom('pci', 'hipaa', 'internal'),
          compliance: fc.array(fc.constantFrom('pci-dss', 'gdpr')),
          networkExposure: text,
        }),
      }),
      system: fc.record({ cpu: unit, memory: unit, network: unit }),
      handlers: fc.dictionary(fc.constantFrom('rds@1', 'rds@2', 'postgres-local@2', 'postgres-local@3'), metrics),
    });
    fc.assert(
      fc.property(context, (ctx) => {
        try {
          for (const stage of evaluate(policies, ctx).stages) expect(stage.allowed).toEqual(expect.arrayContaining(stage.required));
        } catch (err) {
          if (!(err instanceof PdlError)) throw err;
        }
      }),
      { numRuns: 300 },
    );
  });
});
