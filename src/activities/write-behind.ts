/**
 * Writes nobody waits for, grouped: items queue in memory and go out together
 * at most every `intervalMs`, one write at a time. A failed write keeps its
 * items for the next attempt, later each time, up to a minute. `drain()`
 * writes what is queued now and settles when the queue is empty.
 *
 * Why for handler counters: FerretDB v1 applies an update as read, modify,
 * write without a transaction (FerretDB/FerretDB#3040), so concurrent `$inc`s
 * on one counter lose increments: one writer per worker keeps them exact. And
 * each write re-reads and re-writes every counter it touches, so writing once
 * an interval, whatever the rate of compositions, keeps the store's share of
 * a composition small.
 */
export interface WriteBehind<T> {
  add(items: T[]): void;
  /** Writes everything queued so far; rejects when a write fails, keeping the items queued. */
  drain(): Promise<void>;
  readonly pending: number;
}

export interface WriteBehindOptions {
  intervalMs: number;
  /** Beyond this many queued items (a store down for long), the oldest are dropped and reported. */
  maxPending: number;
  onError(err: unknown, context: { pending: number; dropped: number }): void;
}

const MAX_BACKOFF_MS = 60_000;

export function writeBehind<T>(
  write: (items: T[]) => Promise<void>,
  { intervalMs, maxPending, onError }: WriteBehindOptions,
): WriteBehind<T> {
  let queue: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  // Writes run one after another on this chain, whoever asks for them.
  let chain = Promise.resolve();

  const flush = (): Promise<void> => {
    const next = chain.then(async () => {
      if (!queue.length) return;
      const batch = queue;
      queue = [];
      try {
        await write(batch);
        failures = 0;
      } catch (err) {
        // Back at the head of the queue, before what arrived meanwhile.
        queue = batch.concat(queue);
        const dropped = Math.max(0, queue.length - maxPending);
        if (dropped) queue = queue.slice(dropped);
        failures++;
        onError(err, { pending: queue.length, dropped });
        throw err;
      }
    });
    chain = next.catch(() => {});
    return next;
  };

  const schedule = () => {
    if (timer || !queue.length) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        flush()
          .catch(() => {})
          .finally(schedule);
      },
      Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** failures),
    );
    // A worker that stops drains first; anything else (a CLI, a test) need not wait for the timer.
    timer.unref();
  };

  return {
    add(items) {
      queue.push(...items);
      schedule();
    },
    async drain() {
      clearTimeout(timer);
      timer = undefined;
      try {
        do await flush();
        while (queue.length);
      } finally {
        // What a failed drain kept is tried again later, as any write.
        schedule();
      }
    },
    get pending() {
      return queue.length;
    },
  };
}
