import { parseDocument, stringify } from 'yaml';
import { parsePolicy } from '../../../src/pdl';
import { canonicalJson } from '../../../src/security/canonical';
import { generateKeyPair, keyIdOf } from '../../../src/security/keys';
import { signDocument, signYaml, verifyDocument, type Signable } from '../../../src/security/policy-signature';
import { EXAMPLE } from '../pdl/fixtures';

const author = generateKeyPair();
const trusted = new Map([[author.keyId, author.publicKeyPem]]);
const verifyText = (text: string) => verifyDocument(parsePolicy(text) as Signable, trusted);
const errorType = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { type?: string }).type;
  }
  return 'none';
};

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"x":2,"y":1}]},"b":1}');
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/cannot sign/);
  });
});

describe('policy signatures', () => {
  const signed = signYaml(EXAMPLE, author.privateKeyPem);

  it('round-trips: a signed policy verifies against its author key', () => {
    expect(verifyText(signed)).toBe(author.keyId);
    expect(parsePolicy(signed).signature?.keyId).toBe(author.keyId);
  });

  it('keeps comments and layout of the file', () => {
    expect(signed).toContain('# Databases in EU regions');
    expect(signed.startsWith(EXAMPLE.split('\n')[0]!)).toBe(true);
  });

  it('survives reformatting: flow style, key order, comments', () => {
    const doc = parseDocument(signed).toJS() as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(doc).reverse());
    const reformatted = `# reformatted by hand\n${stringify(reordered, { collectionStyle: 'flow' })}`;
    expect(verifyText(reformatted)).toBe(author.keyId);
  });

  it('breaks on any change of meaning', () => {
    expect(errorType(() => verifyText(signed.replace('errorRate > 0.2', 'errorRate > 0.25')))).toBe('SignatureInvalid');
    expect(errorType(() => verifyText(signed.replace('priority: 100', 'priority: 1000')))).toBe('SignatureInvalid');
  });

  it('refuses a signer that is not trusted and an unsigned policy', () => {
    const other = generateKeyPair();
    expect(errorType(() => verifyText(signYaml(EXAMPLE, other.privateKeyPem)))).toBe('UnknownSigner');
    expect(errorType(() => verifyText(EXAMPLE))).toBe('PolicyUnsigned');
  });

  it('refuses a signature made by another key under the trusted key id', () => {
    const other = generateKeyPair();
    const forged = signDocument(parsePolicy(EXAMPLE) as Signable, other.privateKeyPem);
    forged.signature.keyId = author.keyId;
    expect(errorType(() => verifyDocument(forged, trusted))).toBe('SignatureInvalid');
  });
});

describe('keys', () => {
  it('derives a stable id from the public key', () => {
    expect(keyIdOf(author.publicKeyPem)).toBe(author.keyId);
    expect(author.keyId).toMatch(/^ed25519:[A-Za-z0-9_-]{22}$/);
    expect(generateKeyPair().keyId).not.toBe(author.keyId);
  });
});
