/**
 * Between retrains the worker corrects a model's scores with what happened
 * since: the mean residual (reward − score) of a handler's latest calls in a
 * region, shrunk towards zero while there are few. A handler that starts
 * failing drops by about the success weight within tens of calls instead of
 * waiting for the next retrain; a promoted model starts from no correction,
 * since its residuals are its own.
 */
export const ONLINE_WINDOW = 50;
/** Pseudo-count of zero residuals: five calls move a score half-way to the evidence. */
const SHRINK = 5;

export function correction(residuals: readonly number[] | undefined): number {
  if (!residuals?.length) return 0;
  const sum = residuals.reduce((a, b) => a + b, 0);
  return sum / (residuals.length + SHRINK);
}

/** The same window kept in memory: the benchmark's worker, and a reference for the stored one. */
export class OnlineStats {
  private readonly windows = new Map<string, number[]>();
  private model = '';

  record(model: string, ref: string, region: string, residual: number): void {
    if (model !== this.model) {
      this.windows.clear();
      this.model = model;
    }
    const key = `${ref}|${region}`;
    const w = this.windows.get(key) ?? [];
    w.push(residual);
    if (w.length > ONLINE_WINDOW) w.shift();
    this.windows.set(key, w);
  }

  correction(model: string, ref: string, region: string): number {
    return model === this.model ? correction(this.windows.get(`${ref}|${region}`)) : 0;
  }
}
