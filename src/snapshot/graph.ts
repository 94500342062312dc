import { dependenciesOf, keyOf, type Resource, type Snapshot } from './resources';

/** A resource placed in the composition, from the source that won it. */
export interface Placed {
  source: string;
  sourceIndex: number;
  resource: Resource;
}

export interface Dropped {
  source: string;
  key: string;
  reason: string;
}

/**
 * The dependency graph of one source: for each key, the keys it needs
 * (transitively on demand) and the keys that need it.
 */
export class SourceGraph {
  private readonly needs = new Map<string, string[]>();
  private readonly neededBy = new Map<string, string[]>();

  constructor(resources: Resource[]) {
    for (const r of resources) {
      const key = keyOf(r);
      const deps = dependenciesOf(r);
      this.needs.set(key, deps);
      for (const d of deps) {
        const list = this.neededBy.get(d);
        if (list) list.push(key);
        else this.neededBy.set(d, [key]);
      }
    }
  }

  /** Everything `key` needs, directly or not (within this source, excluding itself). */
  dependencies(key: string): string[] {
    return this.walk(key, this.needs);
  }

  /** Everything that needs `key`, directly or not. */
  dependents(key: string): string[] {
    return this.walk(key, this.neededBy);
  }

  private walk(start: string, edges: Map<string, string[]>): string[] {
    const seen = new Set<string>([start]);
    const stack = [start];
    while (stack.length) {
      for (const next of edges.get(stack.pop()!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    seen.delete(start);
    return [...seen];
  }
}

export function graphsOf(snapshots: Snapshot[]): Map<number, SourceGraph> {
  return new Map(snapshots.map((s) => [s.source.index, new SourceGraph(s.resources)]));
}

/**
 * Removes, transitively, every placed resource whose dependency no source
 * provides any more (a key won by another source still counts as provided:
 * the dependent is re-pointed to the winner's resource).
 */
export function pruneMissing(placed: Placed[]): { kept: Placed[]; dropped: Dropped[] } {
  const present = new Set(placed.map((p) => keyOf(p.resource)));
  const waiting = new Map<string, Placed[]>();
  const missing: string[] = [];
  for (const p of placed) {
    for (const d of dependenciesOf(p.resource)) {
      const list = waiting.get(d);
      if (list) list.push(p);
      else waiting.set(d, [p]);
      if (!present.has(d)) missing.push(d);
    }
  }
  const dropped: Dropped[] = [];
  const gone = new Set<Placed>();
  while (missing.length) {
    const key = missing.pop()!;
    for (const p of waiting.get(key) ?? []) {
      if (gone.has(p)) continue;
      gone.add(p);
      const own = keyOf(p.resource);
      present.delete(own);
      missing.push(own);
      dropped.push({ source: p.source, key: own, reason: `needs ${key}, which no source provides any more` });
    }
  }
  return { kept: placed.filter((p) => !gone.has(p)), dropped };
}
