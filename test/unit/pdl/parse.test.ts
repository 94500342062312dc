import { parsePolicies, parsePolicy } from '../../../src/pdl';
import { pdlErrorOf } from './errors';
import { EXAMPLE, policyYaml } from './fixtures';

const parseError = (text: string, knownHandlers?: string[]) => pdlErrorOf(() => parsePolicy(text, { knownHandlers }));

describe('parsePolicy', () => {
  it('accepts the example policy as written', () => {
    const policy = parsePolicy(EXAMPLE);
    expect(policy.metadata).toMatchObject({ name: 'databases-eu', version: 1 });
    expect(policy.spec.stages.map((s) => s.name)).toEqual(['validate', 'provision', 'secure', 'register']);
  });

  it('reads every document of a stream', () => {
    const text = `${policyYaml('a', {})}---\n${policyYaml('b', {})}`;
    expect(parsePolicies(text).map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(() => parsePolicy(text)).toThrow(/expected one policy document, found 2/);
  });

  it('reports YAML syntax errors with line and column', () => {
    const err = parseError('apiVersion: mosaic/v1\nkind: [unclosed\n');
    expect(err.type).toBe('PdlSyntaxError');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^line 3, column \d+: YAML syntax/);
  });

  it('names an unknown field and points at its key', () => {
    const text = EXAMPLE.replace('  owner: platform-team', '  owner: platform-team\n  ownr: typo');
    const err = parseError(text);
    expect(err.type).toBe('PdlValidationError');
    expect(err.message).toContain('unknown field "ownr" in metadata');
    const line = text.split('\n').findIndex((l) => l.includes('ownr')) + 1;
    expect([err.line, err.column]).toEqual([line, 3]);
  });

  it('names a field of the wrong type with the expected form', () => {
    const err = parseError(policyYaml('p', { priority: 'high' }));
    expect(err.type).toBe('PdlValidationError');
    expect(err.path).toEqual(['spec', 'priority']);
    expect(err.message).toMatch(/spec\.priority: .*number/);
    expect(err.line).toBeGreaterThan(0);
  });

  it('rejects a malformed handler reference', () => {
    const err = parseError(policyYaml('p', { stages: [{ name: 'provision', candidates: ['Postgres'] }] }));
    expect(err.message).toContain('expected handler@version');
  });

  it('rejects a reference to a handler that is not registered, when the registry is given', () => {
    const text = policyYaml('p', { stages: [{ name: 'provision', candidates: ['postgres-local@2', 'rds@7'] }] });
    const err = parseError(text, ['postgres-local@2', 'rds@1']);
    expect(err.type).toBe('UnknownHandlerReference');
    expect(err.path).toEqual(['spec', 'stages', 0, 'candidates', 1]);
    expect(err.line).toBe(text.split('\n').findIndex((l) => l.includes('rds@7')) + 1);
    expect(() => parsePolicy(text.replace('rds@7', 'rds@*'), { knownHandlers: ['postgres-local@2', 'rds@1'] })).not.toThrow();
  });

  it('rejects CEL that does not parse, with line and column', () => {
    const err = parseError(policyYaml('p', { match: 'request.region ==' }));
    expect(err.type).toBe('PdlExpressionError');
    expect(err.path).toEqual(['spec', 'match']);
    expect(err.message).toContain('invalid CEL in `request.region ==`');
    expect(err.line).toBeGreaterThan(0);
  });

  it('rejects CEL that does not type-check', () => {
    expect(parseError(policyYaml('p', { match: 'request.region + 1' })).message).toContain('no such overload');
    expect(parseError(policyYaml('p', { match: 'system.cpu' })).message).toContain('is of type double; a condition must be a bool');
  });

  it('rejects an unknown context field, naming it', () => {
    const err = parseError(
      policyYaml('p', { stages: [{ name: 'provision', candidates: ['rds@1'], forbid: [{ when: 'system.cpux > 0.5', handlers: ['rds@1'] }] }] }),
    );
    expect(err.type).toBe('PdlExpressionError');
    expect(err.path).toEqual(['spec', 'stages', 0, 'forbid', 0, 'when']);
    expect(err.message).toContain('unknown context field "cpux"');
  });

  it('rejects cyclic stage ordering, naming the stages', () => {
    const err = parseError(
      policyYaml('p', {
        stages: [
          { name: 'a', candidates: ['x@1'], after: ['b'] },
          { name: 'b', candidates: ['y@1'], after: ['a'] },
        ],
      }),
    );
    expect(err.type).toBe('StageOrderCycle');
    expect(err.message).toContain('stages a, b order each other in a cycle');
  });

  it('rejects ordering against a stage the policy does not have', () => {
    const err = parseError(policyYaml('p', { stages: [{ name: 'a', candidates: ['x@1'], before: ['nope'] }] }));
    expect(err.message).toContain('ordered against "nope"');
  });
});

describe('validation messages', () => {
  it('suggests the field a misspelt one was meant to be', () => {
    const err = pdlErrorOf(() => parsePolicy(EXAMPLE.replace('candidates: [validate-request@1]', 'candidate: [validate-request@1]')));
    expect(err.message).toContain('unknown field "candidate" in spec.stages.0; did you mean "candidates"?');
  });

  it('says which field is missing', () => {
    const err = pdlErrorOf(() => parsePolicy(EXAMPLE.replace('  version: 1\n', '')));
    expect(err.message).toContain('metadata.version is required');
  });
});
