import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `entry`: a build runs its .js; a source checkout
 * runs the TypeScript itself, through tsx, as bin/mosaic.js does.
 */
export function threadFor(entry: string, options: WorkerOptions = {}): Worker {
  return entry.endsWith('.ts')
    ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, { ...options, eval: true })
    : new Worker(entry, options);
}
