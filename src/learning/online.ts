/**
 * Between retrains the worker corrects a model's scores with what happened
 * since: the mean residual (reward − score) of a handler's latest calls in a
 * region, shrunk towards zero while there are few, refined per region and
 * resource type (the cell's own mean, shrunk towards the region's). A handler
 * that starts failing drops by about the success weight within tens of calls
 * instead of waiting for the next retrain, and where the model is wrong for
 * one kind of resource only, only that kind moves. A promoted model starts
 * from no correction, since its residuals are its own.
 */
export const ONLINE_WINDOW = 50;
/** Pseudo-count of zero residuals: five calls move a region's score half-way to the evidence. */
const SHRINK = 5;
/** Pseudo-count of the region's correction in a cell: a cell needs ten calls to speak for itself half-way. */
const CELL_SHRINK = 10;

/** The windows a residual goes to: its region, and its region × resource type. */
export function onlineKeys(ctx: { region: string; resourceType: string }): { region: string; cell: string } {
  return { region: ctx.region, cell: `${ctx.region}|${ctx.resourceType}` };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export function correction(residuals: readonly number[] | undefined, cell?: readonly number[]): number {
  const region = residuals?.length ? sum(residuals) / (residuals.length + SHRINK) : 0;
  if (!cell?.length) return region;
  return (sum(cell) + CELL_SHRINK * region) / (cell.length + CELL_SHRINK);
}

/** The same windows kept in memory: the benchmark's worker, and a reference for the stored ones. */
export class OnlineStats {
  private readonly windows = new Map<string, number[]>();
  private model = '';

  record(model: string, ref: string, ctx: { region: string; resourceType: string }, residual: number): void {
    if (model !== this.model) {
      this.windows.clear();
      this.model = model;
    }
    for (const key of Object.values(onlineKeys(ctx))) {
      const w = this.windows.get(`${ref}|${key}`) ?? [];
      w.push(residual);
      if (w.length > ONLINE_WINDOW) w.shift();
      this.windows.set(`${ref}|${key}`, w);
    }
  }

  correction(model: string, ref: string, ctx: { region: string; resourceType: string }): number {
    if (model !== this.model) return 0;
    const { region, cell } = onlineKeys(ctx);
    return correction(this.windows.get(`${ref}|${region}`), this.windows.get(`${ref}|${cell}`));
  }
}
