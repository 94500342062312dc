import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from 'quickjs-emscripten';
import { PRELUDE } from './prelude';

/**
 * Every run gets its own instance of the QuickJS WebAssembly module, built
 * from one compiled module kept for the life of the process. Its own linear
 * memory is what makes the memory limit real: QuickJS's setMemoryLimit counts
 * allocations, not bytes, under Emscripten (quickjs-emscripten issues 255 and
 * 271), whereas a WebAssembly.Memory with a maximum cannot grow past it, and
 * QuickJS then throws "out of memory". An instance also keeps a crash in the
 * engine (a host stack overflow) and its memory from outliving the run.
 */

const PAGE_BYTES = 64 * 1024;
// The module declares 256 pages as its minimum memory: an engine starts with them.
const INITIAL_PAGES = 256;
// An engine may always grow a little past its start, so that one that filled up can be told from a fresh one.
const MIN_MAXIMUM_PAGES = 320;
// Emscripten's limit.
export const MAX_ENGINE_BYTES = 32768 * PAGE_BYTES;
// The engine's static data and C stack (about 6 MiB measured), outside the handler's allowance.
export const ENGINE_RESERVE_BYTES = 8 * 1024 * 1024;
// Emscripten grows memory by at least 2.5 % at a time, so the last few per cent are never claimed.
const NEARLY_FULL = 0.9;

// quickjs-emscripten's own dependency, found from where it is installed, so the glue and the wasm match its FFI.
const VARIANT = '@jitl/quickjs-wasmfile-release-sync';
const variantRequire = createRequire(require.resolve('quickjs-emscripten'));

// The stock variant reaches its Emscripten glue with import(), which Jest refuses
// without --experimental-vm-modules; the glue is CommonJS, so require() serves.
const variant: typeof RELEASE_SYNC = {
  ...RELEASE_SYNC,
  importModuleLoader: async () => variantRequire(`${VARIANT}/emscripten-module`),
};

// The project's lib (ES2022, no DOM) has no WebAssembly types; this is the part used here.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: Promise<object> | undefined;

function compiledWasm(): Promise<object> {
  if (!compiled) {
    compiled = readFile(variantRequire.resolve(`${VARIANT}/wasm`))
      .then((bytes) => wasm.compile(bytes))
      .then(warmedUp);
    compiled.catch(() => (compiled = undefined));
  }
  return compiled;
}

// V8 compiles each wasm function on its first call (tens of milliseconds in
// all); running the prelude once here keeps that out of the first handler's CPU time.
async function warmedUp(compiledModule: object): Promise<object> {
  const { module } = await instantiate(compiledModule, MIN_MAXIMUM_PAGES);
  const vm = module.newContext();
  vm.evalCode(PRELUDE, 'prelude.js', { type: 'global' }).dispose();
  vm.dispose();
  return compiledModule;
}

/** Compiles and warms the engine ahead of the first run, so that run's time is its own. */
export async function warmEngine(): Promise<void> {
  await compiledWasm();
}

export interface Engine {
  module: QuickJSWASMModule;
  /** Whether the engine has grown its memory to about its maximum; it never shrinks. */
  isFull(): boolean;
}

/** A fresh engine whose whole memory (static data, C stack and heap) stays within `maxBytes` (at most MAX_ENGINE_BYTES; 20 MiB at least). */
export async function newEngine(maxBytes: number): Promise<Engine> {
  return instantiate(await compiledWasm(), Math.max(MIN_MAXIMUM_PAGES, Math.ceil(maxBytes / PAGE_BYTES)));
}

async function instantiate(compiledModule: object, maximumPages: number): Promise<Engine> {
  const memory = new wasm.Memory({ initial: INITIAL_PAGES, maximum: maximumPages });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule: compiledModule, wasmMemory: memory }));
  return { module, isFull: () => memory.buffer.byteLength >= NEARLY_FULL * maximumPages * PAGE_BYTES };
}
