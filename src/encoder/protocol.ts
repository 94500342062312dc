/** Messages between the worker and its sentence-encoder thread (encoder-thread.ts). */
export type ToEncoder = { kind: 'embed'; id: number; texts: string[] };

export type FromEncoder =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string; notInstalled: boolean }
  | { kind: 'embedded'; id: number; vectors: Float32Array[] }
  | { kind: 'error'; id: number; message: string };
