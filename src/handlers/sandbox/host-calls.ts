export type HostFunction = (...args: unknown[]) => unknown | Promise<unknown>;

/** The outcome of one host call as the guest will see it: a JSON result, or an error message. */
interface Settlement {
  id: number;
  ok: boolean;
  payload: string | undefined;
}

// Bounds what one handler can put on the providers at once; a guest promise costs the guest little.
const MAX_PENDING_HOST_CALLS = 64;

/**
 * The host functions a run was granted, and the calls its guest has made.
 * A call is only queued while the guest runs, and starts once the guest
 * yields: host code never runs inside the VM, its time is not the guest's,
 * and a run that fails in the same stretch starts none of what it asked for.
 */
export class HostCalls {
  private nextId = 1;
  private queued: { id: number; start: () => Promise<Settlement> }[] = [];
  private readonly inFlight = new Map<number, Promise<Settlement>>();

  constructor(private readonly granted: Record<string, HostFunction>) {}

  request(name: string, argsJson: string): number {
    const fn = Object.hasOwn(this.granted, name) ? this.granted[name] : undefined;
    if (!fn) throw new Error(`host function '${name}' was not granted`);
    if (this.queued.length + this.inFlight.size >= MAX_PENDING_HOST_CALLS) {
      throw new RangeError(`more than ${MAX_PENDING_HOST_CALLS} host calls in flight`);
    }
    const id = this.nextId++;
    this.queued.push({ id, start: () => perform(id, name, fn, argsJson) });
    return id;
  }

  dispatch(): void {
    for (const { id, start } of this.queued) this.inFlight.set(id, start());
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

async function perform(id: number, name: string, fn: HostFunction, argsJson: string): Promise<Settlement> {
  let result: unknown;
  try {
    result = await fn(...(JSON.parse(argsJson) as unknown[]));
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
