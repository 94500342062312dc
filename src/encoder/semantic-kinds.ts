import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import described from '../negotiation/data/described-workloads.json';
import type { WorkloadKind } from '../negotiation/workload/kinds';
import { EXEMPLARS } from '../negotiation/encoder/exemplars';
import { MINILM } from '../negotiation/encoder/minilm';
import { ENCODER, encoderDirOf } from './model-files';
import { nearestKind, type EmbeddedExemplar, type KindGuess } from '../negotiation/encoder/nearest-kind';
import { SentenceEncoder } from './sentence-encoder';

type ExemplarKind = WorkloadKind | 'unknown';

const EXEMPLAR_TEXTS: { kind: ExemplarKind; text: string }[] = [
  ...Object.entries(EXEMPLARS).flatMap(([kind, texts]) => texts.map((text) => ({ kind: kind as ExemplarKind, text }))),
  ...(described.descriptions as { text: string; kind: ExemplarKind }[]),
];

/**
 * The semantic part of the workload analyzer: the sentence encoder and every
 * exemplar's vector. The vectors are computed once per set of exemplars and
 * model, and kept beside the model, so a worker or CLI loads in about a
 * second rather than embedding some 250 texts each time it starts.
 */
export class SemanticKinds {
  private constructor(
    private readonly encoder: SentenceEncoder,
    private readonly exemplars: EmbeddedExemplar[],
  ) {}

  /** Rejects with EncoderNotInstalled when the model is not in the cache (npm run setup installs it). */
  static async load(cacheDir: string): Promise<SemanticKinds> {
    const dir = encoderDirOf(cacheDir);
    const encoder = await SentenceEncoder.load(dir);
    try {
      const vectors = await exemplarVectors(encoder, dir);
      const exemplars = EXEMPLAR_TEXTS.map((e, i) => ({ ...e, vector: vectors[i]! }));
      return new SemanticKinds(encoder, exemplars);
    } catch (err) {
      await encoder.close();
      throw err;
    }
  }

  /** The kind a description reads like, or undefined when it is like none (or like a request that names no kind). */
  async guess(text: string): Promise<KindGuess | undefined> {
    const [vector] = await this.encoder.embed([text]);
    return nearestKind(vector!, this.exemplars);
  }

  async close(): Promise<void> {
    await this.encoder.close();
  }
}

async function exemplarVectors(encoder: SentenceEncoder, dir: string): Promise<Float32Array[]> {
  const width = MINILM.hidden;
  const key = createHash('sha256')
    .update(ENCODER.weightsSha256)
    .update(JSON.stringify(EXEMPLAR_TEXTS.map((e) => e.text)))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(dir, `exemplars-${key}.f32`);
  try {
    const bytes = readFileSync(file);
    if (bytes.byteLength === EXEMPLAR_TEXTS.length * width * 4) {
      const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      return EXEMPLAR_TEXTS.map((_, i) => all.subarray(i * width, (i + 1) * width));
    }
  } catch {
    // Not computed yet for these exemplars: computed below.
  }
  const vectors = await encoder.embed(EXEMPLAR_TEXTS.map((e) => e.text));
  const all = new Float32Array(vectors.length * width);
  vectors.forEach((v, i) => all.set(v, i * width));
  try {
    mkdirSync(dir, { recursive: true });
    const part = `${file}.${process.pid}.part`;
    writeFileSync(part, new Uint8Array(all.buffer));
    renameSync(part, file);
  } catch {
    // A read-only cache: the vectors are computed again next time.
  }
  return vectors;
}
