/**
 * Globals through which code written for Node or a browser reaches the process,
 * the file system or the network. QuickJS has none of them; the prelude turns
 * each into an accessor that reads as undefined and tells the host it was read,
 * so a run that then fails is reported as `forbidden`, not as a TypeError.
 */
export const FORBIDDEN_GLOBALS = [
  'process',
  'require',
  'module',
  'exports',
  'global',
  '__dirname',
  '__filename',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'Deno',
  'Bun',
];

/**
 * Guest code evaluated before the handler's, so the boundary keeps JSON and
 * Promise as they were even if the handler replaces them. It evaluates to a
 * function of the host's `touch` and `call` functions (never put on the
 * global object) and of the granted and forbidden names, returning what the
 * host drives the run with:
 * - invoke(handle, inputJson): calls the handler with the parsed input and the host object;
 * - settle(id, ok, payload): resolves or rejects the guest promise of host call `id`;
 * - serialize(value): the output as JSON text, or a TypeError when JSON cannot carry it;
 * - describe(error): `{name, message}` of whatever the handler threw, as JSON text.
 * Host calls return promises: a handler awaits them.
 */
export const PRELUDE = `(function (touch, call, grantedJson, forbiddenJson) {
  'use strict';
  const { parse, stringify } = JSON;
  const GuestPromise = Promise;
  const waiting = new Map();

  const granted = Object.create(null);
  for (const name of parse(grantedJson)) {
    granted[name] = (...args) =>
      new GuestPromise((resolve, reject) => waiting.set(call(name, stringify(args)), { resolve, reject }));
  }
  const host = new Proxy(Object.freeze(granted), {
    get(target, key) {
      if (typeof key === 'string' && !(key in target)) touch("host['" + key + "']");
      return target[key];
    },
  });

  for (const name of parse(forbiddenJson)) {
    Object.defineProperty(globalThis, name, { get: () => touch(name), configurable: true });
  }

  return {
    invoke(handle, inputJson) {
      if (typeof handle !== 'function') throw new TypeError('the handler code must define function handle(input, host)');
      return handle(inputJson === undefined ? undefined : parse(inputJson), host);
    },
    settle(id, ok, payload) {
      const { resolve, reject } = waiting.get(id);
      waiting.delete(id);
      if (ok) resolve(payload === undefined ? undefined : parse(payload));
      else reject(new Error(payload));
    },
    serialize(value) {
      const json = stringify(value);
      if (json === undefined && value !== undefined) throw new TypeError('handle() returned a ' + typeof value + ', which JSON cannot carry');
      return json;
    },
    describe(error) {
      const named = error !== null && typeof error === 'object';
      return stringify({
        name: named && typeof error.name === 'string' ? error.name : 'Error',
        message: named && typeof error.message === 'string' ? error.message : String(error),
      });
    },
  };
})`;
