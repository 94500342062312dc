/**
 * Runs `check` until it stops throwing or the time is up, then returns its
 * value or throws its last error: for state written behind, such as the
 * handler counters a worker writes every half second.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
