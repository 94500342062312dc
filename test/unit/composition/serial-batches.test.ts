import { serialBatches } from '../../../src/activities/serial-batches';

const tick = () => new Promise((r) => setImmediate(r));

describe('serialBatches', () => {
  it('never runs two flushes at once and groups what arrives meanwhile', async () => {
    const flushed: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const release: (() => void)[] = [];
    const write = serialBatches<number>(async (items) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      flushed.push(items);
      await new Promise<void>((r) => release.push(r));
      inFlight--;
    });

    const first = write([1]);
    const rest = [write([2]), write([3, 4]), write([5])];
    await tick();
    expect(flushed).toEqual([[1]]);
    release.shift()!();
    await first;
    await tick();
    expect(flushed).toEqual([[1], [2, 3, 4, 5]]);
    release.shift()!();
    await Promise.all(rest);
    expect(maxInFlight).toBe(1);
  });

  it('rejects exactly the callers whose batch failed, and goes on with the next', async () => {
    let calls = 0;
    const write = serialBatches<string>(async (items) => {
      calls++;
      if (items.includes('bad')) throw new Error('store refused');
    });
    const failed = write(['bad']);
    const later = write(['good']);
    await expect(failed).rejects.toThrow('store refused');
    await expect(later).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
