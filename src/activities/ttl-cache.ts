/** The value of load(), reloaded at most every ttlMs; concurrent callers share one load. */
export function ttlCache<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  let loadedAt = 0;
  return () => {
    if (!value || Date.now() - loadedAt > ttlMs) {
      loadedAt = Date.now();
      value = load().catch((err) => {
        value = undefined;
        throw err;
      });
    }
    return value;
  };
}
