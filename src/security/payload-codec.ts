import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey } from '../config';
import { SecurityError } from './errors';

/** What Temporal stores of an encrypted payload: this encoding and the key id, both in plain metadata. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/** The payload names a key that is not configured: the fix is to add it back. */
export class PayloadKeyUnknown extends SecurityError {
  constructor(
    readonly keyId: string,
    configured: string[],
  ) {
    super(
      `payload was encrypted with key "${keyId}", which is not configured (configured: ${configured.join(', ') || 'none'}); ` +
        `add ${keyId}:<base64> back to MOSAIC_PAYLOAD_KEYS (after the current key) to read it`,
    );
  }
}

/** GCM authentication failed: the ciphertext, its key id or its IV were changed, or the key under that id is not the one that encrypted it. */
export class PayloadTampered extends SecurityError {
  constructor(readonly keyId: string) {
    super(
      `payload encrypted with key "${keyId}" failed authentication: it was altered, or MOSAIC_PAYLOAD_KEYS holds a different key under that id`,
    );
  }
}

/**
 * AES-256-GCM over the whole serialized Payload (metadata included, so the
 * message type is hidden too). Layout: IV (12) | ciphertext | tag (16); the
 * key id is additional authenticated data, so relabelling a payload with
 * another id fails authentication instead of decrypting under the wrong key.
 * Payloads that are not `binary/encrypted` pass through decode unchanged:
 * histories written before encryption was turned on stay readable.
 */
export class PayloadEncryptionCodec implements PayloadCodec {
  private readonly current: PayloadKey;
  private readonly byId: Map<string, Buffer>;

  constructor(keys: PayloadKey[]) {
    if (!keys[0]) throw new Error('PayloadEncryptionCodec needs at least one key');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    if (utf8(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = utf8(payload.metadata?.[KEY_ID_METADATA]);
    const key = this.byId.get(keyId);
    if (!key) throw new PayloadKeyUnknown(keyId, [...this.byId.keys()]);
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadTampered(keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadTampered(keyId);
    }
    const { metadata, data } = temporal.api.common.v1.Payload.decode(plain);
    return { metadata, data };
  }
}

/** The worker's and client's data converter: encryption when keys are configured, Temporal's default otherwise. */
export function payloadDataConverter(keys: PayloadKey[]): { dataConverter?: DataConverter } {
  return keys.length > 0 ? { dataConverter: { payloadCodecs: [new PayloadEncryptionCodec(keys)] } } : {};
}
