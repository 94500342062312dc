import { ApplicationFailure, Context } from '@temporalio/activity';
import { runInSandbox, SandboxViolation, DEFAULT_LIMITS, type HostFunction } from '../handlers/sandbox';
import {
  BUCKET_NAME,
  KEY_ALIAS,
  logLine,
  MAX_LOG_LINES,
  MAX_SCRIPT_RESOURCES,
  nameArgument,
  outputsOutside,
  resourcePaths,
} from '../handlers/script-io';
import type { ResourceRef } from '../providers/provider';
import type { HandlerContext, HandlerResult } from './builtin-handlers';
import { scriptResourceModel } from '../models/script-resource';
import { withStorage } from './errors';
import { removeResources } from './resources';

/**
 * The host functions a script handler may be granted, by capability name.
 * Every argument is checked before a provider sees it (names, never paths),
 * and everything a script makes is recorded, so compensation can remove it
 * without the script's help.
 */
function hostFunctions(ctx: HandlerContext, made: ResourceRef[]): Record<string, HostFunction> {
  let making = 0;
  const journal = scriptResourceModel(ctx.connection);
  const track = async (fn: string, key: string, create: () => Promise<ResourceRef>) => {
    // Counted when asked for, not when made, so calls in flight cannot overshoot the bound.
    if (++making > MAX_SCRIPT_RESOURCES)
      throw new RangeError(`${fn}: a script may make at most ${MAX_SCRIPT_RESOURCES} resources in one step`);
    // Written before the provider is asked: a worker that dies after the call leaves the row for the step's undo.
    await withStorage('record a script resource', () =>
      journal.updateOne({ key }, { $setOnInsert: { stepKey: ctx.key, region: ctx.request.region, at: new Date() } }, { upsert: true }),
    );
    const ref = await create();
    made.push(ref);
    return ref;
  };
  // Each resource's key extends the step's key, so a retried script finds what it made before.
  const keyFor = (kind: string, name: string) => `${ctx.key}/${kind}/${name}`;
  let lines = 0;
  return {
    'provider.createBucket': (...args) => {
      const name = nameArgument('provider.createBucket', BUCKET_NAME, args);
      const key = keyFor('bucket', name);
      return track('provider.createBucket', key, () => ctx.provider.createBucket({ key, name, region: ctx.request.region }));
    },
    'provider.createKey': (...args) => {
      const alias = nameArgument('provider.createKey', KEY_ALIAS, args);
      const key = keyFor('key', alias);
      return track('provider.createKey', key, () => ctx.provider.createKey({ key, alias, region: ctx.request.region }));
    },
    log: (...args) => {
      lines++;
      if (lines <= MAX_LOG_LINES) Context.current().log.info(`handler says: ${logLine(args)}`);
      else if (lines === MAX_LOG_LINES + 1)
        Context.current().log.warn(`handler wrote more than ${MAX_LOG_LINES} lines; the rest are dropped`);
      return null;
    },
  };
}

/**
 * Runs registered user code in the QuickJS sandbox with only the capabilities
 * its entry grants. When the run fails, what the script made is removed before
 * the failure is reported; if the worker dies first, the step's undo finds it
 * through the rows the host functions wrote (undoScript).
 */
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
      limits: { ...DEFAULT_LIMITS, timeoutMs: Math.min(Math.floor(timeoutMs * 0.8), 30_000), wallMs: Math.floor(timeoutMs * 0.9) },
      signal: Context.current().cancellationSignal,
    });
    const output = outputOf(result.output);
    const outside = outputsOutside(output, resourcePaths(made));
    if (outside.length) {
      throw new SandboxViolation(
        'invalid-output',
        `the output names files outside what this step made: ${outside.join(', ')}; an output may only point inside its own resources`,
      );
    }
    return { output, resources: made, cpuMs: result.cpuMs, memoryMb: result.memoryBytes / (1024 * 1024) };
  } catch (err) {
    await removeMade(ctx, made);
    if (err instanceof SandboxViolation) {
      // A violation is the code's doing: running it again would only violate again.
      throw ApplicationFailure.nonRetryable(`sandbox (${err.reason}): ${err.message}`, 'SandboxViolation', { reason: err.reason });
    }
    throw err;
  }
}

/** The output as later steps get it: an object of strings (anything else as its JSON). */
function outputOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new SandboxViolation(
      'invalid-output',
      `handle() must return an object of named outputs, not ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}`,
    );
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/**
 * The undo of a script's step: what the step reported, and what its script
 * asked for (the rows written before each call), found by each resource's own
 * key. A worker that died mid-script reported nothing; its rows remain.
 */
export async function undoScript(ctx: HandlerContext, reported: ResourceRef[]): Promise<void> {
  const journal = scriptResourceModel(ctx.connection);
  const rows = await withStorage('read script resources', () => journal.find({ stepKey: ctx.key }).lean());
  const asked = (await Promise.all(rows.map(async (r) => (await ctx.provider.findByKey?.(r.key, r.region)) ?? []))).flat();
  const seen = new Set(reported.map((r) => `${r.kind}:${r.id}`));
  await removeResources(ctx, [...reported, ...asked.filter((r) => !seen.has(`${r.kind}:${r.id}`))]);
  await withStorage('forget script resources', () => journal.deleteMany({ stepKey: ctx.key }));
}

async function removeMade(ctx: HandlerContext, made: ResourceRef[]): Promise<void> {
  if (!made.length) return;
  try {
    await undoScript(ctx, made);
  } catch (err) {
    // The step's failure is what the caller must hear; what could not be removed is said in the log, by name.
    Context.current().log.warn(
      `could not remove what a failed script made (${made.map((r) => r.id).join(', ')}): ${(err as Error).message}`,
    );
  }
}
