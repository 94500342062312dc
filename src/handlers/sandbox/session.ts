import { Scope, type DisposableResult, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten';
import { CpuBudget } from './cpu-budget';
import type { Engine } from './engine';
import { SandboxViolation } from './errors';
import type { HostCalls } from './host-calls';
import { FORBIDDEN_GLOBALS, PRELUDE } from './prelude';
import type { SandboxLimits, SandboxResult } from './sandbox';

// What QuickJS throws (as InternalError) when a run outgrows its memory or its stack.
const EXHAUSTED = new Set(['out of memory', 'stack overflow', 'string too long']);

/** The prelude's functions (see prelude.ts). */
interface Guest {
  invoke: QuickJSHandle;
  settle: QuickJSHandle;
  serialize: QuickJSHandle;
  describe: QuickJSHandle;
}

/**
 * One run of a handler in its own engine. Every handle it makes is owned by
 * `scope`, freed in `close` before the context and the runtime. Every stretch
 * of guest execution goes through `guest`, which charges the CPU budget and
 * catches the engine failing underneath (a host stack overflow, or an access
 * out of bounds after a failed malloc): the engine is then abandoned rather
 * than disposed, since freeing a runtime stopped mid-call aborts the module.
 */
export class Session {
  private readonly scope = new Scope();
  private readonly runtime: QuickJSRuntime;
  private readonly vm: QuickJSContext;
  private readonly budget: CpuBudget;
  // What the handler reached for that the sandbox does not provide.
  private readonly touched = new Set<string>();
  private guestApi: Guest | undefined;
  private broken = false;

  constructor(
    private readonly engine: Engine,
    private readonly calls: HostCalls,
    private readonly limits: Required<SandboxLimits>,
  ) {
    this.runtime = this.scope.manage(engine.module.newRuntime());
    this.vm = this.scope.manage(this.runtime.newContext());
    this.budget = new CpuBudget(limits.timeoutMs);
    this.runtime.setMaxStackSize(limits.maxStackBytes);
    this.runtime.setInterruptHandler(() => this.budget.exhausted());
    this.runtime.setModuleLoader((name) => {
      this.touched.add(`import('${name}')`);
      return { error: new Error(`module '${name}' is not available in the sandbox`) };
    });
  }

  async execute(code: string, inputJson: string | undefined): Promise<SandboxResult> {
    const guest = this.prelude();
    if (inputJson !== undefined && !this.fits(inputJson)) {
      throw new SandboxViolation('memory', `the input (${Buffer.byteLength(inputJson)} bytes of JSON) does not fit the handler's memory`);
    }
    // Made before the handler runs, while the engine's memory is still free.
    const input = inputJson === undefined ? this.vm.undefined : this.scope.manage(this.guest(() => this.vm.newString(inputJson)));
    // Set once the prelude is in, so the limit is the handler's to use.
    this.runtime.setMemoryLimit(this.limits.memoryBytes);

    this.evaluate(() => this.vm.evalCode(code, 'handler.js', { type: 'global' }));
    const handle = this.evaluate(() => this.vm.evalCode(`typeof handle === 'function' ? handle : undefined`));
    const returned = this.evaluate(() => this.vm.callFunction(guest.invoke, this.vm.undefined, handle, input));
    const value = await this.settle(returned, guest.settle);

    const json = this.evaluate(() => this.vm.callFunction(guest.serialize, this.vm.undefined, value), 'invalid-output');
    const output: unknown = this.vm.typeof(json) === 'string' ? JSON.parse(this.outputText(json)) : undefined;
    // Calls the handler made without awaiting them still run to the end.
    this.calls.dispatch();
    return { output, cpuMs: this.budget.spentMs, memoryBytes: this.heapBytes() };
  }

  /**
   * The output's JSON, measured inside the engine before a byte of it is
   * copied out: what the host handles is bounded whatever the handler made.
   */
  private outputText(json: QuickJSHandle): string {
    const max = this.limits.maxOutputBytes;
    // Every UTF-16 unit is at least one byte of UTF-8, so a longer string is too big without copying it.
    const length = this.vm.getNumber(this.scope.manage(this.vm.getProp(json, 'length')));
    const text = length > max ? undefined : this.vm.getString(json);
    if (text === undefined || Buffer.byteLength(text) > max) {
      const size = text === undefined ? `${length} characters` : `${Buffer.byteLength(text)} bytes`;
      throw new SandboxViolation(
        'invalid-output',
        `the handler returned ${size} of JSON, more than the ${max} bytes an output may have; return names and references, not data`,
      );
    }
    return text;
  }

  /** Whether the engine was freed cleanly, so its thread may serve another run. */
  get clean(): boolean {
    return !this.broken;
  }

  async close(): Promise<void> {
    await this.calls.close();
    if (!this.broken) this.scope.dispose();
  }

  private prelude(): Guest {
    const touch = this.scope.manage(
      this.vm.newFunction('touch', (name) => {
        this.touched.add(this.vm.getString(name));
      }),
    );
    const call = this.scope.manage(
      this.vm.newFunction('call', (name, args) => this.vm.newNumber(this.calls.request(this.vm.getString(name), this.vm.getString(args)))),
    );
    const granted = this.scope.manage(this.vm.newString(JSON.stringify(this.calls.granted)));
    const forbidden = this.scope.manage(this.vm.newString(JSON.stringify(FORBIDDEN_GLOBALS)));
    const setup = this.evaluate(() => this.vm.evalCode(PRELUDE, 'prelude.js', { type: 'global' }));
    const api = this.evaluate(() => this.vm.callFunction(setup, this.vm.undefined, touch, call, granted, forbidden));
    const member = (name: keyof Guest) => this.scope.manage(this.vm.getProp(api, name));
    this.guestApi = { invoke: member('invoke'), settle: member('settle'), serialize: member('serialize'), describe: member('describe') };
    return this.guestApi;
  }

  /**
   * Runs the guest's jobs until what the handler returned settles, feeding it
   * host call results as they come; a value that is not a promise is its own result.
   */
  private async settle(returned: QuickJSHandle, settle: QuickJSHandle): Promise<QuickJSHandle> {
    for (;;) {
      this.succeeded(
        this.guest(() => this.runtime.executePendingJobs()),
        'error',
      );
      const state = this.vm.getPromiseState(returned);
      if (state.type === 'fulfilled') return state.notAPromise ? returned : this.scope.manage(state.value);
      if (state.type === 'rejected') throw this.violation(this.scope.manage(state.error), 'error');

      this.calls.dispatch();
      const done = await this.calls.next();
      if (!done) throw new SandboxViolation('error', 'handle() returned a promise that nothing is left to settle');
      const { ok, payload } =
        done.payload === undefined || this.fits(done.payload)
          ? done
          : {
              ok: false,
              payload: `a host call returned ${Buffer.byteLength(done.payload)} bytes of JSON, more than the handler's memory takes`,
            };
      Scope.withScope((scope) => {
        const args = [
          scope.manage(this.vm.newNumber(done.id)),
          ok ? this.vm.true : this.vm.false,
          payload === undefined ? this.vm.undefined : scope.manage(this.guest(() => this.vm.newString(payload))),
        ];
        this.evaluate(() => this.vm.callFunction(settle, this.vm.undefined, ...args), 'error', scope);
      });
    }
  }

  /** Runs guest code for a handle, owned by `scope`. */
  private evaluate(
    fn: () => DisposableResult<QuickJSHandle, QuickJSHandle>,
    otherwise: 'error' | 'invalid-output' = 'error',
    scope: Scope = this.scope,
  ): QuickJSHandle {
    return scope.manage(this.succeeded(this.guest(fn), otherwise));
  }

  private succeeded<S>(result: DisposableResult<S, QuickJSHandle>, otherwise: 'error' | 'invalid-output'): S {
    if (result.error) throw this.violation(this.scope.manage(result.error), otherwise);
    return result.value;
  }

  private guest<T>(fn: () => T): T {
    try {
      return this.budget.measure(fn);
    } catch (err) {
      this.broken = true;
      // Read by name, not instanceof: under Jest the engine's errors come from another realm.
      const { name, message = '' } = (err ?? {}) as Partial<Error>;
      if (name === 'RangeError' || (name === 'RuntimeError' && message.includes('out of bounds'))) {
        throw new SandboxViolation('memory', `the handler exhausted the engine: ${message}`);
      }
      throw err;
    }
  }

  /**
   * Whether a string can be handed to the guest. quickjs-emscripten copies it
   * through malloc without checking for failure, and QuickJS copies it again,
   * so it must fit twice over.
   */
  private fits(text: string): boolean {
    return Buffer.byteLength(text) <= this.limits.memoryBytes / 2;
  }

  private violation(error: QuickJSHandle, otherwise: 'error' | 'invalid-output'): SandboxViolation {
    const thrown = this.budget.exhausted() ? undefined : this.describe(error);
    // Checked after describing too: reading what was thrown runs guest code, under the same budget.
    if (this.budget.exhausted()) {
      return new SandboxViolation('timeout', `the handler used more than its ${this.limits.timeoutMs} ms of CPU time`);
    }
    // When the last bytes go to small allocations, QuickJS cannot build its "out of memory" error and throws null.
    if (this.vm.sameValue(error, this.vm.null) && this.engine.isFull()) {
      return new SandboxViolation('memory', 'the handler exceeded its limits: out of memory');
    }
    if (!thrown) return new SandboxViolation(otherwise, 'the handler threw something the sandbox could not read');
    const { name, message } = thrown;
    // The parser reports running out of stack as a SyntaxError.
    if ((name === 'InternalError' || name === 'SyntaxError') && EXHAUSTED.has(message)) {
      return new SandboxViolation('memory', `the handler exceeded its limits: ${message}`);
    }
    if (otherwise === 'error' && this.touched.size > 0) {
      const names = [...this.touched].join(', ');
      return new SandboxViolation(
        'forbidden',
        `the handler reached for ${names}, which the sandbox does not provide (${name}: ${message})`,
      );
    }
    return new SandboxViolation(otherwise, message);
  }

  /** Name and message of what the guest threw, read by the prelude. */
  private describe(error: QuickJSHandle): { name: string; message: string } | undefined {
    const describe = this.guestApi?.describe;
    if (!describe) return undefined;
    const result = this.guest(() => this.vm.callFunction(describe, this.vm.undefined, error));
    if (result.error) {
      result.error.dispose();
      return undefined;
    }
    return Scope.withScope((scope) => JSON.parse(this.vm.getString(scope.manage(result.value))) as { name: string; message: string });
  }

  /** Bytes the guest heap holds now, by QuickJS's count. */
  private heapBytes(): number {
    const usage = this.scope.manage(this.runtime.computeMemoryUsage());
    return this.vm.getNumber(this.scope.manage(this.vm.getProp(usage, 'memory_used_size')));
  }
}
