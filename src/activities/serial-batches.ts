/**
 * Writes that must not overlap, grouped: at most one flush runs at a time, and
 * whatever arrives while it runs goes out together in the next one. Each
 * caller's promise settles with the flush that carried its items.
 *
 * Why: FerretDB v1 applies an update as read, modify, write without a
 * transaction (FerretDB/FerretDB#3040), so concurrent `$inc`s on one counter
 * lose increments. One writer per worker keeps counters exact and turns many
 * small writes into few larger ones.
 */
export function serialBatches<T>(flush: (items: T[]) => Promise<void>): (items: T[]) => Promise<void> {
  let pending: { items: T[]; settle: { resolve(): void; reject(err: unknown): void }[] } | undefined;
  let running = false;

  const drain = async () => {
    running = true;
    while (pending) {
      const batch = pending;
      pending = undefined;
      try {
        await flush(batch.items);
        batch.settle.forEach((s) => s.resolve());
      } catch (err) {
        batch.settle.forEach((s) => s.reject(err));
      }
    }
    running = false;
  };

  return (items) =>
    new Promise<void>((resolve, reject) => {
      pending ??= { items: [], settle: [] };
      pending.items.push(...items);
      pending.settle.push({ resolve, reject });
      if (!running) void drain();
    });
}
