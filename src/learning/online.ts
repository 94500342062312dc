/**
 * Between retrains the worker corrects a model's scores with what happened
 * since: the mean residual (reward − score) of a handler's latest calls
 * everywhere, shrunk towards zero while there are few, refined per region
 * (the region's mean shrunk towards the handler's) and per region and
 * resource type (the cell's, shrunk towards the region's). A handler that
 * starts failing everywhere drops by about the success weight within tens of
 * its calls, whichever cells they fall in, instead of waiting for the next
 * retrain; where the model is wrong for one region or one kind of resource
 * only, that is where the score moves most. A promoted model starts from no
 * correction, since its residuals are its own.
 */
export const ONLINE_WINDOW = 50;
/** Pseudo-count of zero residuals: five calls move a handler's score half-way to the evidence. */
const SHRINK = 5;
/** Pseudo-count of the handler's correction in a region: five calls there speak for the region half-way. */
const REGION_SHRINK = 5;
/** Pseudo-count of the region's correction in a cell: a cell needs ten calls to speak for itself half-way. */
const CELL_SHRINK = 10;

/** The key of the window of a handler's calls in every region (not a region name, which has no underscore prefix). */
export const ALL_REGIONS = '_all';

/** The windows a residual goes to: every region, its region, and its region × resource type. */
export function onlineKeys(ctx: { region: string; resourceType: string }): { all: string; region: string; cell: string } {
  return { all: ALL_REGIONS, region: ctx.region, cell: `${ctx.region}|${ctx.resourceType}` };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const shrunk = (xs: readonly number[] | undefined, towards: number, pseudo: number) =>
  xs?.length ? (sum(xs) + pseudo * towards) / (xs.length + pseudo) : towards;

export interface OnlineWindows {
  all?: readonly number[];
  region?: readonly number[];
  cell?: readonly number[];
}

export function correction({ all, region, cell }: OnlineWindows): number {
  const handler = shrunk(all, 0, SHRINK);
  return shrunk(cell, shrunk(region, handler, REGION_SHRINK), CELL_SHRINK);
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
    const { all, region, cell } = onlineKeys(ctx);
    const window = (key: string) => this.windows.get(`${ref}|${key}`);
    return correction({ all: window(all), region: window(region), cell: window(cell) });
  }
}
