export type HostFunction = (...args: unknown[]) => unknown | Promise<unknown>;

/** The outcome of one host call as the guest will see it: a JSON result, or an error message. */
export interface Settlement {
  id: number;
  ok: boolean;
  payload: string | undefined;
}

/** Starts one host call wherever the host functions live (the guest runs on a thread of its own). */
export type StartHostCall = (id: number, name: string, argsJson: string) => Promise<Settlement>;

// Bounds what one handler can put on the providers at once; a guest promise costs the guest little.
const MAX_PENDING_HOST_CALLS = 64;
// Arguments are names, aliases and log lines: 64 KiB is far more than any needs, and bounds what crosses to the host.
export const MAX_HOST_CALL_ARGS_BYTES = 64 * 1024;

/**
 * The host functions a run was granted, and the calls its guest has made.
 * A call is only queued while the guest runs, and starts once the guest
 * yields: host code never runs inside the VM, its time is not the guest's,
 * and a run that fails in the same stretch starts none of what it asked for.
 */
export class HostCalls {
  private nextId = 1;
  private queued: { id: number; name: string; argsJson: string }[] = [];
  private readonly inFlight = new Map<number, Promise<Settlement>>();

  constructor(
    readonly granted: readonly string[],
    private readonly start: StartHostCall,
  ) {}

  request(name: string, argsJson: string): number {
    if (!this.granted.includes(name)) throw new Error(`host function '${name}' was not granted`);
    if (this.queued.length + this.inFlight.size >= MAX_PENDING_HOST_CALLS) {
      throw new RangeError(`more than ${MAX_PENDING_HOST_CALLS} host calls in flight`);
    }
    // Checked on the guest's side too (the host checks again), so an oversized call never leaves the thread.
    if (argsJson.length > MAX_HOST_CALL_ARGS_BYTES) {
      throw new RangeError(
        `host function '${name}' was given ${argsJson.length} characters of arguments, more than ${MAX_HOST_CALL_ARGS_BYTES}`,
      );
    }
    const id = this.nextId++;
    this.queued.push({ id, name, argsJson });
    return id;
  }

  dispatch(): void {
    for (const { id, name, argsJson } of this.queued) this.inFlight.set(id, this.start(id, name, argsJson));
    this.queued = [];
  }

  /** The next call to finish, or undefined when none is in flight. */
  async next(): Promise<Settlement | undefined> {
    if (this.inFlight.size === 0) return undefined;
    const settled = await Promise.race(this.inFlight.values());
    this.inFlight.delete(settled.id);
    return settled;
  }

  /** Drops what was never started and waits for the rest, so no call outlives the run. */
  async close(): Promise<void> {
    this.queued = [];
    await Promise.all(this.inFlight.values());
  }
}

/** Runs one host call on the host's side: arguments and result cross as JSON, a failure as its message. */
export async function perform(id: number, name: string, fn: HostFunction, argsJson: string): Promise<Settlement> {
  let result: unknown;
  try {
    if (argsJson.length > MAX_HOST_CALL_ARGS_BYTES) throw new RangeError(`more than ${MAX_HOST_CALL_ARGS_BYTES} characters of arguments`);
    const args: unknown = JSON.parse(argsJson);
    if (!Array.isArray(args)) throw new TypeError('host call arguments must be a JSON array');
    result = await fn(...(args as unknown[]));
  } catch (err) {
    return { id, ok: false, payload: messageOf(err) };
  }
  try {
    return { id, ok: true, payload: JSON.stringify(result) };
  } catch (err) {
    return { id, ok: false, payload: `host function '${name}' returned a value JSON cannot carry: ${messageOf(err)}` };
  }
}

function messageOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
}
