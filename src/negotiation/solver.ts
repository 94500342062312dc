import {
  BURSTABLE_BASELINE,
  CATALOG,
  INSTANCES_BY_NAME,
  monthlyCost,
  SECURITY_OPTIONS,
  STORAGE_KINDS,
  storageOption,
  type InstanceType,
  type SecurityLevel,
  type SecurityOption,
  type StorageKind,
  type StorageOption,
} from './catalog';
import { describeConstraint, type UserConstraint } from './constraints';
import { ENCRYPTING_COMPLIANCE, round, type Compliance, type ResourceProfile } from './persona';

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
  constraints: UserConstraint[];
}

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
}

interface HardConstraint {
  id: string;
  /** For user constraints, the kind they came as. */
  kind?: UserConstraint['kind'];
  label: string;
  test(c: Candidate): boolean;
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

const keyOf = (region: string, instance: string, storage: StorageKind, security: SecurityLevel) =>
  `${region}/${instance}/${storage}/${security}`;

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
): Candidate | undefined {
  const cost = monthlyCost(instance, region, storage, security);
  if (!cost) return undefined;
  const iops = Math.min(storage.iops, instance.ebsMaxIops || storage.iops);
  const ratios = ratiosOf(instance, iops, profile);
  const headroom = Math.min(ratios.cpu, ratios.memory, ratios.iops, ratios.network);
  return {
    key: keyOf(region, instance.name, storage.kind, security.level),
    region,
    instance,
    storage,
    security,
    ...cost,
    iops,
    headroom,
    ratios,
  };
}

/**
 * Every instance type × storage layout × security option in every region of
 * the catalog. What depends on the instance alone (its headroom in CPU,
 * memory and network) is worked out once per instance, not per combination.
 */
export function enumerate(req: Requirements): Candidate[] {
  const out: Candidate[] = [];
  const p = req.profile;
  const iopsWanted = p.iops.peak * req.headroom;
  for (const region of CATALOG.regions) {
    const storages = STORAGE_KINDS.map((kind) => storageOption(kind, region, p.storageGb, iopsWanted));
    for (const instance of CATALOG.instances) {
      if (instance.hourlyUsd[region] === undefined) continue;
      const fixed = ratiosOf(instance, 0, p);
      for (const storage of storages) {
        const iops = Math.min(storage.iops, instance.ebsMaxIops || storage.iops);
        const ratios = { cpu: fixed.cpu, memory: fixed.memory, iops: ratio(iops, p.iops.peak), network: fixed.network };
        const headroom = Math.min(ratios.cpu, ratios.memory, ratios.iops, ratios.network);
        for (const security of SECURITY_OPTIONS) {
          if (security.tenancy === 'dedicated' && !instance.dedicated) continue;
          const cost = monthlyCost(instance, region, storage, security)!;
          out.push({
            key: keyOf(region, instance.name, storage.kind, security.level),
            region,
            instance,
            storage,
            security,
            hourlyUsd: cost.hourlyUsd,
            monthlyUsd: cost.monthlyUsd,
            iops,
            headroom,
            ratios,
          });
        }
      }
    }
  }
  return out;
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
  const out: HardConstraint[] = [
    {
      id: 'capacity.cpu',
      label: `vCPUs ≥ peak ${fmt(p.cpu.peak)} × ${h} headroom (burstable: baseline ≥ sustained ${fmt(p.cpu.sustained)} × ${h})`,
      test: (c) =>
        c.instance.vcpu >= p.cpu.peak * h && (!c.instance.burstable || c.instance.vcpu * BURSTABLE_BASELINE >= p.cpu.sustained * h),
    },
    {
      id: 'capacity.memory',
      label: `memory ≥ peak ${fmt(p.memoryGb.peak)} GiB × ${h}`,
      test: (c) => c.instance.memoryGb >= p.memoryGb.peak * h,
    },
    { id: 'capacity.iops', label: `IOPS ≥ peak ${Math.round(p.iops.peak)} × ${h}`, test: (c) => c.iops >= p.iops.peak * h },
    {
      id: 'capacity.network',
      label: `network ≥ peak ${fmt(p.networkGbps.peak)} Gbit/s × ${h}, baseline ≥ sustained ${fmt(p.networkGbps.sustained)}`,
      test: (c) =>
        Math.max(c.instance.networkPeakGbps, c.instance.networkGbps) >= p.networkGbps.peak * h &&
        c.instance.networkGbps >= p.networkGbps.sustained,
    },
  ];
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
  const userRegion = [...req.constraints].reverse().find((c) => c.kind === 'region');
  if (!userRegion) out.push({ id: 'request.region', label: `region ${req.region} (the request's)`, test: (c) => c.region === req.region });
  req.constraints.forEach((u, i) => {
    const test = userTest(u, req);
    if (test) out.push({ id: `user.${i}.${u.kind}`, kind: u.kind, label: describeConstraint(u), test });
  });
  return out;
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

const sameObjectives = (a: Candidate, b: Candidate) =>
  a.monthlyUsd === b.monthlyUsd &&
  a.security.rank === b.security.rank &&
  a.ratios.cpu === b.ratios.cpu &&
  a.ratios.memory === b.ratios.memory &&
  a.ratios.iops === b.ratios.iops &&
  a.ratios.network === b.ratios.network;

/**
 * The Pareto front over cost ↓, per-dimension headroom ↑ and security ↑
 * (of configurations with equal objectives, the first by key). Sorted by cost,
 * only a cheaper-or-equal candidate can dominate; and whatever dominates a
 * candidate is itself dominated by, or is, a member of the front so far — so
 * each candidate is compared with the front only (and, at equal cost, the
 * front with it).
 */
export function paretoFront(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort(
    (a, b) => a.monthlyUsd - b.monthlyUsd || b.headroom - a.headroom || b.security.rank - a.security.rank || a.key.localeCompare(b.key),
  );
  let front: Candidate[] = [];
  // The same members in the order to probe them: the last one to dominate goes first, as it likely dominates the next too.
  let probe: Candidate[] = [];
  for (const c of sorted) {
    const i = probe.findIndex((f) => dominates(f, c) || sameObjectives(f, c));
    if (i >= 0) {
      if (i > 0) probe.unshift(...probe.splice(i, 1));
      continue;
    }
    // Of equal cost, a later one can still dominate an earlier one (better in a dimension the order does not see).
    if (front.length && front[front.length - 1]!.monthlyUsd === c.monthlyUsd) {
      front = front.filter((f) => !dominates(c, f));
      probe = probe.filter((f) => !dominates(c, f));
    }
    front.push(c);
    probe.push(c);
  }
  return front;
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
    `${layout}: ${c.iops} IOPS for a peak of ${Math.round(p.iops.peak)}${s.redundant ? ', survives a volume loss' : ''}`,
    c.security.level === 'standard'
      ? 'EBS encryption with the AWS-managed key'
      : `customer-managed KMS key, IMDSv2${c.security.tenancy === 'dedicated' ? ', dedicated tenancy' : ''}${req.compliance.length ? ` (${req.compliance.join(', ')})` : ''}`,
    `$${c.monthlyUsd}/month ($${c.hourlyUsd}/hour)${costLimitOf(req)}`,
  ];
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
  };
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
export function solve(req: Requirements, opts: { k?: number; idPrefix?: string; candidates?: Candidate[] } = {}): SolveResult {
  const k = opts.k ?? 4;
  const prefix = opts.idPrefix ?? 'p';
  const candidates = opts.candidates ?? enumerate(req);
  const constraints = hardConstraints(req);
  const feasible = candidates.filter((c) => constraints.every((h) => h.test(c)));
  if (feasible.length) {
    const front = paretoFront(feasible);
    const chosen = diverse(front, k);
    const cheapest = chosen[0]!.monthlyUsd;
    return {
      ok: true,
      proposals: chosen.map((c, i) => toProposal(c, req, `${prefix}${i + 1}`, cheapest)),
      feasible: feasible.length,
      front: front.length,
      candidates: candidates.length,
    };
  }
  const conflict = minimalConflict(candidates, constraints);
  const relaxations = conflict
    .map((h) => {
      const rest = constraints.filter((x) => x !== h);
      const fits = candidates.filter((c) => rest.every((x) => x.test(c)));
      if (!fits.length) return undefined;
      const best = fits.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));
      return {
        constraint: h.id,
        label: h.label,
        suggestion: suggestion(h, best),
        proposal: toProposal(best, req, `${prefix}relax-${h.id}`),
      };
    })
    .filter((r): r is Relaxation => r !== undefined)
    // Giving up capacity is the last resort: an instance too small for the load is rarely what anyone means.
    .sort(
      (a, b) =>
        Number(a.constraint.startsWith('capacity.')) - Number(b.constraint.startsWith('capacity.')) ||
        a.proposal.monthlyUsd - b.proposal.monthlyUsd,
    );
  return {
    ok: false,
    conflict: { constraints: conflict.map(({ id, label }) => ({ id, label })), relaxations },
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
  if (instance.hourlyUsd[region] === undefined)
    throw new ProposalInvalid(
      `instanceType: ${name} has no price in ${region}; the catalog prices it in ${Object.keys(instance.hourlyUsd).join(', ')}`,
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
  const candidate = makeCandidate(region, instance, storage, security, req.profile)!;
  // A modified proposal may be one the reader rejected earlier: choosing it again is their call.
  const violated = hardConstraints(req).filter((h) => !h.id.endsWith('.exclude') && !h.test(candidate));
  if (violated.length) {
    throw new ProposalInvalid(
      `the modified proposal breaks ${violated.map((h) => `"${h.label}"`).join(', ')}: $${candidate.monthlyUsd}/month, headroom ×${candidate.headroom}`,
    );
  }
  return { ...toProposal(candidate, req, original.id), modified: true };
}
