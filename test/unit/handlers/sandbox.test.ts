import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_LIMITS, runInSandbox, SandboxViolation, type HostFunction, type SandboxLimits } from '../../../src/handlers/sandbox';

const MiB = 1024 * 1024;
// A small memory keeps the memory bombs quick; the time is generous so that a slow machine still reaches the memory limit first.
const TIGHT: SandboxLimits = { memoryBytes: 8 * MiB, timeoutMs: 5_000 };
const SHORT: SandboxLimits = { memoryBytes: 8 * MiB, timeoutMs: 200 };

function run(code: string, input: unknown = {}, host: Record<string, HostFunction> = {}, limits: SandboxLimits = DEFAULT_LIMITS) {
  return runInSandbox({ code, input, host, limits });
}

async function violation(code: string, host: Record<string, HostFunction> = {}, limits = TIGHT): Promise<SandboxViolation> {
  const err = await run(code, {}, host, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SandboxViolation)) throw new Error(`expected a SandboxViolation, got ${String(err)}`);
  return err;
}

async function expectHealthy() {
  await expect(run('function handle(input) { return input.n + 1 }', { n: 41 })).resolves.toMatchObject({ output: 42 });
}

describe('runInSandbox', () => {
  it('returns what the handler makes of its input, with what it cost', async () => {
    const result = await run(
      'function handle(input) { return { names: input.items.map((i) => i.name.toUpperCase()), count: input.items.length } }',
      {
        items: [{ name: 'a' }, { name: 'b' }],
      },
    );
    expect(result.output).toEqual({ names: ['A', 'B'], count: 2 });
    expect(result.cpuMs).toBeGreaterThan(0);
    expect(result.memoryBytes).toBeGreaterThan(0);
  });

  it('finds a handler declared with const and returns undefined as it is', async () => {
    await expect(run('const handle = async (input) => input.n * 2', { n: 21 })).resolves.toMatchObject({ output: 42 });
    await expect(run('function handle() {}')).resolves.toMatchObject({ output: undefined });
  });

  it('lets an async handler await host functions, in turn, with JSON arguments and results', async () => {
    const calls: unknown[][] = [];
    const host: Record<string, HostFunction> = {
      'provider.createBucket': async (...args) => {
        calls.push(args);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { bucket: `b-${(args[0] as { name: string }).name}`, region: args[1] };
      },
      log: (...args) => void calls.push(['log', ...args]),
    };
    const code = `async function handle(input, host) {
      const created = await host['provider.createBucket']({ name: input.name }, 'eu-west-1');
      await host.log('created', created.bucket);
      return { created, hostKeys: Object.keys(host).sort() };
    }`;
    const result = await run(code, { name: 'logs' }, host);
    expect(result.output).toEqual({ created: { bucket: 'b-logs', region: 'eu-west-1' }, hostKeys: ['log', 'provider.createBucket'] });
    expect(calls).toEqual([
      [{ name: 'logs' }, 'eu-west-1'],
      ['log', 'created', 'b-logs'],
    ]);
  });

  it('passes a host function failure to the handler, which may catch it', async () => {
    const host = {
      'provider.createBucket': async () => {
        throw new Error('quota exceeded');
      },
    };
    const caught = `async function handle(input, host) {
      try { await host['provider.createBucket']({}); } catch (e) { return 'caught: ' + e.message; }
    }`;
    await expect(run(caught, {}, host)).resolves.toMatchObject({ output: 'caught: quota exceeded' });
    const uncaught = await violation(`async function handle(input, host) { return host['provider.createBucket']({}); }`, host);
    expect(uncaught).toMatchObject({ reason: 'error', message: 'quota exceeded' });
  });

  it('waits for host calls the handler did not await before it answers', async () => {
    let finished = false;
    const host = {
      log: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
      },
    };
    await run('function handle(input, host) { host.log("later"); return 1 }', {}, host);
    expect(finished).toBe(true);
  });

  it('ends an infinite loop with a timeout, also inside an async handler', async () => {
    const started = Date.now();
    expect(await violation('function handle() { for (;;) {} }', {}, SHORT)).toMatchObject({ reason: 'timeout' });
    expect(await violation('async function handle() { await null; while (true) {} }', {}, SHORT)).toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectHealthy();
  });

  it('does not charge the handler for time spent waiting on host functions', async () => {
    const host = { slow: () => new Promise((resolve) => setTimeout(() => resolve('done'), 300)) };
    const result = await run('async function handle(input, host) { return await host.slow() }', {}, host, SHORT);
    expect(result.output).toBe('done');
    expect(result.cpuMs).toBeLessThan(SHORT.timeoutMs);
  });

  it.each([
    ['a growing array', 'function handle() { const a = []; for (;;) a.push(new Array(1000).fill(1)) }'],
    ['many small strings', 'function handle() { const a = []; for (let i = 0; ; i++) a.push("some text " + i) }'],
    ['a doubling string', 'function handle() { let s = "x"; for (;;) s = s.repeat(2) }'],
    ['a string rope', 'function handle() { let s = "x"; for (;;) s += s }'],
  ])('ends a memory bomb (%s) with a memory violation', async (_, code) => {
    expect(await violation(code)).toMatchObject({ reason: 'memory' });
    await expectHealthy();
  });

  it('holds a handler that catches running out of memory to its limit', async () => {
    // QuickJS's own limit does not count large strings under Emscripten; the engine's memory bounds them.
    const code = `function handle() {
      const chunks = [];
      try { for (;;) chunks.push('x'.repeat(1024 * 1024)) } catch (e) { return { mib: chunks.length, error: String(e) } }
    }`;
    const { output } = await run(code);
    expect(output).toEqual({ mib: expect.any(Number), error: 'InternalError: out of memory' });
    const { mib } = output as { mib: number };
    expect(mib).toBeGreaterThan(16);
    expect(mib).toBeLessThan(DEFAULT_LIMITS.memoryBytes / MiB + 8);
  });

  it('refuses an input the handler has no memory for', async () => {
    const err = await run('function handle(input) { return input.length }', 'x'.repeat(8 * MiB), {}, TIGHT).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'memory' });
  });

  it('ends runaway recursion with a memory violation, in QuickJS or in the host stack under it', async () => {
    expect(await violation('function handle() { function f() { return f() + 1 } return f() }')).toMatchObject({ reason: 'memory' });
    await expectHealthy();
    // The parser recurses in C faster than QuickJS checks its stack; Node's stack overflows first.
    expect(await violation('function handle() { return eval("(".repeat(1e6)) }')).toMatchObject({ reason: 'memory' });
    await expectHealthy();
  });

  it('shows none of the globals of Node or a browser', async () => {
    const names = ['process', 'require', 'module', 'exports', 'global', 'fetch', 'XMLHttpRequest', 'WebSocket', 'console', 'setTimeout'];
    const code = `function handle(names) { return names.map((n) => typeof globalThis[n]) }`;
    const { output } = await run(code, names);
    expect(output).toEqual(names.map(() => 'undefined'));
  });

  it.each([
    ['process', 'function handle() { return process.env.HOME }'],
    ['require', 'function handle() { return require("fs").readFileSync("/etc/passwd", "utf8") }'],
    ['fetch', 'async function handle() { return (await fetch("http://example.com")).status }'],
    ['fetch', 'async function handle() { return (await globalThis.fetch("http://example.com")).status }'],
    ['XMLHttpRequest', 'function handle() { return new XMLHttpRequest() }'],
    ['WebSocket', 'function handle() { return new WebSocket("ws://example.com") }'],
    ["import('fs')", 'async function handle() { return (await import("fs")).readFileSync("/etc/passwd") }'],
  ])('reports reaching for %s as forbidden', async (name, code) => {
    const err = await violation(code);
    expect(err.reason).toBe('forbidden');
    expect(err.message).toContain(name);
    await expectHealthy();
  });

  it('reaches only the host functions granted', async () => {
    const granted = jest.fn(() => 'ok');
    const err = await violation(`async function handle(input, host) { return host['fs.read']('/etc/passwd') }`, { log: granted });
    expect(err.reason).toBe('forbidden');
    expect(err.message).toContain("host['fs.read']");
    expect(granted).not.toHaveBeenCalled();
  });

  it('reports what the handler threw, message unchanged', async () => {
    const err = await violation('function handle() { throw new Error("x") }');
    expect(err).toMatchObject({ type: 'SandboxViolation', name: 'SandboxViolation', reason: 'error', message: 'x' });
    expect(await violation('async function handle() { await null; throw new TypeError("bad input") }')).toMatchObject({
      reason: 'error',
      message: 'bad input',
    });
    expect(await violation('function handle( {')).toMatchObject({ reason: 'error' });
    expect(await violation('var notAHandler = 1')).toMatchObject({ reason: 'error', message: expect.stringContaining('function handle') });
    expect(await violation('function handle() { return new Promise(() => {}) }')).toMatchObject({ reason: 'error' });
    expect(await violation('function handle() { throw null }')).toMatchObject({ reason: 'error', message: 'null' });
    await expectHealthy();
  });

  it.each([
    ['a BigInt', 'function handle() { return 1n }'],
    ['a function', 'function handle() { return () => 1 }'],
    ['a cycle', 'function handle() { const a = {}; a.self = a; return a }'],
  ])('reports returning %s as invalid output', async (_, code) => {
    expect(await violation(code)).toMatchObject({ reason: 'invalid-output' });
    await expectHealthy();
  });

  it('keeps concurrent runs apart, each awaiting its own host calls', async () => {
    const host = { echo: async (value: unknown) => new Promise((resolve) => setTimeout(() => resolve(value), Math.random() * 20)) };
    const code = `async function handle(input, host) {
      let total = 0;
      for (let i = 0; i < 5; i++) total += await host.echo(input.n);
      return total;
    }`;
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => run(code, { n }, host)));
    expect(results.map((r) => r.output)).toEqual(Array.from({ length: 10 }, (_, n) => n * 5));
  });

  it('refuses limits it cannot enforce', async () => {
    await expect(run('function handle() {}', {}, {}, { memoryBytes: 0, timeoutMs: 100 })).rejects.toThrow(RangeError);
    await expect(run('function handle() {}', {}, {}, { memoryBytes: 4 * 1024 * MiB, timeoutMs: 100 })).rejects.toThrow(RangeError);
    await expect(run('function handle() {}', {}, {}, { memoryBytes: MiB, timeoutMs: 0 })).rejects.toThrow(RangeError);
    await expect(run('function handle() {}', {}, {}, { memoryBytes: MiB, timeoutMs: 100, maxStackBytes: 0 })).rejects.toThrow(RangeError);
    await expect(run('function handle() {}', {}, {}, { memoryBytes: MiB, timeoutMs: 100, wallMs: Infinity })).rejects.toThrow(RangeError);
    await expect(run('function handle() {}', {}, {}, { memoryBytes: MiB, timeoutMs: 100, maxOutputBytes: -1 })).rejects.toThrow(RangeError);
  });

  it('does not grow the heap over 50 runs: every engine is freed', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const code = `async function handle(input, host) { const rows = []; for (let i = 0; i < 1000; i++) rows.push({ i }); await host.log(rows.length); return rows.length }`;
    const host = { log: () => undefined };
    await run(code, {}, host);
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 50; i++) await run(code, {}, host);
    // Each engine has at least 16 MiB of WebAssembly memory, counted as external
    // and released by V8 in the background some time after a collection.
    let after = process.memoryUsage();
    for (let i = 0; i < 40 && after.external - before.external >= 64 * MiB; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = process.memoryUsage();
    }
    gc();
    expect(process.memoryUsage().heapUsed - before.heapUsed).toBeLessThan(16 * MiB);
    expect(after.external - before.external).toBeLessThan(64 * MiB);
  });

  it("runs a guest off the caller's event loop: another run finishes while a busy loop burns its budget", async () => {
    // Two threads waiting, so neither run waits for one to start.
    await Promise.all([expectHealthy(), expectHealthy()]);
    const order: string[] = [];
    const burning = violation('function handle() { for (;;) {} }', {}, { memoryBytes: 8 * MiB, timeoutMs: 3_000 }).then((err) => {
      order.push(`busy loop ended (${err.reason})`);
    });
    await run('function handle(input) { return input.n * 2 }', { n: 21 }).then(({ output }) =>
      order.push(`other run returned ${String(output)}`),
    );
    await burning;
    expect(order).toEqual(['other run returned 42', 'busy loop ended (timeout)']);
  });

  it('kills a run past its whole-run deadline, and still lets its host call settle first', async () => {
    let settled = false;
    const host = { slow: () => new Promise((resolve) => setTimeout(() => resolve((settled = true)), 400)) };
    const err = await violation('async function handle(input, host) { return await host.slow() }', host, { ...SHORT, wallMs: 100 });
    expect(err).toMatchObject({ reason: 'timeout', message: expect.stringContaining('host calls included; its thread was killed') });
    expect(settled).toBe(true);
    await expectHealthy();
  });

  it("ends a run whose caller gives up, with the caller's reason", async () => {
    const controller = new AbortController();
    const host = { started: () => controller.abort(new Error('step cancelled')) };
    const running = runInSandbox({
      code: 'async function handle(input, host) { await host.started(); for (;;) {} }',
      input: {},
      host,
      limits: TIGHT,
      signal: controller.signal,
    });
    await expect(running).rejects.toThrow('step cancelled');
    await expectHealthy();
  });

  it.each([
    ['a 6 MB string', 'function handle() { return "x".repeat(6e6) }', '6000002 characters'],
    ['many small fields', 'function handle() { const o = {}; for (let i = 0; i < 50000; i++) o["k" + i] = "v"; return o }', 'bytes'],
    ['multi-byte text just under the limit in characters', 'function handle() { return "\u00e9".repeat(200 * 1024) }', 'bytes'],
  ])('refuses an output larger than its cap before copying it out (%s)', async (_, code, size) => {
    const err = await violation(code, {}, { memoryBytes: 24 * MiB, timeoutMs: 5_000 });
    expect(err.reason).toBe('invalid-output');
    expect(err.message).toContain(size);
    expect(err.message).toContain(`more than the ${DEFAULT_LIMITS.maxOutputBytes} bytes`);
    await expectHealthy();
  });

  it('returns an output up to its cap', async () => {
    const { output } = await run(
      'function handle(input) { return "y".repeat(input.n) }',
      { n: 1000 },
      {},
      { ...TIGHT, maxOutputBytes: 1002 },
    );
    expect(output).toBe('y'.repeat(1000));
    expect(await violation('function handle() { return "y".repeat(1001) }', {}, { ...TIGHT, maxOutputBytes: 1002 })).toMatchObject({
      reason: 'invalid-output',
    });
  });

  it('refuses oversized host call arguments inside the guest, before the host sees them', async () => {
    const log = jest.fn();
    const code = `async function handle(input, host) {
      try { await host.log("z".repeat(100 * 1024)); } catch (e) { return e.name + ': ' + e.message; }
    }`;
    const { output } = await run(code, {}, { log });
    expect(output).toMatch(/^RangeError: host function 'log' was given 102404 characters of arguments/);
    expect(log).not.toHaveBeenCalled();
  });
});
