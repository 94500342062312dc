/** The value of load(), reloaded at most every ttlMs of `now`; concurrent callers share one load. */
export function ttlCache<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let value: Promise<T> | undefined;
  let loadedAt = 0;
  return () => {
    if (!value || now() - loadedAt > ttlMs) {
      loadedAt = now();
      value = load().catch((err) => {
        value = undefined;
        throw err;
      });
    }
    return value;
  };
}
