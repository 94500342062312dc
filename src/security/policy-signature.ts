import { sign, verify } from 'node:crypto';
import { Document, parseDocument } from 'yaml';
import { TOO_DEEP, yamlTooDeepAt } from '../depth';
import { PdlValidationError } from '../pdl/errors';
import { canonicalJson } from './canonical';
import { PolicyUnsigned, SignatureInvalid, UnknownSigner } from './errors';
import { keyIdOf, privateKeyObject, publicKeyObject, publicKeyOf } from './keys';

export interface Signature {
  keyId: string;
  value: string;
}

export type Signable = { signature?: Signature } & Record<string, unknown>;

/** The bytes a policy signature covers: everything but the signature, in canonical form. */
export function signedContent(document: Signable): Buffer {
  const { signature: _omit, ...content } = document;
  return Buffer.from(canonicalJson(content));
}

export function signDocument<T extends Signable>(document: T, privateKeyPem: string): T & { signature: Signature } {
  const keyId = keyIdOf(publicKeyOf(privateKeyPem));
  const value = sign(null, signedContent(document), privateKeyObject(privateKeyPem)).toString('base64');
  return { ...document, signature: { keyId, value } };
}

/** Throws PolicyUnsigned, UnknownSigner or SignatureInvalid; returns the signer's key id. */
export function verifyDocument(document: Signable, trustedKeys: ReadonlyMap<string, string>): string {
  const signature = document.signature;
  if (!signature?.keyId || !signature.value)
    throw new PolicyUnsigned('the policy has no signature; sign it with `mosaic policy sign <file> --key <key>`');
  const publicKeyPem = trustedKeys.get(signature.keyId);
  if (!publicKeyPem)
    throw new UnknownSigner(`the policy is signed by ${signature.keyId}, which is not a trusted policy signer (admin or policy-author)`);
  let ok: boolean;
  try {
    ok = verify(null, signedContent(document), publicKeyObject(publicKeyPem), Buffer.from(signature.value, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok)
    throw new SignatureInvalid(`the signature of ${signature.keyId} does not match the policy's content: it was changed after signing`);
  return signature.keyId;
}

/**
 * Signs a YAML policy file and returns the text with its `signature` block
 * set, keeping the author's comments and layout everywhere else.
 */
export function signYaml(text: string, privateKeyPem: string): string {
  const deep = yamlTooDeepAt(text);
  if (deep !== undefined) throw new PdlValidationError(TOO_DEEP).at(deep, 1);
  const doc: Document = parseDocument(text);
  if (doc.errors.length) throw doc.errors[0];
  const signed = signDocument(doc.toJS() as Signable, privateKeyPem);
  doc.set('signature', signed.signature);
  return doc.toString();
}
