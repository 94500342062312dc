import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { embed, weightsOf } from '../negotiation/encoder/minilm';
import { ENCODER, EncoderNotInstalled, readEncoderFiles } from './model-files';
import type { FromEncoder, ToEncoder } from './protocol';
import { readSafetensors } from '../negotiation/encoder/safetensors';
import { encodeText, vocabularyOf } from '../negotiation/encoder/wordpiece';

/**
 * The sentence encoder's thread. It has a TensorFlow.js of its own on the
 * WebAssembly backend (25× the CPU backend's speed for this model), so the
 * worker's learned models keep the CPU backend they were trained on, and a
 * 40 ms embedding never holds up the worker's event loop.
 */
const port = parentPort!;
const send = (message: FromEncoder, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function load() {
  await tf.setBackend('wasm');
  const files = readEncoderFiles((workerData as { dir: string }).dir);
  const weights = weightsOf(readSafetensors(files.weights));
  const vocabulary = vocabularyOf(files.vocabulary);
  return { weights, vocabulary };
}

load().then(
  ({ weights, vocabulary }) => {
    send({ kind: 'ready' });
    port.on('message', (message: ToEncoder) => {
      try {
        const vectors = message.texts.map((t) => embed(weights, encodeText(t, vocabulary, ENCODER.maxTokens)));
        send(
          { kind: 'embedded', id: message.id, vectors },
          vectors.map((v) => v.buffer as ArrayBuffer),
        );
      } catch (err) {
        send({ kind: 'error', id: message.id, message: err instanceof Error ? err.message : String(err) });
      }
    });
  },
  (err: unknown) =>
    send({ kind: 'failed', message: err instanceof Error ? err.message : String(err), notInstalled: err instanceof EncoderNotInstalled }),
);
