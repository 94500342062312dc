import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { ENGINE_RESERVE_BYTES, MAX_ENGINE_BYTES } from './engine';
import { SandboxViolation } from './errors';
import { perform, type HostFunction, type Settlement } from './host-calls';
import type { FromThread, ToThread } from './protocol';
import { threadFor } from '../../thread-entry';

export interface SandboxLimits {
  /**
   * What the handler's heap may hold; the engine's own static data and stack
   * come on top. The engine takes 20 MiB at least, so a handler given less
   * than about 14 MiB can still use about 14 MiB.
   */
  memoryBytes: number;
  /** CPU time the handler may spend running; time spent waiting on host functions does not count. */
  timeoutMs: number;
  /** The whole run, host calls included: past it the run's thread is killed. */
  wallMs?: number;
  /** The QuickJS stack; deep recursion past it is a `memory` violation. */
  maxStackBytes?: number;
  /** The output's JSON, measured inside the engine before the host copies any of it. */
  maxOutputBytes?: number;
}

export interface SandboxRun {
  /** A plain script (no modules) defining `async function handle(input, host)` or `function handle(input, host)`. */
  code: string;
  /** JSON-serialisable. */
  input: unknown;
  /**
   * The only functions the handler can reach, as `host['provider.createBucket'](...)`.
   * Inside the sandbox each returns a promise; arguments and results cross as JSON.
   * They run on the caller's thread, not the guest's.
   */
  host: Record<string, HostFunction>;
  limits: SandboxLimits;
  /** Ends the run (its thread killed) when aborted: a cancelled step does not leave its guest burning. */
  signal?: AbortSignal;
}

export interface SandboxResult {
  output: unknown;
  cpuMs: number;
  /** Bytes the handler's heap held when it returned, by QuickJS's count. */
  memoryBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Required<SandboxLimits>> = {
  memoryBytes: 32 * MiB,
  timeoutMs: 2000,
  wallMs: 30_000,
  // Recursion in the wasm engine also consumes Node's own stack, several times
  // faster for some paths (the parser, JSON); this keeps most overflows inside QuickJS.
  maxStackBytes: 128 * 1024,
  // An output is a handful of names and references for later steps, stored in the workflow's history.
  maxOutputBytes: 256 * 1024,
};

// The engine's interrupt handler ends a guest at its CPU budget; the thread is
// killed when it has been busy this much longer (the engine stuck in one long
// native operation, or the thread's own handling of what the guest made).
const killGraceMs = (timeoutMs: number) => Math.max(250, timeoutMs / 4);
// How often the deadlines are checked; the thread's busy time is read from outside, so a stuck thread cannot hide it.
const WATCH_MS = 50;
// The thread's own V8 heap (the engine's memory is a WebAssembly memory, bounded by memoryBytes, outside it).
const THREAD_HEAP_MB = 128;

/**
 * Runs user handler code in a fresh QuickJS engine on a thread of its own and
 * returns its output: however long the guest runs, the caller's event loop
 * goes on. Throws SandboxViolation when the handler runs out of time or
 * memory, reaches for what the sandbox does not provide, throws, or returns
 * what JSON cannot carry or more than its output may hold. Resolves or
 * rejects only after every host call it started has settled, and after its
 * thread has ended.
 */
export async function runInSandbox(run: SandboxRun): Promise<SandboxResult> {
  const limits = checked(run.limits);
  const inputJson = JSON.stringify(run.input);
  const thread = await takeThread();
  return new Promise((resolve, reject) => {
    const calls = new Set<Promise<unknown>>();
    const started = performance.now();
    const idle = thread.performance.eventLoopUtilization();
    let ended = false;
    /** Ends the run once its host calls have settled; a thread that answered cleanly serves again. */
    const end = (settle: () => void, reusable = false) => {
      if (ended) return;
      ended = true;
      clearInterval(watch);
      run.signal?.removeEventListener('abort', onAbort);
      thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      // No host call outlives the run, even one the thread was killed waiting for.
      void Promise.all([...calls, reusable ? release(thread) : thread.terminate()]).then(settle);
    };
    const fail = (violation: SandboxViolation) => end(() => reject(violation));

    const watch = setInterval(() => {
      const busyMs = thread.performance.eventLoopUtilization(idle).active;
      if (busyMs > limits.timeoutMs + killGraceMs(limits.timeoutMs)) {
        fail(new SandboxViolation('timeout', `the handler used more than its ${limits.timeoutMs} ms of CPU time; its thread was killed`));
      } else if (performance.now() - started > limits.wallMs) {
        fail(
          new SandboxViolation('timeout', `the handler ran for more than ${limits.wallMs} ms, host calls included; its thread was killed`),
        );
      }
    }, WATCH_MS);

    const onMessage = (message: FromThread) => {
      switch (message.kind) {
        case 'call': {
          const call = hostCall(run.host, message).then((settlement) => {
            if (!ended) thread.postMessage({ kind: 'settle', ...settlement } satisfies ToThread);
          });
          calls.add(call);
          void call.finally(() => calls.delete(call));
          break;
        }
        case 'done':
          end(() => resolve(message.result), true);
          break;
        case 'violation':
          // An engine abandoned mid-call rather than freed (see Session) takes its thread with it.
          end(() => reject(new SandboxViolation(message.reason, message.message)), message.clean);
          break;
        case 'failed':
          end(() => reject(new Error(`the sandbox failed: ${message.message}`)));
          break;
        case 'ready':
          break;
      }
    };
    const onError = (err: Error & { code?: string }) =>
      fail(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new SandboxViolation('memory', `the handler's thread ran out of memory: ${err.message}`)
          : new SandboxViolation('error', `the handler's thread failed: ${err.message}`),
      );
    const onExit = (code: number) => fail(new SandboxViolation('error', `the handler's thread ended with code ${code} before the run did`));
    const onAbort = () => end(() => reject(run.signal!.reason ?? new Error('the run was cancelled')));
    if (run.signal?.aborted) return onAbort();
    run.signal?.addEventListener('abort', onAbort, { once: true });
    thread.on('message', onMessage).on('error', onError).on('exit', onExit);
    thread.ref();
    thread.postMessage({ kind: 'run', code: run.code, inputJson, granted: Object.keys(run.host), limits } satisfies ToThread);
  });
}

function hostCall(
  host: Record<string, HostFunction>,
  { id, name, argsJson }: { id: number; name: string; argsJson: string },
): Promise<Settlement> {
  const fn = Object.hasOwn(host, name) ? host[name] : undefined;
  // The thread checks grants too; the host does not take its word for it.
  if (!fn) return Promise.resolve({ id, ok: false, payload: `host function '${name}' was not granted` });
  return perform(id, name, fn, argsJson);
}

// Threads that finished a run cleanly and wait for the next: starting one (and compiling its engine) takes far
// longer than a run. Each run still gets a fresh engine of its own; only the thread is shared, one run at a time.
const idleThreads: Worker[] = [];
const MAX_IDLE_THREADS = 2;

async function takeThread(): Promise<Worker> {
  return idleThreads.pop() ?? startThread();
}

async function release(thread: Worker): Promise<void> {
  if (idleThreads.length >= MAX_IDLE_THREADS) {
    await thread.terminate();
    return;
  }
  // An idle thread does not keep the process alive.
  thread.unref();
  idleThreads.push(thread);
}

const THREAD_ENTRY = path.join(__dirname, `thread${path.extname(__filename)}`);

function startThread(): Promise<Worker> {
  const options = { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } };
  const thread = threadFor(THREAD_ENTRY, options);
  // A thread that fails or ends while idle is dropped; during a run, the run's own listeners report it.
  thread
    .on('error', () => undefined)
    .on('exit', () => {
      const i = idleThreads.indexOf(thread);
      if (i >= 0) idleThreads.splice(i, 1);
    });
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => {
      thread.off('message', ready).off('error', failed).off('exit', exited);
      reject(err);
    };
    const exited = (code: number) => failed(new Error(`the sandbox thread ended with code ${code} while starting`));
    const ready = (message: FromThread) => {
      if (message.kind !== 'ready') return;
      thread.off('message', ready).off('error', failed).off('exit', exited);
      resolve(thread);
    };
    thread.on('message', ready).on('error', failed).on('exit', exited);
  });
}

function checked(limits: SandboxLimits): Required<SandboxLimits> {
  const {
    memoryBytes,
    timeoutMs,
    wallMs = DEFAULT_LIMITS.wallMs,
    maxStackBytes = DEFAULT_LIMITS.maxStackBytes,
    maxOutputBytes = DEFAULT_LIMITS.maxOutputBytes,
  } = limits;
  if (!Number.isInteger(memoryBytes) || memoryBytes <= 0 || memoryBytes + ENGINE_RESERVE_BYTES > MAX_ENGINE_BYTES) {
    throw new RangeError(`memoryBytes must be a positive integer of at most ${MAX_ENGINE_BYTES - ENGINE_RESERVE_BYTES}`);
  }
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError('timeoutMs must be a positive number');
  if (!(wallMs > 0) || !Number.isFinite(wallMs)) throw new RangeError('wallMs must be a positive number');
  // QuickJS reads 0 as no limit, which leaves only Node's stack to stop a recursion.
  if (!Number.isInteger(maxStackBytes) || maxStackBytes <= 0) throw new RangeError('maxStackBytes must be a positive integer');
  if (!Number.isInteger(maxOutputBytes) || maxOutputBytes <= 0) throw new RangeError('maxOutputBytes must be a positive integer');
  return { memoryBytes, timeoutMs, wallMs, maxStackBytes, maxOutputBytes };
}
