import fc from 'fast-check';
import { generateKeyPair } from '../../../src/security/keys';
import { InvalidChange } from '../../../src/security/errors';
import { parseChangeRequest } from '../../../src/security/change-request';
import { createSignedRequest } from '../../../src/security/signed-request';

const key = generateKeyPair();
const payload = { operation: 'role.grant', publicKeyPem: key.publicKeyPem, role: 'viewer' };
const valid = () => ({
  request: createSignedRequest('role.grant', payload, key.privateKeyPem, { now: new Date(), nonce: 'n-1234567' }),
  payload,
});

describe('parseChangeRequest', () => {
  it('accepts a well-formed signed change', () => {
    expect(parseChangeRequest(valid()).payload).toEqual(payload);
  });

  it('refuses any field replaced by a value of another shape with InvalidChange naming the field', () => {
    const fields = [
      'request.keyId',
      'request.nonce',
      'request.payloadHash',
      'request.signature',
      'payload.operation',
      'payload.role',
      'payload.publicKeyPem',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant({}), fc.constant([]), fc.constant('x'.repeat(20_000))),
        (field, value) => {
          const change = valid() as unknown as Record<string, Record<string, unknown>>;
          const [part, name] = field.split('.') as [string, string];
          change[part] = { ...change[part], [name]: value };
          expect(() => parseChangeRequest(change)).toThrow(InvalidChange);
          try {
            parseChangeRequest(change);
          } catch (err) {
            expect((err as Error).message.startsWith(field)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses what is not an object at all', () => {
    for (const input of [undefined, null, 'text', 42, [], { request: 'x' }]) expect(() => parseChangeRequest(input)).toThrow(InvalidChange);
  });
});
