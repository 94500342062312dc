import { parsePolicies, parsePolicy } from '../../../src/pdl';
import { pdlErrorOf } from './errors';
import { EXAMPLE, policyYaml } from './fixtures';

const parseError = (text: string, knownHandlers?: string[]) => pdlErrorOf(() => parsePolicy(text, { knownHandlers }));
/** 1-based [line, column] of the first occurrence of needle in text, plus `shift` columns. */
const at = (text: string, needle: string, shift = 0) => {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  expect(text).toContain(needle);
  return [before.length, before[before.length - 1]!.length + 1 + shift];
};
const where = (err: { line?: number; column?: number }) => [err.line, err.column];

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

  it('skips empty documents of a stream: a trailing ---, comments only', () => {
    expect(parsePolicies(`---\n${policyYaml('a', {})}---\n# nothing here\n---\n`).map((p) => p.metadata.name)).toEqual(['a']);
  });

  it('reports YAML syntax errors with line and column', () => {
    const err = parseError('apiVersion: mosaic/v1\nkind: [unclosed\n');
    expect(err.type).toBe('PdlSyntaxError');
    expect(where(err)).toEqual([3, 1]);
    expect(err.message).toMatch(/^line 3, column 1: YAML syntax/);
    const duplicate = 'apiVersion: mosaic/v1\nkind: CompositionPolicy\nmetadata:\n  name: p\n  version: 1\n  name: q\n';
    expect(where(parseError(duplicate))).toEqual(at(duplicate, 'name: q'));
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
    const text = policyYaml('p', { priority: 'high' });
    const err = parseError(text);
    expect(err.type).toBe('PdlValidationError');
    expect(err.path).toEqual(['spec', 'priority']);
    expect(err.message).toMatch(/spec\.priority: .*number/);
    expect(where(err)).toEqual(at(text, 'high'));
  });

  it('rejects a malformed handler reference', () => {
    const text = policyYaml('p', { stages: [{ name: 'provision', candidates: ['Postgres'] }] });
    const err = parseError(text);
    expect(err.message).toContain('expected handler@version');
    expect(where(err)).toEqual(at(text, 'Postgres'));
  });

  it('rejects a reference to a handler that is not registered, when the registry is given', () => {
    const text = policyYaml('p', { stages: [{ name: 'provision', candidates: ['postgres-local@2', 'rds@7'] }] });
    const err = parseError(text, ['postgres-local@2', 'rds@1']);
    expect(err.type).toBe('UnknownHandlerReference');
    expect(err.path).toEqual(['spec', 'stages', 0, 'candidates', 1]);
    expect(where(err)).toEqual(at(text, 'rds@7'));
    expect(() => parsePolicy(text.replace('rds@7', 'rds@*'), { knownHandlers: ['postgres-local@2', 'rds@1'] })).not.toThrow();
  });

  it('rejects CEL that does not parse, pointing into the expression', () => {
    const text = policyYaml('p', { match: 'request.region == "eu-west-1" &&' });
    const err = parseError(text);
    expect(err.type).toBe('PdlExpressionError');
    expect(err.path).toEqual(['spec', 'match']);
    expect(err.message).toContain('invalid CEL in `request.region == "eu-west-1" &&`');
    expect(where(err)).toEqual(at(text, 'request.region', 'request.region == "eu-west-1" &&'.length));
  });

  it('rejects CEL that does not type-check, pointing into a quoted expression', () => {
    const text = policyYaml('p', { match: 'true && request.region.startsWith(1)' }).replace(/match: (.*)/, 'match: "$1"');
    const err = parseError(text);
    expect(err.message).toContain("no matching overload for 'string.startsWith(int)'");
    expect(where(err)).toEqual(at(text, 'request.region'));
    expect(parseError(policyYaml('p', { match: 'system.cpu' })).message).toContain('is of type double; a condition must be a bool');
  });

  it('rejects an unknown context field, naming it and pointing at it', () => {
    const text = policyYaml('p', {
      stages: [{ name: 'provision', candidates: ['rds@1'], forbid: [{ when: 'system.cpux > 0.5', handlers: ['rds@1'] }] }],
    });
    const err = parseError(text);
    expect(err.type).toBe('PdlExpressionError');
    expect(err.path).toEqual(['spec', 'stages', 0, 'forbid', 0, 'when']);
    expect(err.message).toContain('unknown context field "cpux"');
    expect(where(err)).toEqual(at(text, 'cpux'));
  });

  it('points at the start of an expression folded over several lines', () => {
    const text = policyYaml('p', {}).replace(/match: .*/, 'match: >-\n    request.region ==\n    1');
    const err = parseError(text);
    expect(err.message).toContain('no such overload');
    expect(where(err)).toEqual(at(text, '>-'));
  });

  it('rejects cyclic stage ordering, naming only the stages of the cycle', () => {
    const text = policyYaml('p', {
      stages: [
        { name: 'a', candidates: ['x@1'], after: ['b'] },
        { name: 'b', candidates: ['y@1'], after: ['a'] },
        { name: 'c', candidates: ['z@1'], after: ['b'] },
      ],
    });
    const err = parseError(text);
    expect(err.type).toBe('StageOrderCycle');
    expect(err.message).toContain('stages a, b order each other in a cycle');
    expect(err.path).toEqual(['spec', 'stages', 0, 'after']);
    expect(where(err)).toEqual(at(text, '- b'));
  });

  it('rejects ordering against a stage the policy does not have', () => {
    const text = policyYaml('p', { stages: [{ name: 'a', candidates: ['x@1'], before: ['nope'] }] });
    const err = parseError(text);
    expect(err.message).toContain('ordered against "nope"');
    expect(where(err)).toEqual(at(text, 'name: a'));
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
