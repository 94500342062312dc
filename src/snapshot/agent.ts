import { conflictText, detectConflicts, type Conflict } from './conflicts';
import { LimitsUnsatisfiable } from './errors';
import { graphsOf, pruneMissing, type Dropped, type Placed, type SourceGraph } from './graph';
import { placementsOf, predictImpact, type ImpactModel, type Placement, type Prediction } from './impact';
import type { Limits } from './manifest';
import { solveAllocation, type Item, type ItemOption, type MilpSolver } from './milp';
import { rewriteReferences, type SourceAdjuster } from './adjustment';
import type { Decision, Resolution } from './resolution';
import { assertOnePortOwner } from './port-guard';
import { keyOf, withClaimedPorts, type Claim, type Resource, type ServiceResource, type Snapshot, type SourceRef } from './resources';
import { mergeAgreeing } from './strategies';
import { overLimits, totalsOf, type Totals } from './totals';
import { formatBytes, formatCpu } from './units';

export interface AgentOptions {
  limits: Limits;
  /** Learned from what earlier compositions measured; NO_HISTORY makes every prediction the prior. */
  impact: ImpactModel;
  /** The provider of each source, asked for adjustments. */
  adjusterFor(source: SourceRef): SourceAdjuster;
  solver: MilpSolver;
}

/** `resolve_conflict`'s answer: who gets the key, and what became of the other side. */
export interface ResourceAllocation {
  granted: Claim;
  discarded?: Claim;
  adjusted?: { claim: Claim; to: Resource; rewrote: string[] };
  rule: string;
}

/** What the agent has placed so far: `optimize_allocation` takes and returns one. */
export interface Allocation {
  resources: Placed[];
  decisions: Decision[];
  dropped: Dropped[];
  explanation: string[];
}

const GiB = 2 ** 30;
// Value of keeping things, per unit of source weight; costs per core, GiB of memory and GB of disk.
const SERVICE_VALUE = 10;
const VOLUME_VALUE = 5;
const COST = { cpu: 0.2, memoryGiB: 0.1, diskGB: 0.001 };

/** "predicted impact: health 0.93, CPU use 0.40 (model of 1200 runs)": the prediction a score or value was made from. */
function impactText(p: Prediction): string {
  return `predicted impact: health ${p.health.toFixed(2)}, CPU use ${p.cpuUse.toFixed(2)} (${p.basis})`;
}

const valueBasis = (p: Prediction | undefined) => (p ? `, ${impactText(p)}` : '');

/**
 * The first limit an option breaks on top of what is used, in words: "to fit
 * resource_limits.memory (32GB): at its smallest it needs 4GB, 2GB is left";
 * undefined when it breaks none.
 */
function limitText(limits: Limits, used: Totals, option: ItemOption, size: string): string | undefined {
  for (const dim of ['cpu', 'memory', 'disk'] as const) {
    const limit = limits[dim];
    if (limit === undefined || used[dim] + option[dim] <= limit + 1e-9) continue;
    const amount = (n: number) => (dim === 'cpu' ? formatCpu(n) : formatBytes(n));
    return `to fit resource_limits.${dim} (${amount(limit)}): ${size} it needs ${amount(option[dim])}, ${amount(Math.max(0, limit - used[dim]))} is left`;
  }
  return undefined;
}

/**
 * The AI agent of the specification ("AI_Negotiation_Agent"): dependency analysis,
 * conflict detection, allocation by priority, dependencies and predicted
 * impact, adjustment by the losing source's provider, and optimisation
 * under resource_limits as a mixed-integer program. Every decision carries
 * the rule or score that made it.
 */
export class ResolutionAgent {
  private graphs = new Map<number, SourceGraph>();
  /** Each source's resources as adjustment has left them, by key. */
  private current = new Map<number, Map<string, Resource>>();
  private taken = new Set<string>();
  private owner = new Map<string, number>();
  /** `<source index>|<key>` of resources that cannot stay with what they needed gone, and why. */
  private evicted = new Map<string, string>();
  private readonly minPriority: number;
  /** Services claimed by all sources: what a service would share the machine with, before anything is decided. */
  private readonly serviceCount: number;

  private readonly snapshots: Snapshot[];

  constructor(
    snapshots: Snapshot[],
    private readonly options: AgentOptions,
  ) {
    this.snapshots = withClaimedPorts(snapshots);
    this.graphs = graphsOf(this.snapshots);
    for (const s of this.snapshots) this.current.set(s.source.index, new Map(s.resources.map((r) => [keyOf(r), r])));
    this.minPriority = Math.min(...this.snapshots.map((s) => s.source.priority));
    this.serviceCount = this.snapshots.reduce((n, s) => n + s.resources.filter((r) => r.kind === 'service').length, 0);
  }

  private weight(source: SourceRef): number {
    return 1 + source.priority - this.minPriority;
  }

  /** A service of a source as it would be placed if it won: at its size, beside every other service claimed. */
  private placementOf(source: SourceRef, key: string): Placement {
    const r = this.current.get(source.index)!.get(key);
    const service = r?.kind === 'service' ? r : undefined;
    return {
      cpu: service?.cpu ?? 0,
      memory: service?.memory ?? 0,
      dependents: this.graphs.get(source.index)!.dependents(key).length,
      colocated: Math.max(0, this.serviceCount - 1),
      sourceType: source.type,
      adjusted: false,
    };
  }

  /** The service a resource matters to: itself, or the best-predicted service of its source that needs it. */
  private prediction(claim: Claim): Prediction {
    const key = keyOf(claim.resource);
    const predict = (k: string) => predictImpact(this.options.impact, k, this.placementOf(claim.source, k));
    if (claim.resource.kind === 'service') return predict(key);
    const services = this.graphs
      .get(claim.source.index)!
      .dependents(key)
      .filter((k) => k.startsWith('service:'));
    if (!services.length) return predict(key);
    return services.map(predict).reduce((a, b) => (b.health > a.health ? b : a));
  }

  private readonly scores = new Map<Claim, { value: number; why: string }>();

  /** Claims are scored once: ordering the conflicts and deciding them read the same score. */
  private score(claim: Claim): { value: number; why: string } {
    let cached = this.scores.get(claim);
    if (!cached) this.scores.set(claim, (cached = this.scoreOf(claim)));
    return cached;
  }

  private scoreOf(claim: Claim): { value: number; why: string } {
    const dependents = this.graphs.get(claim.source.index)!.dependents(keyOf(claim.resource)).length;
    const p = this.prediction(claim);
    const value = this.weight(claim.source) + 0.5 * Math.log2(1 + dependents) + p.health;
    return {
      value,
      why: `${claim.source.label} ${value.toFixed(2)} (priority ${claim.source.priority}, ${dependents} dependent${dependents === 1 ? '' : 's'}, ${impactText(p)})`,
    };
  }

  /** Asks the loser's provider for another form of its resource; applies the first one no one has claimed. */
  private async adjust(loser: Claim): Promise<ResourceAllocation['adjusted']> {
    const r = this.current.get(loser.source.index)!.get(keyOf(loser.resource)) ?? loser.resource;
    const key = keyOf(r);
    const graph = this.graphs.get(loser.source.index)!;
    const dependents = graph.dependents(key);
    // Only what something of its own source still needs is worth keeping in another form.
    if (!((r.kind === 'port' && (r.service !== undefined || dependents.length)) || (r.kind === 'file' && dependents.length)))
      return undefined;
    const offers = await this.options
      .adjusterFor(loser.source)
      .alternatives({ source: loser.source, resource: r, taken: (k) => this.taken.has(k) });
    const to = offers.find((o) => !this.taken.has(keyOf(o)) && o.kind === r.kind);
    if (!to) return undefined;
    const newKey = keyOf(to);
    this.taken.add(newKey);
    this.owner.set(newKey, loser.source.index);
    const resources = this.current.get(loser.source.index)!;
    resources.delete(key);
    resources.set(newKey, to);
    const affected = dependents.map((k) => resources.get(k)).filter((x): x is Resource => x !== undefined);
    const { resources: rewritten, rewrote } = rewriteReferences(affected, r, to);
    for (const x of rewritten) resources.set(keyOf(x), x);
    return { claim: loser, to, rewrote };
  }

  /**
   * `resolve_conflict(resource_request1, resource_request2) → resource_allocation`:
   * the better-scored claim gets the key; the other is kept in another form
   * its provider accepts, or discarded (its dependents then use the winner's).
   */
  async resolveConflict(a: Claim, b: Claim): Promise<ResourceAllocation> {
    const [sa, sb] = [this.score(a), this.score(b)];
    // Equal scores go to the source named first, so the outcome never depends on the order of calls.
    const aWins = sa.value > sb.value + 1e-9 || (Math.abs(sa.value - sb.value) <= 1e-9 && a.source.index < b.source.index);
    const [granted, loser, sw, sl] = aWins ? [a, b, sa, sb] : [b, a, sb, sa];
    const rule = `AI_AGENT score: ${sw.why} over ${sl.why}`;
    return this.settle(granted, loser, rule);
  }

  private async settle(granted: Claim, loser: Claim, rule: string): Promise<ResourceAllocation> {
    const adjusted = await this.adjust(loser);
    if (adjusted) return { granted, adjusted, rule };
    // A loser's dependents go with the winner's resource (its file, its value, its package), except
    // a port: two services cannot listen on one, so what needed the loser's port is dropped.
    if (loser.resource.kind === 'port') {
      const key = keyOf(loser.resource);
      for (const dependent of this.graphs.get(loser.source.index)!.dependents(key)) {
        this.evicted.set(
          `${loser.source.index}|${dependent}`,
          `needs ${key}, which went to ${granted.source.label}, and its provider offered no other port`,
        );
      }
    }
    return { granted, discarded: loser, rule };
  }

  private record(conflict: Conflict, allocations: ResourceAllocation[], winner: Claim, explanation: string[]): Decision {
    const decision: Decision = {
      kind: conflict.kind,
      key: conflict.key,
      sources: conflict.claims.map((c) => c.source.label),
      winner: winner.source.label,
      discarded: allocations.flatMap((x) => (x.discarded ? [{ source: x.discarded.source.label, resource: x.discarded.resource }] : [])),
      adjusted: allocations.flatMap((x) =>
        x.adjusted
          ? [{ source: x.adjusted.claim.source.label, from: x.adjusted.claim.resource, to: x.adjusted.to, rewrote: x.adjusted.rewrote }]
          : [],
      ),
      rule: allocations.map((x) => x.rule).join('; '),
    };
    const moved = decision.adjusted.map(
      (x) => `${x.source} moved to ${keyOf(x.to)}${x.rewrote.length ? ` (rewrote ${x.rewrote.join(', ')})` : ''}`,
    );
    explanation.push(
      `${conflictText(conflict)} → ${winner.source.label} wins${moved.length ? `; ${moved.join('; ')}` : ''} [${decision.rule}]`,
    );
    return decision;
  }

  /** Dependency analysis, conflict detection, allocation and adjustment: every key gets one owner. */
  async allocate(): Promise<Allocation & { capacity: Conflict[] }> {
    const detection = detectConflicts(this.snapshots, this.options.limits);
    this.taken = new Set(detection.claims.keys());
    const contested = new Map(detection.conflicts.filter((c) => c.kind !== 'capacity').map((c) => [c.key, c]));
    for (const [key, claims] of detection.claims) if (!contested.has(key)) this.owner.set(key, mergeAgreeing(claims).source.index);

    const decisions: Decision[] = [];
    const explanation: string[] = [];
    // A claim's score counts everything in its source that needs it, so a dependency never scores
    // below its dependents: a winner's dependencies come with it, unless a claim stronger than the
    // whole chain holds one, and then the chain is re-pointed to it (or dropped, for a port).
    // Strongest first also gives the stronger conflicts the first pick of alternatives.
    const order = [...contested.values()]
      .map((c) => ({ c, best: Math.max(...c.claims.map((cl) => this.score(cl).value)) }))
      .sort((x, y) => y.best - x.best || (x.c.key < y.c.key ? -1 : 1));
    for (const { c } of order) {
      const allocations: ResourceAllocation[] = [];
      let granted = c.claims[0]!;
      for (const next of c.claims.slice(1)) {
        const allocation = await this.resolveConflict(granted, next);
        allocations.push(allocation);
        granted = allocation.granted;
      }
      this.owner.set(c.key, granted.source.index);
      decisions.push(this.record(c, allocations, granted, explanation));
    }
    const dropped: Dropped[] = [];
    const resources: Placed[] = [];
    for (const [key, index] of this.owner) {
      const source = this.snapshots.find((s) => s.source.index === index)!.source;
      const evicted = this.evicted.get(`${index}|${key}`);
      if (evicted) {
        dropped.push({ source: source.label, key, reason: evicted });
        explanation.push(`dropped ${key} of ${source.label}: ${evicted}`);
      } else resources.push({ source: source.label, sourceIndex: index, resource: this.current.get(index)!.get(key)! });
    }
    return { resources, decisions, dropped, explanation, capacity: detection.conflicts.filter((c) => c.kind === 'capacity') };
  }

  /**
   * `optimize_allocation(resource_allocation, performance_metrics) → optimized_allocation`:
   * chooses which optional services and volumes to keep and each service's
   * size (the tiers its provider accepts) to maximise priority-weighted
   * predicted performance minus cost within resource_limits, by MILP.
   */
  async optimizeAllocation(allocation: Allocation, impact: ImpactModel): Promise<Allocation> {
    const { limits } = this.options;
    const placements = placementsOf(this.snapshots, allocation.resources);
    const predictions = new Map<string, Prediction>();
    const sourceOf = new Map(this.snapshots.map((s) => [s.source.index, s.source]));
    const itemsPlaced = allocation.resources.filter((p) => p.resource.kind === 'service' || p.resource.kind === 'volume');
    const isItem = new Set(itemsPlaced);
    const fixed = totalsOf(allocation.resources.filter((p) => !isItem.has(p)));
    const over = overLimits(fixed, limits);
    if (over.length)
      throw new LimitsUnsatisfiable(
        `files alone exceed resource_limits (${over.join('; ')}), whatever services or volumes are dropped; raise resource_limits.disk or leave a source out`,
      );
    const itemKeys = new Set(itemsPlaced.map((p) => keyOf(p.resource)));
    const items: Item[] = [];
    const variants = new Map<string, Resource[]>();
    for (const p of itemsPlaced) {
      const source = sourceOf.get(p.sourceIndex)!;
      const key = keyOf(p.resource);
      const weight = this.weight(source);
      const needs = this.graphs
        .get(p.sourceIndex)!
        .dependencies(key)
        .filter((k) => itemKeys.has(k));
      let options: Resource[] = [p.resource];
      let toOption: (r: Resource) => ItemOption;
      if (p.resource.kind === 'service') {
        const full = p.resource;
        const offers = await this.options.adjusterFor(source).alternatives({ source, resource: full, taken: () => false });
        options = [full, ...offers.filter((o): o is ServiceResource => o.kind === 'service')];
        const prediction = predictImpact(impact, key, placements[key]!);
        predictions.set(key, prediction);
        const { health, cpuUse } = prediction;
        const need = Math.max(1e-6, full.cpu * cpuUse);
        toOption = (r) => {
          const s = r as ServiceResource;
          const performance = Math.min(1, s.cpu / need);
          return {
            label: `${formatCpu(s.cpu)}/${formatBytes(s.memory)}`,
            cpu: s.cpu,
            memory: s.memory,
            disk: 0,
            value: SERVICE_VALUE * weight * (0.5 + health) * performance - COST.cpu * s.cpu - (COST.memoryGiB * s.memory) / GiB,
          };
        };
        items.push({ id: key, options: options.map(toOption), optional: full.optional, needs });
      } else {
        const v = p.resource as Extract<Resource, { kind: 'volume' }>;
        items.push({
          id: key,
          options: [
            { label: formatBytes(v.size), cpu: 0, memory: 0, disk: v.size, value: VOLUME_VALUE * weight - (COST.diskGB * v.size) / 1e9 },
          ],
          optional: v.optional,
          needs,
        });
      }
      variants.set(key, options);
    }
    const capacity = {
      cpu: limits.cpu === undefined ? undefined : limits.cpu - fixed.cpu,
      memory: limits.memory === undefined ? undefined : limits.memory - fixed.memory,
      disk: limits.disk === undefined ? undefined : limits.disk - fixed.disk,
    };
    const choice = solveAllocation(items, capacity, this.options.solver);
    if (!choice) {
      const required = items.filter((i) => !i.optional);
      const least = (d: 'cpu' | 'memory' | 'disk') =>
        required.reduce((acc, i) => acc + Math.min(...i.options.map((o) => o[d])), 0) + fixed[d];
      throw new LimitsUnsatisfiable(
        `the required services and volumes cannot fit resource_limits whatever is dropped or shrunk: at their smallest they need ${formatCpu(least('cpu'))}, ${formatBytes(least('memory'))} memory and ${formatBytes(least('disk'))} disk; raise resource_limits or mark services/volumes optional`,
      );
    }
    const itemById = new Map(items.map((i) => [i.id, i]));
    const explanation = [...allocation.explanation];
    const dropped: Dropped[] = [...allocation.dropped];
    const resources: Placed[] = [];
    const left: { p: Placed; item: Item }[] = [];
    const resized: { p: Placed; item: Item; k: number }[] = [];
    for (const p of allocation.resources) {
      const key = keyOf(p.resource);
      if (!itemKeys.has(key)) {
        resources.push(p);
        continue;
      }
      const k = choice.picks.get(key);
      const item = itemById.get(key)!;
      if (k === null || k === undefined) {
        left.push({ p, item });
        continue;
      }
      resources.push({ ...p, resource: variants.get(key)![k]! });
      if (k > 0) resized.push({ p, item, k });
    }
    // Why, in numbers: the limit that would be broken, what the resource needs and what is left once the kept ones are counted.
    const used = totalsOf(resources);
    for (const { p, item } of left) {
      const key = keyOf(p.resource);
      const smallest = item.options.reduce((a, b) => (b.cpu + b.memory / GiB < a.cpu + a.memory / GiB ? b : a));
      const lost = item.needs.filter((n) => choice.picks.get(n) === null);
      const reason = lost.length
        ? `left out by the optimiser: it needs ${lost.join(', ')}, which was left out`
        : (limitText(limits, used, smallest, 'at its smallest') ??
          `left out by the optimiser: it fits resource_limits, but its value (${smallest.value.toFixed(2)}${valueBasis(predictions.get(key))}) does not pay for what it costs`);
      dropped.push({ source: p.source, key, reason });
      explanation.push(`optimiser: left out ${key} of ${p.source} (optional): ${reason}`);
    }
    for (const { p, item, k } of resized) {
      const [full, chosen] = [item.options[0]!, item.options[k]!];
      const withFull = { cpu: used.cpu - chosen.cpu, memory: used.memory - chosen.memory, disk: used.disk - chosen.disk };
      const why =
        limitText(limits, withFull, full, 'at full size') ??
        `chosen for value: ${chosen.value.toFixed(2)} at ${chosen.label} against ${full.value.toFixed(2)} at full size${valueBasis(predictions.get(keyOf(p.resource)))}`;
      explanation.push(`optimiser: ${keyOf(p.resource)} of ${p.source} runs at ${chosen.label} instead of ${full.label}: ${why}`);
    }
    explanation.push(`optimiser: objective ${choice.objective.toFixed(2)} over ${items.length} services and volumes`);
    const pruned = pruneMissing(resources);
    assertOnePortOwner(pruned.kept);
    for (const d of pruned.dropped) explanation.push(`dropped ${d.key} of ${d.source}: ${d.reason}`);
    return { resources: pruned.kept, decisions: allocation.decisions, dropped: [...dropped, ...pruned.dropped], explanation };
  }

  /** The whole AI_AGENT resolution: allocate and adjust, then optimise under the limits. */
  async resolve(): Promise<Resolution> {
    const { capacity, ...allocation } = await this.allocate();
    const optimized = await this.optimizeAllocation(allocation, this.options.impact);
    const kept = new Map(optimized.resources.map((p) => [`${p.sourceIndex}|${keyOf(p.resource)}`, p]));
    const decisions = [...optimized.decisions];
    for (const c of capacity) {
      const outcome = c.claims.map((cl) => ({ cl, placed: kept.get(`${cl.source.index}|${keyOf(cl.resource)}`) }));
      const survivors = outcome.filter((o) => o.placed);
      if (survivors.length === 0) continue;
      const shrunk = survivors.filter((o) => JSON.stringify(o.placed!.resource) !== JSON.stringify(o.cl.resource));
      decisions.push({
        kind: 'capacity',
        key: c.key,
        sources: c.claims.map((cl) => cl.source.label),
        winner: survivors[0]!.cl.source.label,
        discarded: outcome.filter((o) => !o.placed).map((o) => ({ source: o.cl.source.label, resource: o.cl.resource })),
        adjusted: shrunk.map((o) => ({ source: o.cl.source.label, from: o.cl.resource, to: o.placed!.resource, rewrote: [] })),
        rule:
          survivors.length === 2
            ? 'AI_AGENT optimiser: both fit at the sizes chosen'
            : 'AI_AGENT optimiser: the other service was worth less under the limits',
      });
    }
    return {
      strategy: 'AI_AGENT',
      resources: optimized.resources,
      decisions,
      dropped: optimized.dropped,
      totals: totalsOf(optimized.resources),
      explanation: optimized.explanation,
    };
  }
}
