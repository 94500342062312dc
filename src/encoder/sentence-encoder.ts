import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { threadFor } from '../thread-entry';
import { EncoderNotInstalled } from './model-files';
import type { FromEncoder, ToEncoder } from './protocol';

const THREAD_ENTRY = path.join(__dirname, `encoder-thread${path.extname(__filename)}`);
/** The thread's V8 heap: the weights live in the WebAssembly memory, outside it. */
const THREAD_HEAP_MB = 256;

/**
 * all-MiniLM-L6-v2 on a thread of its own: text → a unit vector of 384
 * numbers whose dot products are the texts' cosine similarities.
 */
export class SentenceEncoder {
  private next = 0;
  /** Why the thread ended: a message to an ended thread is dropped, so it is refused here instead of waited on for ever. */
  private ended?: string;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();

  private constructor(private readonly thread: Worker) {
    thread.on('message', (m: FromEncoder) => {
      if (m.kind !== 'embedded' && m.kind !== 'error') return;
      const call = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.kind === 'embedded') call?.resolve(m.vectors);
      else call?.reject(new Error(`the sentence encoder failed: ${m.message}`));
    });
    const fail = (err: Error) => {
      for (const call of this.pending.values()) call.reject(err);
      this.pending.clear();
    };
    thread.on('error', fail).on('exit', (code) => {
      this.ended = `the sentence encoder's thread ended with code ${code}`;
      fail(new Error(this.ended));
    });
    // An idle encoder does not keep the process alive.
    thread.unref();
  }

  /** Starts the thread and loads the model from `dir`; rejects with EncoderNotInstalled when its files are not there. */
  static load(dir: string): Promise<SentenceEncoder> {
    const thread = threadFor(THREAD_ENTRY, { workerData: { dir }, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    return new Promise((resolve, reject) => {
      const exited = (code: number) => failed(new Error(`the sentence encoder's thread ended with code ${code} while loading`));
      const failed = (err: Error) => {
        thread.off('error', failed).off('exit', exited);
        void thread.terminate();
        reject(err);
      };
      thread.once('error', failed).once('exit', exited);
      thread.once('message', (m: FromEncoder) => {
        thread.off('error', failed).off('exit', exited);
        if (m.kind === 'ready') resolve(new SentenceEncoder(thread));
        else if (m.kind === 'failed')
          failed(m.notInstalled ? new EncoderNotInstalled(m.message) : new Error(`the sentence encoder did not load: ${m.message}`));
      });
    });
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.ended) return Promise.reject(new Error(this.ended));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.ref();
      this.thread.postMessage({ kind: 'embed', id, texts } satisfies ToEncoder);
    }).finally(() => {
      if (this.pending.size === 0) this.thread.unref();
    }) as Promise<Float32Array[]>;
  }

  close(): Promise<number> {
    return this.thread.terminate();
  }
}
