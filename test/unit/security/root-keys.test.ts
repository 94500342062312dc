import { generateKeyPair } from '../../../src/security/keys';
import { rootKeySetDisagreement, rootKeySetFingerprint } from '../../../src/security/root-keys';

describe('the fingerprint of a root-key set', () => {
  const [a, b] = [generateKeyPair(), generateKeyPair()];

  it('is the same for the same keys in any order or repeated, and differs when a key is added or removed', () => {
    const ab = rootKeySetFingerprint([a.publicKeyPem, b.publicKeyPem]);
    expect(rootKeySetFingerprint([b.publicKeyPem, a.publicKeyPem, b.publicKeyPem])).toEqual(ab);
    expect(ab.keyIds).toEqual([a.keyId, b.keyId].sort());
    expect(ab.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(rootKeySetFingerprint([a.publicKeyPem]).fingerprint).not.toBe(ab.fingerprint);
    expect(rootKeySetFingerprint([]).fingerprint).not.toBe(rootKeySetFingerprint([a.publicKeyPem]).fingerprint);
  });

  it('names both sets, the workers holding the other and the fix when the fleet disagrees; nothing when it agrees', () => {
    const own = rootKeySetFingerprint([a.publicKeyPem]);
    const other = rootKeySetFingerprint([a.publicKeyPem, b.publicKeyPem]);
    expect(rootKeySetDisagreement({ ...own, others: [] })).toBeUndefined();
    const seenAt = new Date().toISOString();
    const message = rootKeySetDisagreement({
      ...own,
      others: [
        { worker: 'h1:1:x', ...other, seenAt },
        { worker: 'h2:2:y', ...other, seenAt },
      ],
    });
    expect(message).toContain(`this worker holds ${own.fingerprint} (${a.keyId})`);
    expect(message).toContain(`others hold ${other.fingerprint} (${other.keyIds.join(', ')}; held by h1:1:x, h2:2:y)`);
    expect(message).toContain('give every worker the same MOSAIC_ROOT_KEYS');
  });
});
