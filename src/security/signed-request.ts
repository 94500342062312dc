import { createHash, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical';
import { NonceReused, PayloadMismatch, PermissionDenied, RequestExpired, SignatureInvalid, UnknownActor } from './errors';
import { keyIdOf, privateKeyObject, publicKeyObject, publicKeyOf } from './keys';
import { authorize, type Role } from './roles';

/** A change someone asks for: who (key), what (operation + payload hash), once (nonce), when. */
export interface SignedRequest {
  operation: string;
  payloadHash: string;
  keyId: string;
  nonce: string;
  timestamp: string;
  signature: string;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

export const payloadHash = (payload: unknown) => createHash('sha256').update(canonicalJson(payload)).digest('hex');

function signingInput(req: Omit<SignedRequest, 'signature'>): Buffer {
  const { operation, payloadHash: hash, keyId, nonce, timestamp } = req;
  return Buffer.from(canonicalJson({ operation, payloadHash: hash, keyId, nonce, timestamp }));
}

export function createSignedRequest(
  operation: string,
  payload: unknown,
  privateKeyPem: string,
  { now, nonce }: { now: Date; nonce: string },
): SignedRequest {
  const unsigned = {
    operation,
    payloadHash: payloadHash(payload),
    keyId: keyIdOf(publicKeyOf(privateKeyPem)),
    nonce,
    timestamp: now.toISOString(),
  };
  return { ...unsigned, signature: sign(null, signingInput(unsigned), privateKeyObject(privateKeyPem)).toString('base64') };
}

/**
 * That the holder of this key signed this exact request and payload; nothing
 * about freshness or roles. Also what re-checks a stored change at load time.
 */
export function verifySignature(req: SignedRequest, payload: unknown, publicKeyPem: string): void {
  let ok: boolean;
  try {
    ok = verify(null, signingInput(req), publicKeyObject(publicKeyPem), Buffer.from(req.signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) throw new SignatureInvalid(`the request signature does not verify with the key of ${req.keyId}`);
  if (payloadHash(payload) !== req.payloadHash) throw new PayloadMismatch('the payload is not the one the request signed');
}

export interface VerifyOptions {
  now: Date;
  maxSkewMs?: number;
  publicKeyOf(keyId: string): string | undefined;
  roleOf(keyId: string): Role | undefined;
  nonceSeen(nonce: string): boolean;
}

/**
 * Checks in the order that leaks least: who is asking, that they signed this
 * exact request and payload, that it is fresh and new, and that their role
 * allows it. Each failure has its own error type.
 */
export function verifySignedRequest(req: SignedRequest, payload: unknown, opts: VerifyOptions): { keyId: string; role: Role } {
  const publicKeyPem = opts.publicKeyOf(req.keyId);
  const role = opts.roleOf(req.keyId);
  if (!publicKeyPem || !role)
    throw new UnknownActor(`key ${req.keyId} belongs to no registered actor; an admin grants one with \`mosaic keys grant\``);
  verifySignature(req, payload, publicKeyPem);
  const at = Date.parse(req.timestamp);
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (!Number.isFinite(at) || Math.abs(opts.now.getTime() - at) > skew) {
    throw new RequestExpired(
      `the request was signed at ${req.timestamp}, more than ${skew / 1000}s from now (${opts.now.toISOString()}); sign it again`,
    );
  }
  if (opts.nonceSeen(req.nonce)) throw new NonceReused(`nonce ${req.nonce} was used before: a replayed request`);
  const decision = authorize(role, req.operation);
  if (!decision.allowed) throw new PermissionDenied(decision.reason);
  return { keyId: req.keyId, role };
}
