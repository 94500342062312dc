import type { SandboxViolationReason } from './errors';
import type { Settlement } from './host-calls';
import type { SandboxLimits, SandboxResult } from './sandbox';

/** What the worker sends the sandbox thread: the one run it is for, then the results of the host calls it asked for. */
export type ToThread =
  | { kind: 'run'; code: string; inputJson: string | undefined; granted: string[]; limits: Required<SandboxLimits> }
  | ({ kind: 'settle' } & Settlement);

/** What the sandbox thread sends back: that it is ready, host calls to make, then how the run ended. */
export type FromThread =
  | { kind: 'ready' }
  | { kind: 'call'; id: number; name: string; argsJson: string }
  | { kind: 'done'; result: SandboxResult }
  // `clean`: the engine was freed, so the thread can serve another run.
  | { kind: 'violation'; reason: SandboxViolationReason; message: string; clean: boolean }
  | { kind: 'failed'; message: string };
