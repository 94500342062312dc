import fc from 'fast-check';
import { KEY_ID } from '../../../src/contract/governance';
import { generateKeyPair } from '../../../src/security/keys';
import { authorize, rolesFor, type Role } from '../../../src/security/roles';
import { createSignedRequest, verifySignedRequest, type SignedRequest, type VerifyOptions } from '../../../src/security/signed-request';

const now = new Date('2026-11-23T08:00:00Z');
const author = generateKeyPair();
const viewer = generateKeyPair();
const roles = new Map<string, [string, Role]>([
  [author.keyId, [author.publicKeyPem, 'policy-author']],
  [viewer.keyId, [viewer.publicKeyPem, 'viewer']],
]);
const payload = { operation: 'policy.apply', source: 'apiVersion: mosaic/v1' };

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    now,
    publicKeyOf: (id) => roles.get(id)?.[0],
    roleOf: (id) => roles.get(id)?.[1],
    nonceSeen: () => false,
    ...overrides,
  };
}

const request = (key = author, at = now, nonce = 'n-1') =>
  createSignedRequest('policy.apply', payload, key.privateKeyPem, { now: at, nonce });
const errorOf = (req: SignedRequest, body: unknown = payload, opts = options()) => {
  try {
    verifySignedRequest(req, body, opts);
    return 'accepted';
  } catch (err) {
    return (err as { type: string }).type;
  }
};

describe('signed requests', () => {
  it('names the signer by a key id of the shape managePolicy may show before verifying, and nothing longer fits it', () => {
    for (let i = 0; i < 20; i++) expect(generateKeyPair().keyId).toMatch(KEY_ID);
    expect(`ed25519:${'A'.repeat(100_000)}`).not.toMatch(KEY_ID);
    expect('ed25519:AAAAAAAAAAAAAAAAAAAAAA\n').not.toMatch(KEY_ID);
  });

  it('accepts a fresh request signed by an actor whose role allows the operation', () => {
    expect(verifySignedRequest(request(), payload, options())).toEqual({ keyId: author.keyId, role: 'policy-author' });
  });

  it('refuses a tampered request: SignatureInvalid', () => {
    expect(errorOf({ ...request(), signature: request(author, now, 'other').signature })).toBe('SignatureInvalid');
    expect(errorOf({ ...request(), operation: 'role.grant' })).toBe('SignatureInvalid');
  });

  it('refuses a key that belongs to no actor: UnknownActor', () => {
    expect(errorOf(request(generateKeyPair()))).toBe('UnknownActor');
  });

  it('refuses a request signed with another key than the actor it names: SignatureInvalid', () => {
    expect(errorOf({ ...request(generateKeyPair()), keyId: author.keyId })).toBe('SignatureInvalid');
  });

  it('refuses a timestamp outside the allowed skew, either way: RequestExpired', () => {
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    expect(errorOf(request(author, minutes(-6)))).toBe('RequestExpired');
    expect(errorOf(request(author, minutes(6)))).toBe('RequestExpired');
    expect(errorOf(request(author, minutes(-4)))).toBe('accepted');
    expect(errorOf(request(author, minutes(-2)), payload, options({ maxSkewMs: 60_000 }))).toBe('RequestExpired');
  });

  it('refuses a replay: NonceReused', () => {
    expect(errorOf(request(), payload, options({ nonceSeen: (n) => n === 'n-1' }))).toBe('NonceReused');
  });

  it('refuses an operation the role does not allow: PermissionDenied', () => {
    expect(errorOf(request(viewer))).toBe('PermissionDenied');
  });

  it('refuses a payload other than the one signed: PayloadMismatch', () => {
    expect(errorOf(request(), { ...payload, source: 'changed' })).toBe('PayloadMismatch');
    // Key order is not meaning: the canonical payload hashes the same.
    expect(errorOf(request(), { source: payload.source, operation: payload.operation })).toBe('accepted');
  });

  it('rejects every mutation of a signed request with a typed error', () => {
    const original = request();
    const fields = ['operation', 'payloadHash', 'keyId', 'nonce', 'timestamp', 'signature'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.string({ minLength: 1 }), (field, value) => {
        fc.pre(original[field] !== value);
        const outcome = errorOf({ ...original, [field]: value });
        expect(['SignatureInvalid', 'UnknownActor', 'PayloadMismatch', 'RequestExpired']).toContain(outcome);
      }),
      { numRuns: 300 },
    );
  });
});

describe('roles', () => {
  it('lets admins do everything and viewers only read the audit trail', () => {
    expect(authorize('admin', 'role.grant').allowed).toBe(true);
    expect(authorize('policy-author', 'policy.apply').allowed).toBe(true);
    expect(authorize('policy-author', 'role.grant')).toEqual({
      allowed: false,
      reason: 'role policy-author may not role.grant; roles that may: admin',
    });
    expect(authorize('operator', 'policy.apply').allowed).toBe(false);
    expect(authorize('operator', 'handler.rollback').allowed).toBe(true);
    expect(authorize('viewer', 'policy.activate').allowed).toBe(false);
    expect(rolesFor('audit.read')).toEqual(['admin', 'policy-author', 'operator', 'viewer']);
  });
});
