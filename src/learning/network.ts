import * as tf from '@tensorflow/tfjs';
import { FEATURE_DIM, FEATURE_VERSION } from './features';
import { seededRandom } from '../random';

/**
 * The reward network: features of a (context, candidate) pair → the chance
 * the call succeeds and its latency in seconds. The policy's `objective`
 * weighs the two at serving time, so one model serves every policy. One hidden layer is enough for the candidate × context crosses
 * the hashed features carry, and small enough to score 20 candidates in well
 * under a millisecond on the pure-JS cpu backend (no native addon, no wasm
 * files to locate at run time).
 */
export interface NetworkSpec {
  featureVersion: number;
  featureDim: number;
  hidden: number;
}

export interface Network {
  spec: NetworkSpec;
  /** Kernel and bias of each layer, in layer order, row-major. */
  weights: { shape: number[]; values: Float32Array }[];
}

/** Success (0/1) and latency in seconds. */
export const OUTPUTS = 2;

export const DEFAULT_SPEC: NetworkSpec = { featureVersion: FEATURE_VERSION, featureDim: FEATURE_DIM, hidden: 16 };

let backend: Promise<void> | undefined;
/** The cpu backend, once per process. */
export function tfReady(): Promise<void> {
  backend ??= (async () => {
    // The banner urging tfjs-node is noise here: the native addon is exactly what we avoid.
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return backend;
}

function build(spec: NetworkSpec, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: spec.hidden,
        activation: 'relu',
        inputShape: [spec.featureDim],
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.dense({ units: OUTPUTS, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

function setWeights(model: tf.Sequential, network: Network): void {
  tf.tidy(() => model.setWeights(network.weights.map((w) => tf.tensor(w.values, w.shape))));
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the initial weights and the shuffle: the same data gives the same model. */
  seed: number;
  /** Warm start: continue from these weights instead of fresh ones. */
  from?: Network;
  /** Called after each epoch, between which the event loop gets a turn (activities heartbeat there). */
  onEpoch?: (epoch: number, loss: number) => void;
}

export const DEFAULT_TRAINING: TrainOptions = { epochs: 6, batchSize: 256, learningRate: 0.01, seed: 7 };

/** Fits the network to rows `x` (n × featureDim) and targets `y` (n × OUTPUTS), both row-major, by mean squared error. */
export async function train(
  x: Float32Array,
  y: Float32Array,
  opts: TrainOptions = DEFAULT_TRAINING,
  spec: NetworkSpec = opts.from?.spec ?? DEFAULT_SPEC,
): Promise<{ network: Network; loss: number[] }> {
  await tfReady();
  const n = y.length / OUTPUTS;
  const model = build(spec, opts.seed);
  if (opts.from) setWeights(model, opts.from);
  const optimizer = tf.train.adam(opts.learningRate);
  const random = seededRandom(opts.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const loss: number[] = [];
  const bx = new Float32Array(opts.batchSize * spec.featureDim);
  const by = new Float32Array(opts.batchSize * OUTPUTS);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    for (let start = 0; start < n; start += opts.batchSize) {
      const size = Math.min(opts.batchSize, n - start);
      for (let k = 0; k < size; k++) {
        const row = order[start + k]!;
        bx.set(x.subarray(row * spec.featureDim, (row + 1) * spec.featureDim), k * spec.featureDim);
        by.set(y.subarray(row * OUTPUTS, (row + 1) * OUTPUTS), k * OUTPUTS);
      }
      const xs = tf.tensor2d(bx.subarray(0, size * spec.featureDim), [size, spec.featureDim]);
      const ys = tf.tensor2d(by.subarray(0, size * OUTPUTS), [size, OUTPUTS]);
      const cost = optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor) as tf.Scalar, true)!;
      total += (await cost.data())[0]! * size;
      tf.dispose([xs, ys, cost]);
    }
    loss.push(total / Math.max(1, n));
    opts.onEpoch?.(epoch, loss[epoch]!);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const weights = model.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
  optimizer.dispose();
  model.dispose();
  return { network: { spec, weights }, loss };
}

const compiled = new WeakMap<Network, tf.Sequential>();

/** Predicted success and latency (seconds) for each of `n` rows, in one batch: n × OUTPUTS, row-major. */
export function predict(network: Network, rows: Float32Array, n: number): Float32Array {
  let model = compiled.get(network);
  if (!model) {
    model = build(network.spec, 0);
    setWeights(model, network);
    compiled.set(network, model);
  }
  return tf.tidy(() => (model.predict(tf.tensor2d(rows, [n, network.spec.featureDim])) as tf.Tensor).dataSync() as Float32Array);
}
