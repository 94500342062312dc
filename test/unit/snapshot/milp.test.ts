import fc from 'fast-check';
import highsLoader from 'highs';
import { bruteForce, solveAllocation, type Item, type MilpSolver } from '../../../src/snapshot/milp';

let solver: MilpSolver;
beforeAll(async () => {
  solver = (await highsLoader()) as unknown as MilpSolver;
});

const option = fc.record({
  label: fc.constant('o'),
  cpu: fc.integer({ min: 0, max: 8 }),
  memory: fc.integer({ min: 0, max: 16 }).map((g) => g * 1e9),
  disk: fc.integer({ min: 0, max: 4 }).map((g) => g * 1e9),
  value: fc.integer({ min: -20, max: 100 }).map((v) => v / 4),
});

// Up to 12 items; each may need an earlier one, so dependencies never loop.
const items = fc
  .array(
    fc.record({
      options: fc.array(option, { minLength: 1, maxLength: 2 }),
      optional: fc.boolean(),
      need: fc.option(fc.nat(), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((raw): Item[] =>
    raw.map((r, i) => ({
      id: `i${i}`,
      options: r.options,
      optional: r.optional,
      needs: r.need !== undefined && i > 0 ? [`i${r.need % i}`] : [],
    })),
  );
const capacity = fc.record({
  cpu: fc.integer({ min: 0, max: 40 }),
  memory: fc.integer({ min: 0, max: 80 }).map((g) => g * 1e9),
  disk: fc.integer({ min: 0, max: 20 }).map((g) => g * 1e9),
});

describe('the allocation MILP', () => {
  it('finds the optimum brute-force enumeration finds, on up to 12 items', () => {
    fc.assert(
      fc.property(items, capacity, (its, cap) => {
        const exact = bruteForce(its, cap);
        const milp = solveAllocation(its, cap, solver);
        expect(milp === undefined).toBe(exact === undefined);
        if (exact && milp) expect(milp.objective).toBeCloseTo(exact.objective, 6);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('keeps an item only with what it needs', () => {
    const its: Item[] = [
      { id: 'db', optional: true, needs: [], options: [{ label: 'db', cpu: 4, memory: 0, disk: 0, value: 1 }] },
      { id: 'web', optional: true, needs: ['db'], options: [{ label: 'web', cpu: 4, memory: 0, disk: 0, value: 10 }] },
      { id: 'cache', optional: true, needs: [], options: [{ label: 'cache', cpu: 4, memory: 0, disk: 0, value: 8 }] },
    ];
    const choice = solveAllocation(its, { cpu: 8 }, solver)!;
    expect([...choice.picks]).toEqual([
      ['db', 0],
      ['web', 0],
      ['cache', null],
    ]);
  });

  it('says when the required items cannot fit', () => {
    expect(
      solveAllocation(
        [{ id: 'a', optional: false, needs: [], options: [{ label: 'a', cpu: 9, memory: 0, disk: 0, value: 1 }] }],
        { cpu: 8 },
        solver,
      ),
    ).toBeUndefined();
  });
});
