import { generateKeyPair } from '../../../src/security/keys';
import {
  checkRegistration,
  commandRegistrationSchema,
  governedRefSchema,
  parseGovernedRef,
  RegistrationTampered,
} from '../../../src/security/governed';
import { createSignedRequest } from '../../../src/security/signed-request';

const operator = generateKeyPair();
const other = generateKeyPair();
const command = { name: 'status-page', version: 1, argv: ['/usr/bin/node', '-e', 'x'] };
const sign = (payload: { operation: string; command?: unknown }, key = operator) => ({
  request: createSignedRequest(payload.operation, payload, key.privateKeyPem, { now: new Date(), nonce: 'n-1' }),
  payload,
});
const keys = new Map([[operator.keyId, operator.publicKeyPem]]);
// The content read from a signed payload, compared with what the row holds.
const check = (registration: ReturnType<typeof sign> | undefined, stored: unknown) =>
  checkRegistration(
    { kind: 'command', ref: 'status-page@1' },
    registration,
    stored,
    (payload) => payload.command,
    (keyId) => keys.get(keyId),
  );

describe('checkRegistration: a stored governed object is what a known actor signed', () => {
  const registered = sign({ operation: 'command.register', command });

  it('accepts the signed content and names its registrant', () => {
    expect(check(registered, command)).toBe(operator.keyId);
  });

  it.each([
    ['a row edited after it was signed', registered, { ...command, argv: ['/bin/sh'] }, /it differs from what was registered/],
    ['a row with no registration at all', undefined, command, /it has no signed registration on record/],
    [
      'a signed payload edited along with the row',
      { ...registered, payload: { operation: 'command.register', command: { ...command, argv: ['/bin/sh'] } } },
      { ...command, argv: ['/bin/sh'] },
      /the payload is not the one the request signed/,
    ],
    [
      'a registration signed by a key that is no actor',
      sign({ operation: 'command.register', command }, other),
      command,
      /which is not an actor/,
    ],
    [
      'another signed change re-used as the registration',
      sign({ operation: 'handler.register', command }),
      command,
      /carries a signed handler\.register, not a command\.register/,
    ],
  ])('refuses %s, naming how to register again and who may', (_what, registration, stored, problem) => {
    let thrown: unknown;
    try {
      check(registration, stored);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RegistrationTampered);
    expect((thrown as Error).message).toMatch(problem);
    expect((thrown as Error).message).toMatch(
      /register it again with `mosaic command register <file> --key <key>` \(roles that may: admin, operator\)$/,
    );
  });
});

describe('references and registrations', () => {
  it('reads name@version and nothing else', () => {
    expect(parseGovernedRef('status-page@1')).toEqual({ name: 'status-page', version: 1 });
    for (const ref of ['status-page', 'status-page@0', 'status-page@latest', '/bin/sh@1', '../x@1', 'X@1', 'a@1\0', `${'a'.repeat(64)}@1`])
      expect(parseGovernedRef(ref)).toBeUndefined();
  });

  it('says what to send instead of a command line or a path', () => {
    const result = governedRefSchema('command').safeParse(['/bin/sh', '-c', 'id']);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(
      /^expected a registered command as name@version, such as status-page@1 .*not a command line$/,
    );
  });

  it('bounds a registered command like any service command', () => {
    expect(commandRegistrationSchema.safeParse({ ...command, argv: [] }).success).toBe(false);
    expect(commandRegistrationSchema.safeParse({ ...command, argv: ['a\0b'] }).success).toBe(false);
    expect(commandRegistrationSchema.safeParse({ ...command, extra: 1 }).success).toBe(false);
  });
});
