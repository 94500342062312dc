/**
 * A clock that runs with real time and can be moved forward: given to a
 * worker's caches, a test passes a cache interval in no time instead of
 * sleeping it out, and everything else keeps seeing time flow.
 */
export interface MovableClock {
  now(): number;
  /** Moves the clock `ms` ahead of real time, for good. */
  pass(ms: number): void;
}

export function movableClock(): MovableClock {
  let ahead = 0;
  return {
    now: () => Date.now() + ahead,
    pass(ms) {
      ahead += ms;
    },
  };
}
