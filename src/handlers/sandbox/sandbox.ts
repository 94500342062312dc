import { MAX_ENGINE_BYTES, newEngine } from './engine';
import type { HostFunction } from './host-calls';
import { Session } from './session';

export interface SandboxLimits {
  /**
   * What the handler's heap may hold; the engine's own static data and stack
   * come on top. The engine takes 20 MiB at least, so a handler given less
   * than about 14 MiB can still use about 14 MiB.
   */
  memoryBytes: number;
  /** CPU time the handler may spend running; time spent waiting on host functions does not count. */
  timeoutMs: number;
  /** The QuickJS stack; deep recursion past it is a `memory` violation. */
  maxStackBytes?: number;
}

export interface SandboxRun {
  /** A plain script (no modules) defining `async function handle(input, host)` or `function handle(input, host)`. */
  code: string;
  /** JSON-serialisable. */
  input: unknown;
  /**
   * The only functions the handler can reach, as `host['provider.createBucket'](...)`.
   * Inside the sandbox each returns a promise; arguments and results cross as JSON.
   */
  host: Record<string, HostFunction>;
  limits: SandboxLimits;
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
  // Recursion in the wasm engine also consumes Node's own stack, several times
  // faster for some paths (the parser, JSON); this keeps most overflows inside QuickJS.
  maxStackBytes: 128 * 1024,
};

// The engine's static data and C stack (about 6 MiB measured), outside the handler's allowance.
const ENGINE_RESERVE_BYTES = 8 * MiB;

/**
 * Runs user handler code in a fresh QuickJS engine and returns its output.
 * Throws SandboxViolation when the handler runs out of time or memory, reaches
 * for what the sandbox does not provide, throws, or returns what JSON cannot
 * carry. Resolves or rejects only after every host call it started has settled.
 */
export async function runInSandbox(run: SandboxRun): Promise<SandboxResult> {
  const limits = checked(run.limits);
  const inputJson = JSON.stringify(run.input);
  const session = new Session(await newEngine(limits.memoryBytes + ENGINE_RESERVE_BYTES), run.host, limits);
  try {
    return await session.execute(run.code, inputJson);
  } finally {
    await session.close();
  }
}

function checked(limits: SandboxLimits): Required<SandboxLimits> {
  const { memoryBytes, timeoutMs, maxStackBytes = DEFAULT_LIMITS.maxStackBytes } = limits;
  if (!Number.isInteger(memoryBytes) || memoryBytes <= 0 || memoryBytes + ENGINE_RESERVE_BYTES > MAX_ENGINE_BYTES) {
    throw new RangeError(`memoryBytes must be a positive integer of at most ${MAX_ENGINE_BYTES - ENGINE_RESERVE_BYTES}`);
  }
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError('timeoutMs must be a positive number');
  // QuickJS reads 0 as no limit, which leaves only Node's stack to stop a recursion.
  if (!Number.isInteger(maxStackBytes) || maxStackBytes <= 0) throw new RangeError('maxStackBytes must be a positive integer');
  return { memoryBytes, timeoutMs, maxStackBytes };
}
