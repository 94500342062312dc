import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, loadConfig, type PayloadKey } from '../../../src/config';
import {
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadEncryptionCodec,
  PayloadKeyUnknown,
  PayloadTampered,
  payloadDataConverter,
} from '../../../src/security/payload-codec';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);

describe('PayloadEncryptionCodec', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('round-trips any JSON value and hides it, its encoding and its type', async () => {
    const codec = new PayloadEncryptionCodec([k1]);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const [sealed] = await codec.encode([toPayload(value)]);
        expect(Object.keys(sealed!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA]);
        expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
        expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('k1');
        const [opened] = await codec.decode([sealed!]);
        expect(fromPayload(opened!)).toEqual(fromPayload(toPayload(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('never repeats a ciphertext for the same value (a fresh IV each time)', async () => {
    const codec = new PayloadEncryptionCodec([k1]);
    const [a, b] = await codec.encode([toPayload({ user: 'alice' }), toPayload({ user: 'alice' })]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(text(a!.data)).not.toContain('alice');
  });

  it('after rotation encrypts with the new key and still decrypts what the old key encrypted', async () => {
    const [old] = await new PayloadEncryptionCodec([k1]).encode([toPayload('written before rotation')]);
    const rotated = new PayloadEncryptionCodec([k2, k1]);
    const [fresh] = await rotated.encode([toPayload('written after rotation')]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    const opened = await rotated.decode([old!, fresh!]);
    expect(opened.map(fromPayload)).toEqual(['written before rotation', 'written after rotation']);
  });

  it('names the unknown key id and the setting that fixes it', async () => {
    const [old] = await new PayloadEncryptionCodec([k1]).encode([toPayload(1)]);
    const error = await new PayloadEncryptionCodec([k2]).decode([old!]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PayloadKeyUnknown);
    expect(error).toMatchObject({ type: 'PayloadKeyUnknown', keyId: 'k1' });
    expect((error as Error).message).toMatch(/key "k1".*configured: k2.*MOSAIC_PAYLOAD_KEYS/);
  });

  it('refuses a changed byte anywhere, a relabelled key id, a truncation or another key under the same id as PayloadTampered', async () => {
    const codec = new PayloadEncryptionCodec([k1, k2]);
    const [sealed] = await codec.encode([toPayload({ request: 'secret' })]);
    const data = Buffer.from(sealed!.data!);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: data.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
        const changed = Buffer.from(data);
        changed[at]! ^= flip;
        await expect(codec.decode([{ ...sealed!, data: changed }])).rejects.toBeInstanceOf(PayloadTampered);
      }),
      { numRuns: 100 },
    );
    const relabelled = { metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') }, data };
    await expect(codec.decode([relabelled])).rejects.toThrow(PayloadTampered);
    await expect(codec.decode([{ ...sealed!, data: data.subarray(0, 20) }])).rejects.toThrow(PayloadTampered);
    const impostor = new PayloadEncryptionCodec([{ id: 'k1', key: randomBytes(32) }]);
    await expect(impostor.decode([sealed!])).rejects.toMatchObject({ type: 'PayloadTampered', keyId: 'k1' });
  });

  it('passes payloads that were never encrypted through unchanged', async () => {
    const plain = toPayload({ recorded: 'before encryption was turned on' });
    expect(await new PayloadEncryptionCodec([k1]).decode([plain])).toEqual([plain]);
  });

  it('is the data converter only when keys are configured', () => {
    expect(payloadDataConverter([])).toEqual({});
    expect(payloadDataConverter([k1]).dataConverter?.payloadCodecs?.[0]).toBeInstanceOf(PayloadEncryptionCodec);
  });
});

describe('MOSAIC_PAYLOAD_KEYS', () => {
  const b64 = () => randomBytes(32).toString('base64');

  it('is off by default and keeps the configured order, current key first', () => {
    expect(loadConfig({}).payloadKeys).toEqual([]);
    const [a, b] = [b64(), b64()];
    const keys = loadConfig({ MOSAIC_PAYLOAD_KEYS: `k2:${a}, k1:${b}` }).payloadKeys;
    expect(keys.map((k) => [k.id, k.key.toString('base64')])).toEqual([
      ['k2', a],
      ['k1', b],
    ]);
  });

  it.each([
    ['a bare key without an id', () => b64(), /entry 1 is not id:base64/],
    ['a 16-byte key', () => `k1:${randomBytes(16).toString('base64')}`, /key k1 is 16 bytes of base64, not 32/],
    ['a key with a typo', () => `k1:${b64().slice(0, 20)}!${b64().slice(21)}`, /key k1 is .* not 32/],
    ['an id used twice', () => `k1:${b64()},k1:${b64()}`, /key id k1 appears twice/],
    ['an id with a space', () => `my key:${b64()}`, /entry 1 is not id:base64/],
  ])('refuses %s, naming the variable and never echoing the value', (_case, value, expected) => {
    const raw = value();
    let error: unknown;
    try {
      loadConfig({ MOSAIC_PAYLOAD_KEYS: raw });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('MOSAIC_PAYLOAD_KEYS');
    expect(message).toMatch(expected);
    expect(message).toContain('openssl rand -base64 32');
    expect(message).not.toContain(raw.split(':').pop()!);
  });

  it('refuses a short codec token without echoing it', () => {
    expect(() => loadConfig({ MOSAIC_CODEC_TOKEN: 'short-secret' })).toThrow(/MOSAIC_CODEC_TOKEN="\(hidden\)".*at least 16/);
  });
});
