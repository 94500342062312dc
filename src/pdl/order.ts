import { StageOrderCycle } from './errors';

interface Ordered {
  name: string;
  after?: string[];
  before?: string[];
}

/**
 * Declared order, moved only as far as `after`/`before` demand (a stable
 * topological sort). A cycle is an error naming the stages in it.
 */
export function orderStages(stages: Ordered[], owner: string): string[] {
  const names = stages.map((s) => s.name);
  const known = new Set(names);
  const edges = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const stage of stages) {
    for (const dep of stage.after ?? []) if (known.has(dep)) edges.get(dep)!.add(stage.name);
    for (const next of stage.before ?? []) if (known.has(next)) edges.get(stage.name)!.add(next);
  }
  const indegree = new Map(names.map((n) => [n, 0]));
  for (const targets of edges.values()) for (const t of targets) indegree.set(t, indegree.get(t)! + 1);
  const order: string[] = [];
  const ready = names.filter((n) => indegree.get(n) === 0);
  while (ready.length) {
    ready.sort((a, b) => names.indexOf(a) - names.indexOf(b));
    const next = ready.shift()!;
    order.push(next);
    for (const t of edges.get(next)!) {
      indegree.set(t, indegree.get(t)! - 1);
      if (indegree.get(t) === 0) ready.push(t);
    }
  }
  if (order.length < names.length) {
    const cycle = inCycle(
      names.filter((n) => !order.includes(n)),
      edges,
    );
    throw new StageOrderCycle(
      `${owner}: stages ${cycle.join(', ')} order each other in a cycle (after/before); remove one of the constraints`,
      cycle,
    );
  }
  return order;
}

/**
 * What the sort left over also holds stages merely ordered after a cycle;
 * dropping, again and again, those that precede nothing left keeps the cycle.
 */
function inCycle(left: string[], edges: Map<string, Set<string>>): string[] {
  let rest = left;
  for (;;) {
    const next = rest.filter((n) => [...edges.get(n)!].some((t) => rest.includes(t)));
    if (next.length === rest.length) return rest;
    rest = next;
  }
}
