/**
 * The allocation under resource_limits as a mixed-integer program: for each
 * item (a service or volume), choose at most one option (a size tier; none
 * only if the item is optional), keep an item's dependencies whenever it is
 * kept, stay within CPU, memory and disk, and maximise the sum of the chosen
 * options' values (priority-weighted performance minus cost).
 */
export interface ItemOption {
  label: string;
  cpu: number;
  /** Bytes. */
  memory: number;
  /** Bytes. */
  disk: number;
  value: number;
}

export interface Item {
  id: string;
  options: ItemOption[];
  optional: boolean;
  /** Ids of items this one cannot run without. */
  needs: string[];
}

export interface Capacity {
  cpu?: number;
  memory?: number;
  disk?: number;
}

export interface Choice {
  /** Option index per item id; null when the item is left out. */
  picks: Map<string, number | null>;
  objective: number;
}

/** The part of HiGHS (npm `highs`) this module uses: solve an LP-format model. */
export interface MilpSolver {
  solve(
    lp: string,
    options?: Record<string, unknown>,
  ): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal: number }> };
}

/** Memory and disk enter the model in MB: byte counts would make coefficients too large for a well-scaled model. */
const MB = 1e6;
const num = (n: number) => {
  const text = Number(n.toFixed(6)).toString();
  return text.includes('e') ? n.toFixed(6) : text;
};
const variable = (i: number, o: number) => `x${i}_${o}`;

export function toLp(items: Item[], capacity: Capacity): string {
  const index = new Map(items.map((it, i) => [it.id, i]));
  const sum = (i: number, coef: (o: ItemOption) => number) =>
    items[i]!.options.map((o, k) => ` + ${num(coef(o))} ${variable(i, k)}`).join('');
  const lines = ['Maximize', ` obj:${items.map((_, i) => sum(i, (o) => o.value)).join('')}`, 'Subject To'];
  items.forEach((it, i) => {
    lines.push(` pick${i}:${sum(i, () => 1)} ${it.optional ? '<=' : '='} 1`);
    for (const need of it.needs) {
      const j = index.get(need);
      if (j !== undefined)
        lines.push(` need${i}_${j}:${sum(i, () => 1)}${items[j]!.options.map((_, k) => ` - 1 ${variable(j, k)}`).join('')} <= 0`);
    }
  });
  const dims: [keyof Capacity, (o: ItemOption) => number, number][] = [
    ['cpu', (o) => o.cpu, 1],
    ['memory', (o) => o.memory / MB, MB],
    ['disk', (o) => o.disk / MB, MB],
  ];
  for (const [dim, coef, scale] of dims) {
    const cap = capacity[dim];
    if (cap === undefined || !items.length) continue;
    lines.push(` ${dim}:${items.map((_, i) => sum(i, coef)).join('')} <= ${num(cap / scale)}`);
  }
  lines.push('Binary', ...items.flatMap((it, i) => it.options.map((_, k) => ` ${variable(i, k)}`)), 'End');
  return lines.join('\n');
}

/** The optimal choice, or undefined when no choice fits (the required items alone exceed the capacity). */
export function solveAllocation(items: Item[], capacity: Capacity, solver: MilpSolver): Choice | undefined {
  if (!items.length) return { picks: new Map(), objective: 0 };
  const solution = solver.solve(toLp(items, capacity), { mip_rel_gap: 0, time_limit: 30 });
  if (solution.Status === 'Infeasible') return undefined;
  if (solution.Status !== 'Optimal') throw new Error(`the allocation solver stopped with status ${solution.Status}`);
  const picks = new Map<string, number | null>();
  items.forEach((it, i) => {
    const k = it.options.findIndex((_, o) => (solution.Columns[variable(i, o)]?.Primal ?? 0) > 0.5);
    picks.set(it.id, k < 0 ? null : k);
  });
  return { picks, objective: objectiveOf(items, picks) };
}

export function objectiveOf(items: Item[], picks: Map<string, number | null>): number {
  return items.reduce((acc, it) => {
    const k = picks.get(it.id);
    return acc + (k === null || k === undefined ? 0 : it.options[k]!.value);
  }, 0);
}

/** Every combination, for checking the solver on small cases: (options + 1)^n of them. */
export function bruteForce(items: Item[], capacity: Capacity): Choice | undefined {
  let best: Choice | undefined;
  const picks = new Map<string, number | null>();
  const fits = () => {
    const used = { cpu: 0, memory: 0, disk: 0 };
    for (const it of items) {
      const k = picks.get(it.id);
      if (k === null || k === undefined) {
        if (!it.optional) return false;
        continue;
      }
      if (it.needs.some((n) => items.some((o) => o.id === n) && (picks.get(n) ?? null) === null)) return false;
      used.cpu += it.options[k]!.cpu;
      used.memory += it.options[k]!.memory;
      used.disk += it.options[k]!.disk;
    }
    return (['cpu', 'memory', 'disk'] as const).every((d) => capacity[d] === undefined || used[d] <= capacity[d]! + 1e-9);
  };
  const visit = (i: number) => {
    if (i === items.length) {
      if (!fits()) return;
      const objective = objectiveOf(items, picks);
      if (!best || objective > best.objective + 1e-9) best = { picks: new Map(picks), objective };
      return;
    }
    for (let k = -1; k < items[i]!.options.length; k++) {
      picks.set(items[i]!.id, k < 0 ? null : k);
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}
