import fc from 'fast-check';
import { stringify } from 'yaml';
import { parsePolicies, parsePolicy, PdlError } from '../../../src/pdl';
import { EXAMPLE } from './fixtures';

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
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => parsesOrPdlError(stringify(value))), { numRuns: 300 });
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
    const paths = [['metadata', 'version'], ['spec', 'priority'], ['spec', 'match'], ['spec', 'stages'], ['spec', 'stages', 1, 'candidates'], ['spec', 'stages', 1, 'forbid', 0, 'when'], ['kind']];
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
});
