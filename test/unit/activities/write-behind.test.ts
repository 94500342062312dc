import { writeBehind } from '../../../src/activities/write-behind';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('writeBehind', () => {
  it('groups what arrives within an interval into one write, and callers do not wait for it', async () => {
    const writes: number[][] = [];
    const w = writeBehind<number>(async (items) => void writes.push(items), { intervalMs: 20, maxPending: 100, onError: () => {} });
    w.add([1]);
    w.add([2, 3]);
    expect(writes).toEqual([]);
    expect(w.pending).toBe(3);
    await sleep(60);
    expect(writes).toEqual([[1, 2, 3]]);
    expect(w.pending).toBe(0);
  });

  it('never runs two writes at once, and drain writes at once what is queued', async () => {
    const writes: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const w = writeBehind<number>(
      async (items) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        writes.push(items);
        await sleep(30);
        inFlight--;
      },
      { intervalMs: 5, maxPending: 100, onError: () => {} },
    );
    w.add([1]);
    await sleep(15); // the first write is under way
    w.add([2]);
    const drained = w.drain();
    w.add([3]);
    await drained;
    expect(maxInFlight).toBe(1);
    expect(writes.flat()).toEqual([1, 2, 3]);
  });

  it('keeps the items of a failed write, reports it, and writes them with the next', async () => {
    const errors: { pending: number; dropped: number }[] = [];
    let fail = true;
    const writes: string[][] = [];
    const w = writeBehind<string>(
      async (items) => {
        if (fail) throw new Error('store down');
        writes.push(items);
      },
      { intervalMs: 5, maxPending: 100, onError: (_err, context) => errors.push(context) },
    );
    w.add(['a']);
    await expect(w.drain()).rejects.toThrow('store down');
    expect(w.pending).toBe(1);
    w.add(['b']);
    fail = false;
    await w.drain();
    expect(writes).toEqual([['a', 'b']]);
    expect(errors[0]).toEqual({ pending: 1, dropped: 0 });
  });

  it('drops the oldest items beyond maxPending while the store stays down, and says how many', async () => {
    const errors: { pending: number; dropped: number }[] = [];
    const w = writeBehind<number>(
      async () => {
        throw new Error('store down');
      },
      { intervalMs: 1_000, maxPending: 3, onError: (_err, context) => errors.push(context) },
    );
    w.add([1, 2, 3, 4, 5]);
    await expect(w.drain()).rejects.toThrow('store down');
    expect(errors).toEqual([{ pending: 3, dropped: 2 }]);
    expect(w.pending).toBe(3);
  });
});
