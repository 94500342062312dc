import type { Connection } from 'mongoose';
import { refreshStep, type Held, type RefreshLimits } from '../composition/cache-refresh';
import { readGeneration, type GenerationName } from '../models/generation';

/**
 * The value of load(), loaded again only when the generation `name` moved
 * (a governed write) or the full-reload interval passed (see
 * composition/cache-refresh.ts). Concurrent callers share one check or load;
 * a failed one is tried again by the next caller.
 */
export function generationCache<T>(
  connection: Connection,
  name: GenerationName,
  load: () => Promise<T>,
  limits: RefreshLimits,
  now: () => number = Date.now,
): () => Promise<T> {
  let held: (Held & { value: T }) | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (pending) return pending;
    const at = now();
    const step = refreshStep(held, at, limits);
    if (step === 'serve') return Promise.resolve(held!.value);
    pending = (async () => {
      // Read before the rows: a write landing after this read bumps the value again, and the next check reloads.
      const generation = await readGeneration(connection, name);
      if (step === 'check' && generation === held!.generation) {
        held = { ...held!, checkedAt: at };
      } else {
        held = { value: await load(), generation, loadedAt: at, checkedAt: at };
      }
      return held.value;
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
