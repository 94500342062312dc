/**
 * The guest's CPU time: only the stretches in which the VM runs count, so a
 * handler waiting on a slow provider call is not charged for it. The VM runs
 * on this thread and nothing else runs meanwhile, so wall time of those
 * stretches is the guest's CPU time.
 */
export class CpuBudget {
  private spent = 0;
  private since: number | undefined;

  constructor(private readonly limitMs: number) {}

  get spentMs(): number {
    return this.spent;
  }

  /** Runs one stretch of guest execution. */
  measure<T>(fn: () => T): T {
    this.since = performance.now();
    try {
      return fn();
    } finally {
      this.spent += performance.now() - this.since;
      this.since = undefined;
    }
  }

  /** Polled by QuickJS's interrupt handler while the VM runs. */
  exhausted(): boolean {
    const running = this.since === undefined ? 0 : performance.now() - this.since;
    return this.spent + running > this.limitMs;
  }
}
