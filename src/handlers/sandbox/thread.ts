import { parentPort } from 'node:worker_threads';
import { ENGINE_RESERVE_BYTES, newEngine, warmEngine } from './engine';
import { SandboxViolation } from './errors';
import { HostCalls, type Settlement } from './host-calls';
import type { FromThread, ToThread } from './protocol';
import { Session } from './session';

/**
 * A sandbox thread: runs one handler in a fresh engine, off the worker's
 * event loop, and is then ended by the worker (or killed at its deadline).
 * Host functions stay with the worker: a call crosses as its name and JSON
 * arguments, its result comes back as a settlement.
 */
const port = parentPort!;
const send = (message: FromThread) => port.postMessage(message);
const waiting = new Map<number, (s: Settlement) => void>();

// Compiled and warmed before the thread says it is ready (see takeThread in sandbox.ts), so a
// run's deadline counts only the run. A failure to compile is the run's to report, when it makes its engine.
void warmEngine()
  .catch(() => undefined)
  .then(() => send({ kind: 'ready' }));

port.on('message', (message: ToThread) => {
  if (message.kind === 'settle') {
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
    return;
  }
  void execute(message).then(send);
});

async function execute({ code, inputJson, granted, limits }: Extract<ToThread, { kind: 'run' }>): Promise<FromThread> {
  const calls = new HostCalls(granted, (id, name, argsJson) => {
    send({ kind: 'call', id, name, argsJson });
    return new Promise((resolve) => waiting.set(id, resolve));
  });
  let session: Session | undefined;
  try {
    session = new Session(await newEngine(limits.memoryBytes + ENGINE_RESERVE_BYTES), calls, limits);
    return { kind: 'done', result: await session.execute(code, inputJson) };
  } catch (err) {
    if (err instanceof SandboxViolation)
      return { kind: 'violation', reason: err.reason, message: err.message, clean: session?.clean ?? true };
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  } finally {
    await session?.close();
  }
}
