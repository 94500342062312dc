import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../security/canonical';
import { FEATURE_DIM, FEATURE_VERSION } from './features';
import { OUTPUTS, type Network } from './network';

/**
 * A model version at rest: a header (layout, shapes, checksum) and the
 * weights as little-endian float32 bytes. Decoding checks everything a
 * worker relies on before it serves a single decision.
 */
export const artifactHeaderSchema = z.object({
  featureVersion: z.number().int(),
  featureDim: z.number().int().positive(),
  hidden: z.number().int().positive(),
  /** Layer shapes as `266x16`: some MongoDB-compatible stores (FerretDB v1) reject nested arrays. */
  shapes: z.array(z.string().regex(/^[1-9]\d*(x[1-9]\d*)*$/)),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** Which model key sealed it (keyFingerprint): a worker with another key says so instead of a bare mismatch. Absent on older models. */
  keyFingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  /** HMAC-SHA256 (model key) over the version, the header without it and the refs the model knows: see authenticate. */
  mac: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type ArtifactHeader = z.infer<typeof artifactHeaderSchema>;

/** A stored model this worker cannot serve; the message says why and what to do. */
export class ModelRefused extends Error {
  readonly type = 'ModelRefused';
  constructor(message: string) {
    super(message);
    this.name = 'ModelRefused';
  }
}

export function encodeNetwork(network: Network): { header: ArtifactHeader; data: Buffer } {
  const total = network.weights.reduce((a, w) => a + w.values.length, 0);
  const data = Buffer.alloc(total * 4);
  let offset = 0;
  for (const w of network.weights) {
    for (const v of w.values) offset = data.writeFloatLE(v, offset);
  }
  const { featureVersion, featureDim, hidden } = network.spec;
  return {
    header: {
      featureVersion,
      featureDim,
      hidden,
      shapes: network.weights.map((w) => w.shape.join('x')),
      sha256: createHash('sha256').update(data).digest('hex'),
      bytes: data.length,
    },
    data,
  };
}

/**
 * What authenticates a stored version. The sha256 in the header only tells a
 * damaged chunk from a good one: whoever can write the database can rewrite
 * a chunk and its checksum together. The code is an HMAC with a key that is
 * not in the database (config), over the version number, the header (so the
 * weights, through their sha256) and the refs the model knows, so a version
 * cannot be edited, swapped for another or moved to another number.
 */
function macOf(key: Buffer, version: number, header: ArtifactHeader, knownRefs: string[]): string {
  const { mac: _mac, ...signed } = header;
  return createHmac('sha256', key)
    .update(canonicalJson({ version, header: signed, knownRefs }))
    .digest('hex');
}

/**
 * A model key's public name: 16 hex digits of a hash of the key, safe to
 * log and to store beside the model (it does not help forge a code), so two
 * workers can tell they hold different keys.
 */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update('mosaic model key fingerprint\0').update(key).digest('hex').slice(0, 16);
}

export function sealHeader(key: Buffer, version: number, header: ArtifactHeader, knownRefs: string[]): ArtifactHeader {
  const fingerprinted = { ...header, keyFingerprint: keyFingerprint(key) };
  return { ...fingerprinted, mac: macOf(key, version, fingerprinted, knownRefs) };
}

/** The fleet-wide fix when a worker's key is not the one a model was sealed with. */
export const otherKeyMessage = (sealedWith: string, own: string) =>
  `it was sealed with the model key of fingerprint ${sealedWith}; this worker's MOSAIC_MODEL_KEY has fingerprint ${own}: give every worker of the fleet the same MOSAIC_MODEL_KEY`;

/** ModelRefused unless the stored header carries this deployment's code for exactly this version, header and refs. */
export function authenticate(key: Buffer, version: number, rawHeader: unknown, knownRefs: string[]): void {
  const parsed = artifactHeaderSchema.safeParse(rawHeader);
  if (!parsed.success)
    throw new ModelRefused(`its header is malformed (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const { mac } = parsed.data;
  if (!mac)
    throw new ModelRefused(
      'it carries no authentication code: it was not written by a worker holding the model key (MOSAIC_MODEL_KEY); retrain with `mosaic model retrain`',
    );
  const sealedWith = parsed.data.keyFingerprint;
  if (sealedWith !== undefined && sealedWith !== keyFingerprint(key))
    throw new ModelRefused(otherKeyMessage(sealedWith, keyFingerprint(key)));
  const expected = Buffer.from(macOf(key, version, parsed.data, knownRefs), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) {
    throw new ModelRefused(
      'its authentication code does not match: it was changed in the database after it was written, or written with another MOSAIC_MODEL_KEY',
    );
  }
}

export function decodeNetwork(rawHeader: unknown, data: Buffer): Network {
  const parsed = artifactHeaderSchema.safeParse(rawHeader);
  if (!parsed.success)
    throw new ModelRefused(`its header is malformed (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const header = parsed.data;
  if (header.featureVersion !== FEATURE_VERSION || header.featureDim !== FEATURE_DIM) {
    throw new ModelRefused(
      `it was trained on feature layout v${header.featureVersion} (${header.featureDim} features) and this worker builds v${FEATURE_VERSION} (${FEATURE_DIM}); retrain with \`mosaic model retrain\``,
    );
  }
  if (data.length !== header.bytes)
    throw new ModelRefused(`its weights are ${data.length} bytes, the header says ${header.bytes}: chunks are missing or truncated`);
  const digest = createHash('sha256').update(data).digest('hex');
  if (digest !== header.sha256)
    throw new ModelRefused(
      `its weights do not match their checksum (sha256 ${digest.slice(0, 12)}…, expected ${header.sha256.slice(0, 12)}…)`,
    );
  const expected = [[header.featureDim, header.hidden], [header.hidden], [header.hidden, OUTPUTS], [OUTPUTS]];
  const shapes = header.shapes.map((s) => s.split('x').map(Number));
  if (JSON.stringify(shapes) !== JSON.stringify(expected))
    throw new ModelRefused(`its layers have shapes ${header.shapes.join(', ')}, expected ${expected.map((s) => s.join('x')).join(', ')}`);
  if (expected.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0) * 4 !== data.length)
    throw new ModelRefused('its weight count does not match its layer shapes');
  let offset = 0;
  const weights = shapes.map((shape) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++, offset += 4) values[i] = data.readFloatLE(offset);
    if (!values.every(Number.isFinite)) throw new ModelRefused('its weights hold NaN or infinite values');
    return { shape, values };
  });
  return { spec: { featureVersion: header.featureVersion, featureDim: header.featureDim, hidden: header.hidden }, weights };
}
