import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { DIMENSIONS, ROLES, round, type ResourceProfile, type Role } from './persona';
import { seededRandom } from '../random';

/** One labelled description: what was asked for, and the profile it needs. */
export interface LabelledDescription {
  text: string;
  role: Role;
  profile: ResourceProfile;
}

export interface TrainingOptions {
  epochs?: number;
  seed?: number;
}

const settingsOf = (opts: TrainingOptions) => ({ epochs: opts.epochs ?? 40, seed: opts.seed ?? 7 });

/** A trained model as plain data (TextModel.artifacts), for a store of trained models. */
export interface TextModelArtifacts {
  vocabulary: string[];
  examples: number;
  weights: { shape: number[]; values: number[] }[];
}

export interface TextPrediction {
  role: Role;
  profile: ResourceProfile;
  /** 0..1: how sure the role is, times the share of the description the model knows. */
  confidence: number;
}

/** Words, plus the order of magnitude of every number ("2000 users" → `#3`), so sizes count. */
export function tokens(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z][a-z0-9-]*|\d+(?:\.\d+)?/g) ?? [];
  return words.map((w) => (/^\d/.test(w) ? `#${Math.min(7, Math.floor(Math.log10(Math.max(1, Number(w)))))}` : w));
}

// Regression targets: log1p of the peak and average of each dimension, and of the storage.
const TARGETS = [...DIMENSIONS.flatMap((d) => [`${d}.peak`, `${d}.average`]), 'storageGb'];

function targetsOf(p: ResourceProfile): number[] {
  return [...DIMENSIONS.flatMap((d) => [Math.log1p(p[d].peak), Math.log1p(p[d].average)]), Math.log1p(p.storageGb)];
}

function profileFrom(values: number[]): ResourceProfile {
  const v = values.map((x) => Math.max(0, Math.expm1(x)));
  const figures = (i: number, digits: number) => {
    const peak = round(Math.max(v[i]!, v[i + 1]!), digits);
    const average = round(Math.min(v[i]!, v[i + 1]!), digits);
    return { peak, average, sustained: round(Math.sqrt(peak * average), digits) };
  };
  return { cpu: figures(0, 3), memoryGb: figures(2, 3), iops: figures(4, 0), networkGbps: figures(6, 3), storageGb: Math.round(v[8]!) };
}

/**
 * A small two-headed network over a bag of words: a softmax over roles and a
 * linear regression of the log-scaled profile. Trained in a second or two on
 * the CPU backend; seeded, so the same corpus gives the same model.
 */
export class TextModel {
  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly model: tf.LayersModel,
    readonly examples: number,
  ) {}

  static async train(examples: LabelledDescription[], opts: TrainingOptions = {}): Promise<TextModel> {
    await tf.setBackend('cpu');
    const { epochs, seed } = settingsOf(opts);
    const counts = new Map<string, number>();
    for (const e of examples) for (const t of new Set(tokens(e.text))) counts.set(t, (counts.get(t) ?? 0) + 1);
    const vocabulary = new Map([...counts].filter(([, n]) => n >= 2).map(([t], i) => [t, i]));
    // A seeded shuffle once, then no shuffling in fit: the same corpus trains the same model.
    const random = seededRandom(seed);
    const order = examples
      .map((e) => ({ e, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);

    const model = network(vocabulary.size, seed);
    model.compile({ optimizer: tf.train.adam(0.01), loss: { role: 'categoricalCrossentropy', size: 'meanSquaredError' } });

    const x = tf.tensor2d(order.map((e) => encode(vocabulary, e.text)));
    const yRole = tf.oneHot(
      tf.tensor1d(
        order.map((e) => ROLES.indexOf(e.role)),
        'int32',
      ),
      ROLES.length,
    );
    const ySize = tf.tensor2d(order.map((e) => targetsOf(e.profile)));
    try {
      await model.fit(x, { role: yRole, size: ySize }, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
    } finally {
      tf.dispose([x, yRole, ySize]);
    }
    return new TextModel(vocabulary, model, examples.length);
  }

  /** What a trained model is: its vocabulary in index order and its weights, plain data to store. */
  artifacts(): TextModelArtifacts {
    return {
      vocabulary: [...this.vocabulary.keys()],
      examples: this.examples,
      weights: this.model.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
    };
  }

  /** The model artifacts() described, without training; the seed only fills weights that are then replaced. */
  static async fromArtifacts(artifacts: TextModelArtifacts): Promise<TextModel> {
    await tf.setBackend('cpu');
    const model = network(artifacts.vocabulary.length, 0);
    const weights = artifacts.weights.map((w) => tf.tensor(w.values, w.shape));
    try {
      model.setWeights(weights);
    } finally {
      tf.dispose(weights);
    }
    return new TextModel(new Map(artifacts.vocabulary.map((t, i) => [t, i])), model, artifacts.examples);
  }

  predict(text: string): TextPrediction {
    const words = tokens(text);
    const known = words.filter((w) => this.vocabulary.has(w)).length;
    const [probabilities, size] = tf.tidy(() => {
      const [roleT, sizeT] = this.model.predict(tf.tensor2d([encode(this.vocabulary, text)])) as tf.Tensor[];
      return [Array.from(roleT!.dataSync()), Array.from(sizeT!.dataSync())];
    }) as unknown as [number[], number[]];
    const best = probabilities.indexOf(Math.max(...probabilities));
    const coverage = words.length ? known / words.length : 0;
    return { role: ROLES[best]!, profile: profileFrom(size), confidence: round(probabilities[best]! * coverage, 3) };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The network: a hidden layer over the bag of words, a softmax over roles and a linear head for the profile. */
function network(vocabularySize: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [vocabularySize] });
  const hidden = tf.layers
    .dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(input) as tf.SymbolicTensor;
  const role = tf.layers
    .dense({
      units: ROLES.length,
      activation: 'softmax',
      name: 'role',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    })
    .apply(hidden) as tf.SymbolicTensor;
  const size = tf.layers
    .dense({ units: TARGETS.length, name: 'size', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) })
    .apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [role, size] });
}

/**
 * What names one training: the examples, the settings, and the source of the
 * code that trains and reads (this module's functions, the tfjs version).
 * Training is seeded, so the same key gives the same model, and a stored
 * model can stand in for a training; the code is part of the key so a changed
 * trainer is never judged by the weights its predecessor stored.
 */
export function trainingKey(examples: LabelledDescription[], opts: TrainingOptions = {}): string {
  const code = [TextModel, network, encode, tokens, targetsOf, profileFrom].map(String);
  return createHash('sha256')
    .update(JSON.stringify({ examples, settings: settingsOf(opts), code, tfjs: tf.version.tfjs }))
    .digest('hex');
}

function encode(vocabulary: Map<string, number>, text: string): number[] {
  const row = new Array<number>(vocabulary.size).fill(0);
  for (const t of tokens(text)) {
    const i = vocabulary.get(t);
    if (i !== undefined) row[i] = 1;
  }
  return row;
}
