import { ApplicationFailure, Context } from '@temporalio/activity';
import { runInSandbox, SandboxViolation, DEFAULT_LIMITS, type HostFunction } from '../handlers/sandbox';
import type { ResourceRef } from '../providers/provider';
import type { HandlerContext, HandlerResult } from './builtin-handlers';

/**
 * The host functions a script handler may be granted, by capability name.
 * Everything a script makes through them is recorded, so compensation can
 * remove it without the script's help.
 */
function hostFunctions(ctx: HandlerContext, made: ResourceRef[]): Record<string, HostFunction> {
  const track = async (ref: Promise<ResourceRef>) => {
    const r = await ref;
    made.push(r);
    return r;
  };
  // Each resource's key extends the step's key, so a retried script finds what it made before.
  const keyFor = (kind: string, name: unknown) => `${ctx.key}/${kind}/${String(name)}`;
  return {
    'provider.createBucket': (name) =>
      track(ctx.provider.createBucket({ key: keyFor('bucket', name), name: String(name), region: ctx.request.region })),
    'provider.createKey': (alias) =>
      track(ctx.provider.createKey({ key: keyFor('key', alias), alias: String(alias), region: ctx.request.region })),
    log: (message) => {
      Context.current().log.info(`handler says: ${String(message)}`);
      return null;
    },
  };
}

/** Runs registered user code in the QuickJS sandbox with only the capabilities its entry grants. */
export async function runScript(
  ctx: HandlerContext,
  source: string,
  granted: string[],
  timeoutMs: number,
): Promise<HandlerResult & { cpuMs: number; memoryMb: number }> {
  const made: ResourceRef[] = [];
  const available = hostFunctions(ctx, made);
  const host = Object.fromEntries(granted.filter((c) => c in available).map((c) => [c, available[c]!]));
  try {
    const result = await runInSandbox({
      code: source,
      input: { request: ctx.request, outputs: ctx.outputs },
      host,
      // Below the activity's own timeout, so a runaway script ends as a violation, not as a timeout that retries.
      limits: { ...DEFAULT_LIMITS, timeoutMs: Math.min(Math.floor(timeoutMs * 0.8), 30_000) },
    });
    const output = (result.output ?? {}) as Record<string, unknown>;
    return {
      output: Object.fromEntries(Object.entries(output).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
      resources: made,
      cpuMs: result.cpuMs,
      memoryMb: result.memoryBytes / (1024 * 1024),
    };
  } catch (err) {
    if (err instanceof SandboxViolation) {
      // A violation is the code's doing: running it again would only violate again.
      throw ApplicationFailure.nonRetryable(`sandbox (${err.reason}): ${err.message}`, 'SandboxViolation', { reason: err.reason });
    }
    throw err;
  }
}
