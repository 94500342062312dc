import {
  BURSTABLE_BASELINE,
  CATALOG,
  FIRST_GENERATION_FAMILIES,
  INSTANCES_BY_NAME,
  costWithoutInstance,
  monthlyCost,
  MULTI_AZ,
  NO_PRICE_DATA,
  PRICED_REGIONS,
  reservedMonthlyCost,
  SECURITY_OPTIONS,
  STORAGE_KINDS,
  storageOption,
  type Catalog,
  type InstanceType,
  type MultiAzLayout,
  type SecurityLevel,
  type SecurityOption,
  type StorageKind,
  type StorageOption,
} from './catalog';
import { describeConstraint, type UserConstraint } from './constraints';
import { describeFirewall, firewallViolations, type Protection } from './firewall';
import { ENCRYPTING_COMPLIANCE, round, type Compliance, type ResourceProfile } from './persona';
import { describeStopStart, isPartTime, scheduledMonthlyCost, stopStartOf, type PartTime, type StopStart } from './schedule';

/** What every proposal must satisfy: the analysed load with its headroom, the persona's trust boundary and budget, and the user's constraints. */
export interface Requirements {
  profile: ResourceProfile;
  /** Capacity ≥ predicted peak × headroom. */
  headroom: number;
  compliance: Compliance[];
  /** The persona's cost tolerance; absent without a persona. A cost limit of the user's own replaces it. */
  cost?: { maxHourlyUsd: number; maxMonthlyUsd: number };
  /** The request's region; a user `region` constraint replaces it. */
  region: string;
  /** Where the region came from (older negotiations: the request). */
  regionFrom?: 'request' | 'description' | 'default';
  constraints: UserConstraint[];
  /** Firewall, TLS and metadata settings every proposal carries (from the persona); older negotiations have none. */
  protection?: Protection;
  /** How long the instance is meant to live: a year or more makes reserved pricing worth showing. */
  lifecycle?: { durationDays: number };
  /** Part-time use the description states: proposals are stopped outside it and priced for the hours they run. */
  schedule?: PartTime;
  /** The persona's expected uptime: from 99.99 % on, every configuration is a primary and a replica in two zones. */
  availability?: { uptimePct: number };
}

/** The uptime one instance cannot promise: EC2's SLA is 99.5 % for one instance, 99.99 % for instances in two or more zones. */
export const MULTI_AZ_UPTIME_PCT = 99.99;

/** The layout every configuration of these requirements has: two zones for an uptime one instance cannot give, else one instance. */
export const layoutFor = (req: Pick<Requirements, 'availability'>): MultiAzLayout | undefined =>
  (req.availability?.uptimePct ?? 0) >= MULTI_AZ_UPTIME_PCT ? MULTI_AZ : undefined;

export interface Candidate {
  key: string;
  region: string;
  instance: InstanceType;
  storage: StorageOption;
  security: SecurityOption;
  hourlyUsd: number;
  monthlyUsd: number;
  /** IOPS the instance actually gets: the array's, capped by the instance's EBS limit. */
  iops: number;
  /** Capacity over predicted need in the tightest dimension. */
  headroom: number;
  /** Capacity over predicted peak in each dimension: the performance objectives. */
  ratios: { cpu: number; memory: number; iops: number; network: number };
  /** Chosen by a person although the region's price table does not list the type: the costs leave the instance out. */
  unpriced?: true;
  /** A primary and a replica in two zones, both in the cost; absent: one instance. */
  availability?: MultiAzLayout;
}

export interface Proposal {
  id: string;
  key: string;
  region: string;
  instanceType: string;
  family: string;
  vcpu: number;
  memoryGb: number;
  arch: string;
  burstable: boolean;
  storage: StorageOption;
  security: SecurityOption;
  hourlyUsd: number;
  monthlyUsd: number;
  iops: number;
  headroom: number;
  costBand: number;
  /** Why it fits, in sentences. */
  reasons: string[];
  modified?: boolean;
  /** The type has no price data in the region: hourlyUsd/monthlyUsd are storage and key only. Only ever chosen on explicit request. */
  unpriced?: true;
  /** What provisioning applies besides type, storage and key: security group both ways, TLS, IMDSv2. */
  protection?: Protection;
  /** For a lifecycle of a year or more, where the price table has it: the same configuration under a 1-year reservation. */
  reserved?: { term: '1yr-no-upfront'; monthlyUsd: number; savingPerMonthUsd: number };
  /** Stopped outside the description's part-time hours: `monthlyUsd` is for the hours it runs. */
  schedule?: StopStart;
  /** A primary and a replica of this configuration in two availability zones, both priced in hourlyUsd/monthlyUsd. */
  availability?: MultiAzLayout;
}

interface HardConstraint {
  id: string;
  /** For user constraints, the kind they came as. */
  kind?: UserConstraint['kind'];
  label: string;
  test(c: Candidate): boolean;
  /**
   * What `test` implies of the instance or the region alone, so whole
   * instances and regions are skipped before their storage × security
   * combinations are built. Each must hold whenever `test` does.
   */
  instance?(i: InstanceType): boolean;
  region?(r: string): boolean;
  /** `instance` or `region` is the whole of `test`: a configuration enumerated with the pre-filter needs no test. */
  decided?: true;
}

export interface Relaxation {
  constraint: string;
  label: string;
  /** What the constraint would have to become for the cheapest remaining configuration. */
  suggestion: string;
  proposal: Proposal;
}

export type SolveResult =
  | { ok: true; proposals: Proposal[]; feasible: number; front: number; candidates: number }
  | { ok: false; conflict: { constraints: { id: string; label: string }[]; relaxations: Relaxation[] }; candidates: number };

const keyOf = (region: string, instance: string, storage: StorageKind, security: SecurityLevel, availability?: MultiAzLayout) =>
  `${region}/${instance}/${storage}/${security}${availability ? '/multi-az' : ''}`;

const ratio = (capacity: number, need: number) => (need > 0 ? round(capacity / need, 3) : 1000);

function ratiosOf(instance: InstanceType, iops: number, p: ResourceProfile): Candidate['ratios'] {
  return {
    cpu: instance.burstable
      ? Math.min(ratio(instance.vcpu, p.cpu.peak), ratio(instance.vcpu * BURSTABLE_BASELINE, p.cpu.sustained))
      : ratio(instance.vcpu, p.cpu.peak),
    memory: ratio(instance.memoryGb, p.memoryGb.peak),
    iops: ratio(iops, p.iops.peak),
    network: Math.min(
      ratio(Math.max(instance.networkPeakGbps, instance.networkGbps), p.networkGbps.peak),
      ratio(instance.networkGbps, p.networkGbps.sustained),
    ),
  };
}

export function makeCandidate(
  region: string,
  instance: InstanceType,
  storage: StorageOption,
  security: SecurityOption,
  profile: ResourceProfile,
  opts: { allowUnpriced?: boolean; schedule?: PartTime; availability?: MultiAzLayout } = {},
): Candidate | undefined {
  const { availability } = opts;
  const priced = scheduledMonthlyCost(instance, region, storage, security, opts.schedule, availability);
  if (!priced && !opts.allowUnpriced) return undefined;
  const cost = priced ?? costWithoutInstance(storage, security, availability);
  const iops = Math.min(storage.iops, instance.ebsMaxIops || storage.iops);
  const ratios = ratiosOf(instance, iops, profile);
  const headroom = Math.min(ratios.cpu, ratios.memory, ratios.iops, ratios.network);
  return {
    key: keyOf(region, instance.name, storage.kind, security.level, availability),
    region,
    instance,
    storage,
    security,
    ...cost,
    iops,
    headroom,
    ratios,
    ...(priced ? {} : { unpriced: true as const }),
    ...(availability ? { availability } : {}),
  };
}

/**
 * Every instance type × storage layout × security option in every region of
 * the catalog that has a price there, or only those the pre-filters of
 * `constraints` let through. What depends on the instance alone (its headroom
 * in CPU, memory and network) is worked out once per instance, not per
 * combination.
 */
export function enumerate(req: Requirements, constraints: HardConstraint[] = [], catalog: Catalog = CATALOG): Candidate[] {
  const out: Candidate[] = [];
  for (const configurations of byInstance(req, constraints, catalog)) for (const c of configurations) out.push(c);
  return out;
}

/** The configurations `enumerate` makes, one instance type in one region at a time. */
function* byInstance(req: Requirements, constraints: HardConstraint[], catalog: Catalog): Generator<Candidate[]> {
  const p = req.profile;
  const iopsWanted = p.iops.peak * req.headroom;
  const instanceFilters = constraints.flatMap((h) => (h.instance ? [h.instance] : []));
  const instances = catalog.instances.filter((i) => instanceFilters.every((f) => f(i)));
  const availability = layoutFor(req);
  for (const region of catalog.regions) {
    if (!constraints.every((h) => !h.region || h.region(region))) continue;
    const storages = STORAGE_KINDS.map((kind) => storageOption(kind, region, p.storageGb, iopsWanted));
    for (const instance of instances) {
      if (instance.hourlyUsd[region] === undefined) continue;
      const out: Candidate[] = [];
      const fixed = ratiosOf(instance, 0, p);
      for (const storage of storages) {
        const iops = Math.min(storage.iops, instance.ebsMaxIops || storage.iops);
        const ratios = { cpu: fixed.cpu, memory: fixed.memory, iops: ratio(iops, p.iops.peak), network: fixed.network };
        const headroom = Math.min(ratios.cpu, ratios.memory, ratios.iops, ratios.network);
        for (const security of SECURITY_OPTIONS) {
          if (security.tenancy === 'dedicated' && !instance.dedicated) continue;
          const cost = scheduledMonthlyCost(instance, region, storage, security, req.schedule, availability)!;
          out.push({
            key: keyOf(region, instance.name, storage.kind, security.level, availability),
            region,
            instance,
            storage,
            security,
            hourlyUsd: cost.hourlyUsd,
            monthlyUsd: cost.monthlyUsd,
            iops,
            headroom,
            ratios,
            // Set directly, undefined or not: a spread per candidate costs the hot loop (toProposal leaves undefined out).
            availability,
          });
        }
      }
      yield out;
    }
  }
}

/**
 * The configurations that satisfy `constraints`, already thinned to those no
 * sibling of the same type and security beats on cost and IOPS (see
 * sameInstanceFront), with how many were made and how many were feasible.
 * Thinned one type at a time, so the configurations the front can never hold
 * are dropped as soon as they are made: over the whole catalog most are.
 */
export function feasibleConfigurations(req: Requirements, constraints: HardConstraint[], catalog: Catalog) {
  const undecided = constraints.filter((h) => !h.decided);
  const out: Candidate[] = [];
  let candidates = 0;
  let feasible = 0;
  for (const configurations of byInstance(req, constraints, catalog)) {
    candidates += configurations.length;
    const fits = configurations.filter((c) => undecided.every((h) => h.test(c)));
    feasible += fits.length;
    for (const c of sameInstanceFront(fits)) out.push(c);
  }
  return { configurations: out, candidates, feasible };
}

const fmt = (v: number) => String(round(v, 2));

/** The persona's cost tolerance when it applies: there is a persona, and the user has set no cost limit of their own. */
export function personaTolerance(req: Requirements): Requirements['cost'] {
  const own = req.constraints.some((c) => c.kind === 'maxMonthlyUsd' || c.kind === 'maxHourlyUsd');
  return own ? undefined : req.cost;
}

/** The hard constraints, each with a stable id and the sentence that names it in a conflict. */
export function hardConstraints(req: Requirements): HardConstraint[] {
  const p = req.profile;
  const h = req.headroom;
  const cpuFits = (i: InstanceType) => i.vcpu >= p.cpu.peak * h && (!i.burstable || i.vcpu * BURSTABLE_BASELINE >= p.cpu.sustained * h);
  const networkFits = (i: InstanceType) =>
    Math.max(i.networkPeakGbps, i.networkGbps) >= p.networkGbps.peak * h && i.networkGbps >= p.networkGbps.sustained;
  const out: HardConstraint[] = [
    {
      id: 'capacity.cpu',
      label: `vCPUs ≥ peak ${fmt(p.cpu.peak)} × ${h} headroom (burstable: baseline ≥ sustained ${fmt(p.cpu.sustained)} × ${h})`,
      test: (c) => cpuFits(c.instance),
      instance: (i) => cpuFits(i),
      decided: true,
    },
    {
      id: 'capacity.memory',
      label: `memory ≥ peak ${fmt(p.memoryGb.peak)} GiB × ${h}`,
      test: (c) => c.instance.memoryGb >= p.memoryGb.peak * h,
      instance: (i) => i.memoryGb >= p.memoryGb.peak * h,
      decided: true,
    },
    { id: 'capacity.iops', label: `IOPS ≥ peak ${Math.round(p.iops.peak)} × ${h}`, test: (c) => c.iops >= p.iops.peak * h },
    {
      id: 'capacity.network',
      label: `network ≥ peak ${fmt(p.networkGbps.peak)} Gbit/s × ${h}, baseline ≥ sustained ${fmt(p.networkGbps.sustained)}`,
      test: (c) => networkFits(c.instance),
      instance: (i) => networkFits(i),
      decided: true,
    },
  ];
  const named = new Set(req.constraints.flatMap((c) => (c.kind === 'families' ? c.families : [])));
  const currentGeneration = (i: InstanceType) => !FIRST_GENERATION_FAMILIES.has(i.family) || named.has(i.family);
  out.push({
    id: 'catalog.generation',
    label: `a current instance generation (${[...FIRST_GENERATION_FAMILIES].slice(0, 4).join(', ')}… only when named, e.g. "family m3")`,
    test: (c) => currentGeneration(c.instance),
    instance: currentGeneration,
    decided: true,
  });
  // The user's own cost limit ("at most 1500 per month") replaces the persona's tolerance rather than conflicting with it.
  const tolerance = personaTolerance(req);
  if (tolerance) {
    out.push(
      {
        id: 'cost.hourly',
        label: `at most $${tolerance.maxHourlyUsd}/hour (persona cost tolerance)`,
        test: (c) => c.hourlyUsd <= tolerance.maxHourlyUsd,
      },
      {
        id: 'cost.monthly',
        label: `at most $${tolerance.maxMonthlyUsd}/month (persona cost tolerance)`,
        test: (c) => c.monthlyUsd <= tolerance.maxMonthlyUsd,
      },
    );
  }
  for (const regime of req.compliance) {
    if (ENCRYPTING_COMPLIANCE.includes(regime)) {
      out.push({
        id: `compliance.${regime}`,
        label: `${regime} requires encryption at rest with a customer-managed KMS key`,
        test: (c) => c.security.rank >= 2,
      });
    }
  }
  // A regime's firewall rules hold for every configuration or for none: the firewall comes from the persona, not the catalog.
  if (req.protection) {
    const regimes = [...new Set([...req.compliance, ...req.constraints.flatMap((u) => (u.kind === 'compliance' ? [u.regime] : []))])];
    const violations = firewallViolations(req.protection.firewall, regimes);
    for (const regime of new Set(violations.map((v) => v.regime))) {
      out.push({
        id: `compliance.${regime}.firewall`,
        label: violations
          .filter((v) => v.regime === regime)
          .map((v) => v.message)
          .join('; '),
        test: () => false,
        region: () => false,
        decided: true,
      });
    }
  }
  const userRegion = [...req.constraints].reverse().find((c) => c.kind === 'region');
  if (!userRegion)
    out.push({
      id: 'request.region',
      label: `region ${req.region} (the ${req.regionFrom === 'description' ? "description's" : "request's"})${PRICED_REGIONS.includes(req.region) ? '' : `: ${NO_PRICE_DATA} there yet`}`,
      test: (c) => c.region === req.region,
      region: (r) => r === req.region,
      decided: true,
    });
  req.constraints.forEach((u, i) => {
    const test = userTest(u, req);
    if (test) out.push({ id: `user.${i}.${u.kind}`, kind: u.kind, label: describeConstraint(u), test, ...userPrefilter(u, req) });
  });
  return out;
}

/** The instance- or region-only form of a user constraint, where it is one: each is the whole of its test (see HardConstraint). */
function userPrefilter(u: UserConstraint, req: Requirements): Pick<HardConstraint, 'instance' | 'region' | 'decided'> {
  switch (u.kind) {
    case 'region':
      return [...req.constraints].reverse().find((c) => c.kind === 'region') === u ? { region: (r) => r === u.region, decided: true } : {};
    case 'noBurstable':
      return { instance: (i) => !i.burstable, decided: true };
    case 'minVcpu':
      return { instance: (i) => i.vcpu >= u.vcpu, decided: true };
    case 'minMemoryGb':
      return { instance: (i) => i.memoryGb >= u.memoryGb, decided: true };
    case 'families':
      return { instance: (i) => u.families.includes(i.family), decided: true };
    case 'excludeFamilies':
      return { instance: (i) => !u.families.includes(i.family), decided: true };
    case 'arch':
      return { instance: (i) => i.arch === u.arch, decided: true };
    default:
      return {};
  }
}

function userTest(u: UserConstraint, req: Requirements): ((c: Candidate) => boolean) | undefined {
  switch (u.kind) {
    case 'region':
      // Only the newest region constraint counts: a person who changes region replaces, not adds.
      return [...req.constraints].reverse().find((c) => c.kind === 'region') === u ? (c) => c.region === u.region : undefined;
    case 'noBurstable':
      return (c) => !c.instance.burstable;
    case 'minIops':
      return (c) => c.iops >= u.iops;
    case 'minVcpu':
      return (c) => c.instance.vcpu >= u.vcpu;
    case 'minMemoryGb':
      return (c) => c.instance.memoryGb >= u.memoryGb;
    case 'maxMonthlyUsd':
      return (c) => c.monthlyUsd <= u.usd;
    case 'maxHourlyUsd':
      return (c) => c.hourlyUsd <= u.usd;
    case 'families':
      return (c) => u.families.includes(c.instance.family);
    case 'excludeFamilies':
      return (c) => !u.families.includes(c.instance.family);
    case 'arch':
      return (c) => c.instance.arch === u.arch;
    case 'storage':
      return (c) => u.kinds.includes(c.storage.kind);
    case 'redundantStorage':
      return (c) => c.storage.redundant;
    case 'minSecurity':
      return (c) => c.security.rank >= SECURITY_OPTIONS.find((s) => s.level === u.level)!.rank;
    case 'compliance':
      return ENCRYPTING_COMPLIANCE.includes(u.regime) ? (c) => c.security.rank >= 2 : undefined;
    case 'minHeadroom':
      return (c) => c.headroom >= u.factor;
    case 'exclude': {
      const keys = new Set(u.keys);
      return (c) => !keys.has(c.key);
    }
  }
}

/**
 * a dominates b: no worse in cost, in the headroom of every dimension and in
 * security, and better in one of them.
 */
export function dominates(a: Candidate, b: Candidate): boolean {
  const ra = a.ratios;
  const rb = b.ratios;
  const noWorse =
    a.monthlyUsd <= b.monthlyUsd &&
    ra.cpu >= rb.cpu &&
    ra.memory >= rb.memory &&
    ra.iops >= rb.iops &&
    ra.network >= rb.network &&
    a.security.rank >= b.security.rank;
  return (
    noWorse &&
    (a.monthlyUsd < b.monthlyUsd ||
      ra.cpu > rb.cpu ||
      ra.memory > rb.memory ||
      ra.iops > rb.iops ||
      ra.network > rb.network ||
      a.security.rank > b.security.rank)
  );
}

/**
 * The configurations of one instance type and security option differ only in
 * storage and region: in cost and IOPS, nothing else (the type's CPU, memory
 * and network are the same in every region). Of those, keep the ones no
 * cheaper-or-equal sibling matches in IOPS (of equals, the first by key) —
 * each dropped one is dominated or duplicated, so the front is the same, and
 * over a catalog priced in many regions this leaves a small part of it for
 * the front to be searched in.
 */
function sameInstanceFront(candidates: Candidate[]): Candidate[] {
  const groups = new Map<InstanceType, Map<SecurityOption, Candidate[]>>();
  for (const c of candidates) {
    let bySecurity = groups.get(c.instance);
    if (!bySecurity) groups.set(c.instance, (bySecurity = new Map()));
    const group = bySecurity.get(c.security);
    if (group) group.push(c);
    else bySecurity.set(c.security, [c]);
  }
  const out: Candidate[] = [];
  for (const bySecurity of groups.values())
    for (const group of bySecurity.values()) {
      group.sort((a, b) => a.monthlyUsd - b.monthlyUsd || b.ratios.iops - a.ratios.iops || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      let bestIops = -Infinity;
      for (const c of group) {
        if (c.ratios.iops <= bestIops) continue;
        bestIops = c.ratios.iops;
        out.push(c);
      }
    }
  return out;
}

/** Objectives per candidate, flat: cost (lower is better), then cpu, memory, iops, network headroom and security rank (higher). */
const OBJECTIVES = 6;
/** Where each headroom (cpu, memory, iops, network) sits among a candidate's objectives. */
const HEADROOMS = [1, 2, 3, 4];

/**
 * The Pareto front over cost ↓, per-dimension headroom ↑ and security ↑
 * (of configurations with equal objectives, the first by key). Sorted by cost,
 * only a cheaper-or-equal candidate can dominate; and whatever dominates a
 * candidate is itself dominated by, or is, a member of the front so far — so
 * each candidate is compared with the front only (and, at equal cost, the
 * front with it). Only members with at least the candidate's headroom in
 * every dimension can dominate it, so the front is also kept ordered by each
 * headroom, and a candidate is compared with the members at or above it in
 * the dimension where they are fewest: one on the front stands out in some
 * dimension, so a new member (compared with every such member) meets few;
 * and a dominated one is compared nearest-first, where its dominator usually
 * is. "Dominates or equals" is "no worse in every objective", checked over
 * flat arrays: over the whole catalog this loop is the solver's hot path.
 */
export function paretoFront(candidates: Candidate[]): Candidate[] {
  const sorted = sameInstanceFront(candidates).sort(
    // Keys in code-unit order, as "first by key" means everywhere (and far cheaper than localeCompare over the whole catalog).
    (a, b) =>
      a.monthlyUsd - b.monthlyUsd ||
      b.headroom - a.headroom ||
      b.security.rank - a.security.rank ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const v = new Float64Array(sorted.length * OBJECTIVES);
  for (let i = 0, x = 0; i < sorted.length; i++, x += OBJECTIVES) {
    const c = sorted[i]!;
    v[x] = c.monthlyUsd;
    v[x + 1] = c.ratios.cpu;
    v[x + 2] = c.ratios.memory;
    v[x + 3] = c.ratios.iops;
    v[x + 4] = c.ratios.network;
    v[x + 5] = c.security.rank;
  }
  const noWorse = (a: number, b: number) => {
    const x = a * OBJECTIVES;
    const y = b * OBJECTIVES;
    return (
      v[x]! <= v[y]! &&
      v[x + 1]! >= v[y + 1]! &&
      v[x + 2]! >= v[y + 2]! &&
      v[x + 3]! >= v[y + 3]! &&
      v[x + 4]! >= v[y + 4]! &&
      v[x + 5]! >= v[y + 5]!
    );
  };
  const value = (i: number, d: number) => v[i * OBJECTIVES + d]!;
  /** The front in cost order (removed members marked), and the same members by each headroom, most first. */
  const inOrder: number[] = [];
  const removed = new Uint8Array(sorted.length);
  const byHeadroom = HEADROOMS.map(() => [] as number[]);
  /** How many members have at least this headroom in dimension d: only they can dominate. */
  const atLeast = (d: number, m: number) => {
    const members = byHeadroom[d - 1]!;
    let lo = 0;
    let hi = members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value(members[mid]!, d) >= m) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // The member that dominated last is tried first: it likely dominates the next one too.
  let last = -1;
  for (let c = 0; c < sorted.length; c++) {
    if (last >= 0 && !removed[last] && noWorse(last, c)) continue;
    // The dimension in which fewest members match the candidate: a candidate on the front is high in one, so few.
    let fewest = byHeadroom[0]!;
    let n = Infinity;
    for (const d of HEADROOMS) {
      const count = atLeast(d, value(c, d));
      if (count < n) {
        n = count;
        fewest = byHeadroom[d - 1]!;
      }
    }
    let i = n - 1;
    while (i >= 0 && !noWorse(fewest[i]!, c)) i--;
    if (i >= 0) {
      last = fewest[i]!;
      continue;
    }
    // Of equal cost, a later one can still dominate an earlier one (better in a dimension the order does not see).
    for (let j = inOrder.length - 1; j >= 0 && v[inOrder[j]! * OBJECTIVES] === v[c * OBJECTIVES]; j--) {
      const f = inOrder[j]!;
      if (removed[f] || !noWorse(c, f)) continue;
      removed[f] = 1;
      for (const members of byHeadroom) members.splice(members.indexOf(f), 1);
    }
    inOrder.push(c);
    for (const d of HEADROOMS) byHeadroom[d - 1]!.splice(atLeast(d, value(c, d)), 0, c);
  }
  return inOrder.filter((i) => !removed[i]).map((i) => sorted[i]!);
}

const band = (monthly: number, cheapest: number) => Math.floor(Math.log(monthly / Math.max(cheapest, 0.01)) / Math.log(1.5));

/**
 * k proposals from the front that differ from every one already picked in
 * instance family, storage layout or cost band: start with the cheapest,
 * then take the most novel, cheaper first among equals.
 */
export function diverse(front: Candidate[], k: number): Candidate[] {
  if (!front.length) return [];
  const cheapest = front[0]!.monthlyUsd;
  const picked: Candidate[] = [front[0]!];
  while (picked.length < k) {
    let best: { c: Candidate; novelty: number } | undefined;
    for (const c of front) {
      if (picked.includes(c)) continue;
      const novelty =
        (picked.every((p) => p.instance.family !== c.instance.family) ? 1 : 0) +
        (picked.every((p) => p.storage.kind !== c.storage.kind) ? 1 : 0) +
        (picked.every((p) => band(p.monthlyUsd, cheapest) !== band(c.monthlyUsd, cheapest)) ? 1 : 0) +
        (picked.every((p) => p.security.rank !== c.security.rank) ? 0.5 : 0);
      if (novelty > 0 && (!best || novelty > best.novelty)) best = { c, novelty };
    }
    if (!best) break;
    picked.push(best.c);
  }
  return picked;
}

/** The monthly limit a proposal's cost is within, in words: the user's own, or the persona's tolerance. */
function costLimitOf(req: Requirements): string {
  const own = req.constraints.filter((c) => c.kind === 'maxMonthlyUsd').map((c) => c.usd);
  if (own.length) return ` within your limit of $${Math.min(...own)}/month`;
  const tolerance = personaTolerance(req);
  return tolerance ? ` within the persona's $${tolerance.maxMonthlyUsd}/month tolerance` : '';
}

export function toProposal(c: Candidate, req: Requirements, id: string, cheapest = c.monthlyUsd): Proposal {
  const p = req.profile;
  const s = c.storage;
  const layout =
    s.raid === undefined ? `${s.volumeType} ${s.sizeGbEach} GiB` : `RAID ${s.raid} over ${s.volumes}× ${s.volumeType} ${s.sizeGbEach} GiB`;
  const reasons = [
    `${c.instance.vcpu} vCPUs${c.instance.burstable ? ' (burstable)' : ''} for a predicted peak of ${fmt(p.cpu.peak)} × ${req.headroom} headroom`,
    `${c.instance.memoryGb} GiB memory for a peak of ${fmt(p.memoryGb.peak)} GiB`,
    `${layout}: ${c.iops} IOPS for a peak of ${Math.round(p.iops.peak)}${s.redundant ? ', survives a volume loss' : ''}${s.pricedAs ? ` (EBS priced as in ${s.pricedAs}: ${NO_PRICE_DATA} for EBS in ${c.region})` : ''}`,
    c.security.level === 'standard'
      ? 'EBS encryption with the AWS-managed key'
      : `customer-managed KMS key, IMDSv2${c.security.tenancy === 'dedicated' ? ', dedicated tenancy' : ''}${req.compliance.length ? ` (${req.compliance.join(', ')})` : ''}`,
    ...(req.protection
      ? [
          `${describeFirewall(req.protection.firewall)}; IMDSv2 required${req.protection.inTransit === 'tls-on-instance' ? '; TLS terminated on the instance' : ''}`,
        ]
      : []),
    ...(c.availability
      ? [
          `a primary and a replica in two availability zones for the persona's ${req.availability!.uptimePct} % uptime (EC2 covers one instance for 99.5 %, instances in two zones for 99.99 %): both instances and their volumes are in the price; replication traffic between the zones ($0.01/GB each way) is not`,
        ]
      : []),
    c.unpriced
      ? `${NO_PRICE_DATA} for ${c.instance.name} in ${c.region}: $${c.monthlyUsd}/month is storage and key only, so the cost limit could not be checked (chosen on request)`
      : `$${c.monthlyUsd}/month ($${c.hourlyUsd}/hour)${costLimitOf(req)}`,
  ];
  const alwaysOn =
    isPartTime(req.schedule) && !c.unpriced ? monthlyCost(c.instance, c.region, c.storage, c.security, c.availability) : undefined;
  const schedule = alwaysOn && stopStartOf(req.schedule!, alwaysOn.monthlyUsd);
  if (schedule) reasons.push(describeStopStart(schedule, c.monthlyUsd));
  const reserved = req.lifecycle && req.lifecycle.durationDays >= 365 && !c.unpriced ? reservedOf(c) : undefined;
  if (reserved && 'monthlyUsd' in reserved)
    reasons.push(
      `meant to run ${req.lifecycle!.durationDays} days: a 1-year no-upfront reservation makes it $${reserved.monthlyUsd}/month ($${reserved.savingPerMonthUsd} less)`,
    );
  else if (reserved) reasons.push(`meant to run ${req.lifecycle!.durationDays} days: ${reserved.none}`);
  return {
    id,
    key: c.key,
    region: c.region,
    instanceType: c.instance.name,
    family: c.instance.family,
    vcpu: c.instance.vcpu,
    memoryGb: c.instance.memoryGb,
    arch: c.instance.arch,
    burstable: c.instance.burstable,
    storage: s,
    security: c.security,
    hourlyUsd: c.hourlyUsd,
    monthlyUsd: c.monthlyUsd,
    iops: c.iops,
    headroom: c.headroom,
    costBand: band(c.monthlyUsd, cheapest),
    reasons,
    ...(c.unpriced ? { unpriced: true as const } : {}),
    ...(req.protection ? { protection: req.protection } : {}),
    ...(reserved && 'monthlyUsd' in reserved ? { reserved } : {}),
    ...(schedule ? { schedule } : {}),
    ...(c.availability ? { availability: c.availability } : {}),
  };
}

/**
 * The configuration under a 1-year no-upfront reservation when the price
 * table has one that saves, or why none is shown. Spot prices are not
 * offered at all: no source the catalog reads (the Price List) carries them,
 * and an instance meant to stay up is not one to run on interruptible capacity.
 */
function reservedOf(
  c: Candidate,
): { term: '1yr-no-upfront'; monthlyUsd: number; savingPerMonthUsd: number } | { none: string } | undefined {
  if (c.security.tenancy !== 'default')
    return { none: `no reserved price data for dedicated tenancy (the price table holds shared-tenancy reservations only)` };
  const monthlyUsd = reservedMonthlyCost(c.instance, c.region, c.storage, c.security, c.availability);
  if (monthlyUsd === undefined)
    return {
      none: `no reserved price data for ${c.instance.name} in ${c.region} (\`mosaic catalog refresh\` with the region's Price List offer file adds it)`,
    };
  if (monthlyUsd >= c.monthlyUsd) return undefined;
  return { term: '1yr-no-upfront', monthlyUsd, savingPerMonthUsd: round(c.monthlyUsd - monthlyUsd, 2) };
}

const satisfiable = (candidates: Candidate[], constraints: HardConstraint[]) => candidates.some((c) => constraints.every((h) => h.test(c)));

/**
 * A minimal set of constraints that no configuration satisfies together:
 * drop each constraint in turn and keep it out if the rest still conflict.
 * What remains conflicts, and loses the conflict without any one of its members.
 */
export function minimalConflict(candidates: Candidate[], constraints: HardConstraint[]): HardConstraint[] {
  let set = [...constraints];
  for (const c of constraints) {
    const without = set.filter((x) => x !== c);
    if (!satisfiable(candidates, without)) set = without;
  }
  return set;
}

/** How a constraint no configuration meets on its own is labelled in a conflict. */
export const NOTHING_MEETS_IT = 'no configuration with price data meets it on its own';

/**
 * Every reason nothing fits, not only the first: a minimal conflict, then
 * another among the constraints left, until the rest can be met. A request
 * for an unpriced family in an unpriced region has two, and relaxing either
 * alone fits nothing.
 */
export function independentConflicts(candidates: Candidate[], constraints: HardConstraint[]): HardConstraint[][] {
  const groups: HardConstraint[][] = [];
  let rest = constraints;
  while (rest.length && !satisfiable(candidates, rest)) {
    const group = minimalConflict(candidates, rest);
    groups.push(group);
    rest = rest.filter((h) => !group.includes(h));
  }
  return groups;
}

/** At most this many ways of relaxing several conflicts at once are tried. */
const MAX_RELAXATION_COMBINATIONS = 64;

/** Each way of dropping one constraint from every group (a group with nothing tradable cannot be relaxed). */
function dropOnePerGroup(groups: HardConstraint[][]): HardConstraint[][] {
  let combos: HardConstraint[][] = [[]];
  for (const group of groups) {
    combos = combos.flatMap((combo) => group.map((h) => [...combo, h])).slice(0, MAX_RELAXATION_COMBINATIONS);
  }
  return groups.length ? combos : [];
}

function suggestion(h: HardConstraint, c: Candidate): string {
  if (h.id === 'cost.monthly' || h.kind === 'maxMonthlyUsd')
    return `raise the monthly limit to $${Math.ceil(c.monthlyUsd)} ("at most ${Math.ceil(c.monthlyUsd)} per month")`;
  if (h.id === 'cost.hourly' || h.kind === 'maxHourlyUsd')
    return `raise the hourly limit to $${round(c.hourlyUsd, 4)} ("at most ${round(c.hourlyUsd, 4)} per hour")`;
  if (h.id.startsWith('capacity.')) return `accept ${c.instance.name} with headroom ×${round(c.headroom, 2)} in its tightest dimension`;
  if (h.id === 'request.region' || h.kind === 'region') return `use region ${c.region}`;
  if (h.kind === 'minIops') return `accept ${c.iops} IOPS`;
  if (h.kind === 'exclude') return `take back the rejection of ${c.instance.name} with ${c.storage.kind}, ${c.security.level}`;
  return `drop "${h.label}" (then ${c.instance.name} with ${c.storage.kind}, ${c.security.level})`;
}

/** Proposals, or the conflict and the nearest relaxations when nothing fits. */
export function solve(
  req: Requirements,
  opts: { k?: number; idPrefix?: string; candidates?: Candidate[]; catalog?: Catalog } = {},
): SolveResult {
  const k = opts.k ?? 4;
  const prefix = opts.idPrefix ?? 'p';
  const constraints = hardConstraints(req);
  // Pre-filtered first: over the whole catalog most instances and regions fail an instance- or region-only constraint.
  // Only when nothing fits are all configurations needed, to find the conflict and the nearest relaxations.
  const given = opts.candidates?.filter((c) => constraints.every((h) => h.test(c)));
  const found = given
    ? { configurations: given, candidates: opts.candidates!.length, feasible: given.length }
    : feasibleConfigurations(req, constraints, opts.catalog ?? CATALOG);
  if (found.configurations.length) {
    const front = paretoFront(found.configurations);
    const chosen = diverse(front, k);
    const cheapest = chosen[0]!.monthlyUsd;
    return {
      ok: true,
      proposals: chosen.map((c, i) => toProposal(c, req, `${prefix}${i + 1}`, cheapest)),
      feasible: found.feasible,
      front: front.length,
      candidates: found.candidates,
    };
  }
  const candidates = opts.candidates ?? enumerate(req, [], opts.catalog);
  const groups = independentConflicts(candidates, constraints);
  const conflict = groups.flat();
  // A compliance regime is not traded away: a proposal that breaks one is never offered, not even as a relaxation.
  const tradable = groups.map((g) => g.filter((h) => !h.id.startsWith('compliance.') && h.kind !== 'compliance'));
  const relaxations = dropOnePerGroup(tradable)
    .map((dropped) => {
      const rest = constraints.filter((x) => !dropped.includes(x));
      const fits = candidates.filter((c) => rest.every((x) => x.test(c)));
      if (!fits.length) return undefined;
      const best = fits.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));
      const id = dropped.map((h) => h.id).join('+');
      return {
        constraint: id,
        label: dropped.map((h) => h.label).join(' + '),
        suggestion: dropped.map((h) => suggestion(h, best)).join(', and '),
        proposal: toProposal(best, req, `${prefix}relax-${id}`),
      };
    })
    .filter((r): r is Relaxation => r !== undefined)
    // Giving up capacity is the last resort: an instance too small for the load is rarely what anyone means.
    .sort(
      (a, b) =>
        Number(a.constraint.includes('capacity.')) - Number(b.constraint.includes('capacity.')) ||
        a.proposal.monthlyUsd - b.proposal.monthlyUsd,
    );
  // What no configuration meets even alone is said so: otherwise "family cc2" reads as clashing with something.
  const alone = (h: HardConstraint) => groups.some((g) => g.length === 1 && g[0] === h);
  return {
    ok: false,
    conflict: {
      constraints: conflict.map((h) => ({
        id: h.id,
        label: alone(h) && !h.label.includes(NO_PRICE_DATA) ? `${h.label} (${NOTHING_MEETS_IT})` : h.label,
      })),
      relaxations,
    },
    candidates: candidates.length,
  };
}

/** The changes a person may make to a proposal; anything left out stays as proposed. */
export interface ProposalChanges {
  instanceType?: string;
  storageKind?: StorageKind;
  storageGb?: number;
  iops?: number;
  security?: SecurityLevel;
  region?: string;
}

export class ProposalInvalid extends Error {
  readonly type = 'ProposalInvalid';
  constructor(message: string) {
    super(message);
    this.name = 'ProposalInvalid';
  }
}

/** A proposal changed by its reader, re-validated against every constraint and re-priced. */
export function reviseProposal(original: Proposal, changes: ProposalChanges, req: Requirements): Proposal {
  const name = changes.instanceType ?? original.instanceType;
  const instance = INSTANCES_BY_NAME.get(name);
  if (!instance) throw new ProposalInvalid(`instanceType: ${name} is not in the catalog; pick one such as m6i.large or c6g.xlarge`);
  const region = changes.region ?? original.region;
  if (!instance.regions.includes(region))
    throw new ProposalInvalid(
      `instanceType: ${name} is not offered in ${region}; it is in ${instance.regions.length <= 8 ? instance.regions.join(', ') : `${instance.regions.length} regions (mosaic catalog show ${name})`}`,
    );
  const security = SECURITY_OPTIONS.find((s) => s.level === (changes.security ?? original.security.level))!;
  if (security.tenancy === 'dedicated' && !instance.dedicated)
    throw new ProposalInvalid(`security: ${name} cannot run with dedicated tenancy`);
  const storageGb = Math.max(
    req.profile.storageGb,
    changes.storageGb ?? 0,
    original.storage.volumes && original.storage.raid === undefined ? original.storage.sizeGbEach : 0,
  );
  const storage = storageOption(
    changes.storageKind ?? original.storage.kind,
    region,
    storageGb,
    Math.max(req.profile.iops.peak * req.headroom, changes.iops ?? 0),
  );
  // A type with no price data can still be had by naming it: its cost limits cannot be checked, and the proposal says so.
  // The layout stays the one proposed: a replica is not dropped or added by changing the type.
  const candidate = makeCandidate(region, instance, storage, security, req.profile, {
    allowUnpriced: true,
    schedule: req.schedule,
    availability: original.availability,
  })!;
  const costLimit = (h: HardConstraint) => h.id.startsWith('cost.') || h.kind === 'maxMonthlyUsd' || h.kind === 'maxHourlyUsd';
  // A modified proposal may be one the reader rejected earlier, or of a first-generation family: naming it is their call.
  const violated = hardConstraints(req).filter(
    (h) => !h.id.endsWith('.exclude') && h.id !== 'catalog.generation' && !(candidate.unpriced && costLimit(h)) && !h.test(candidate),
  );
  if (violated.length) {
    throw new ProposalInvalid(
      `the modified proposal breaks ${violated.map((h) => `"${h.label}"`).join(', ')}: $${candidate.monthlyUsd}/month, headroom ×${candidate.headroom}`,
    );
  }
  return { ...toProposal(candidate, req, original.id), modified: true };
}
