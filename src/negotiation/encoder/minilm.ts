import * as tf from '@tensorflow/tfjs';
import type { Tensor32 } from './safetensors';

/** all-MiniLM-L6-v2's shape (its config.json): a 6-layer BERT of width 384 with 12 heads. */
export const MINILM = { layers: 6, hidden: 384, heads: 12, layerNormEpsilon: 1e-12 } as const;

interface Dense {
  weight: tf.Tensor2D;
  bias: tf.Tensor1D;
}
interface Norm {
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
}
interface Layer {
  query: Dense;
  key: Dense;
  value: Dense;
  attentionOut: Dense;
  attentionNorm: Norm;
  intermediate: Dense;
  output: Dense;
  outputNorm: Norm;
}

export interface MiniLmWeights {
  words: tf.Tensor2D;
  positions: tf.Tensor2D;
  tokenType: tf.Tensor1D;
  embeddingNorm: Norm;
  layers: Layer[];
}

export function weightsOf(tensors: Map<string, Tensor32>): MiniLmWeights {
  const take = (name: string): Tensor32 => {
    const t = tensors.get(name);
    if (!t) throw new Error(`the encoder's weights have no ${name}`);
    return t;
  };
  const matrix = (name: string) => {
    const t = take(name);
    return tf.tensor2d(t.values, t.shape as [number, number]);
  };
  const vector = (name: string) => tf.tensor1d(take(name).values);
  const dense = (prefix: string): Dense => ({
    weight: tf.tidy(() => matrix(`${prefix}.weight`).transpose()),
    bias: vector(`${prefix}.bias`),
  });
  const norm = (prefix: string): Norm => ({ gamma: vector(`${prefix}.weight`), beta: vector(`${prefix}.bias`) });
  const types = take('embeddings.token_type_embeddings.weight');
  return {
    words: matrix('embeddings.word_embeddings.weight'),
    positions: matrix('embeddings.position_embeddings.weight'),
    tokenType: tf.tensor1d(types.values.subarray(0, MINILM.hidden)),
    embeddingNorm: norm('embeddings.LayerNorm'),
    layers: Array.from({ length: MINILM.layers }, (_, i) => {
      const p = `encoder.layer.${i}`;
      return {
        query: dense(`${p}.attention.self.query`),
        key: dense(`${p}.attention.self.key`),
        value: dense(`${p}.attention.self.value`),
        attentionOut: dense(`${p}.attention.output.dense`),
        attentionNorm: norm(`${p}.attention.output.LayerNorm`),
        intermediate: dense(`${p}.intermediate.dense`),
        output: dense(`${p}.output.dense`),
        outputNorm: norm(`${p}.output.LayerNorm`),
      };
    }),
  };
}

const affine = (x: tf.Tensor2D, d: Dense): tf.Tensor2D => tf.add(tf.matMul(x, d.weight), d.bias);

function layerNorm(x: tf.Tensor2D, n: Norm): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, MINILM.layerNormEpsilon))), n.gamma), n.beta);
}

// BERT's exact GELU, x·Φ(x), not the tanh approximation.
const gelu = (x: tf.Tensor2D): tf.Tensor2D => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));

function attention(x: tf.Tensor2D, l: Layer): tf.Tensor2D {
  const n = x.shape[0];
  const width = MINILM.hidden / MINILM.heads;
  const heads = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [n, MINILM.heads, width]), [1, 0, 2]) as tf.Tensor3D;
  const q = heads(affine(x, l.query));
  const k = heads(affine(x, l.key));
  const v = heads(affine(x, l.value));
  const weights = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(width)));
  const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [1, 0, 2]), [n, MINILM.hidden]) as tf.Tensor2D;
  return affine(context, l.attentionOut);
}

/** One text's token ids → its sentence embedding: the mean of the last layer over all tokens, unit length. */
export function embed(w: MiniLmWeights, ids: number[]): Float32Array {
  return tf.tidy(() => {
    const n = ids.length;
    const positions = tf.slice(w.positions, [0, 0], [n, MINILM.hidden]);
    let x = layerNorm(
      tf.add(tf.add(tf.gather(w.words, tf.tensor1d(ids, 'int32')), positions), w.tokenType) as tf.Tensor2D,
      w.embeddingNorm,
    );
    for (const l of w.layers) {
      x = layerNorm(tf.add(x, attention(x, l)), l.attentionNorm);
      x = layerNorm(tf.add(x, affine(gelu(affine(x, l.intermediate)), l.output)), l.outputNorm);
    }
    const mean = tf.mean(x, 0);
    return tf.div(mean, tf.norm(mean)).dataSync() as Float32Array;
  });
}
