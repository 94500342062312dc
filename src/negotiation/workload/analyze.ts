import type { KindGuess } from '../encoder/nearest-kind';
import type { Compliance, Role } from '../persona';
import { applyWordedMultipliers, factsOf, statedHorizonYears } from './facts';
import { readsAsLight } from './light-use';
import { recogniseKind, ROLE_OF, type WorkloadKind } from './kinds';
import { extractQuantities, type Quantity } from './quantities';
import { applyAnswers, MAX_QUESTIONS, questionFor, type Answers, type Question, type QuestionId } from './questions';
import { statedRegion, type StatedRegion } from './region';
import { complianceOf, publicIngressOf } from './security';
import { membersSharing } from './cluster-member';
import { currentUseOf, type CurrentUse } from './current-use';
import {
  boughtMachineSize,
  nearestMachineSize,
  ROOT_GIB,
  SERVER_OWN_GIB,
  size,
  TARGET_UTILISATION,
  withVolumeHeadroom,
  type Sizing,
} from './sizing';

/** One quantity as read, for people: what it measures, its normalised value and unit, and the words it came from. */
export interface ReadQuantity {
  measure: string;
  value: number;
  unit: string;
  text: string;
}

export interface WorkloadAnalysis {
  /** The persona role, or "unknown" when the text names no kind of workload the analyzer knows. */
  role: Role | 'unknown';
  kind: WorkloadKind | 'unknown';
  /** What the busiest hour needs, at least the smallest instance the kind is run on. */
  peak: Sizing['peak'];
  /** What the capacity model predicts for the busiest hour, before that floor: headroom is taken on this. */
  load: Sizing['peak'];
  /** The day's mean: peak × the kind's average share (and × the share of the week it runs, when part-time). */
  average: Sizing['peak'];
  storageGib: number;
  compliance: Compliance[];
  publicIngress: boolean;
  /** 0..1: how sure the kind is, lowered for every needed quantity that had to be assumed. */
  confidence: number;
  quantities: ReadQuantity[];
  questions: Question[];
  /** Part-time use ("9 to 5 on weekdays"): hours a week it must run, and the hour it starts when the text gives one. */
  schedule?: { hoursPerDay: number; daysPerWeek: number; startHour?: number; uptimeShare: number };
  /** The region the description says it runs in ("in eu-west-1", "hosted in Frankfurt", "EU only"). */
  region?: StatedRegion;
  /** The kind read by likeness to described workloads (the sentence encoder), when the rules found none. */
  likeness?: KindGuess;
  evidence: string[];
  notes: string[];
}

/** Longest description read (as the negotiation request's text workload): bounds the work per description. */
export const MAX_DESCRIPTION_CHARS = 2000;

/** A description the analyzer will not read, with why and what to send instead. */
export class InvalidWorkloadDescription extends Error {
  readonly type = 'InvalidWorkloadDescription';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWorkloadDescription';
  }
}

export interface AnalyzeOptions {
  answers?: Answers;
  /** The persona's expected lifetime: stated growth compounds over it (default 2 years for data, 1 otherwise). */
  lifecycleDays?: number;
  /** The sentence encoder's nearest kind (semantic-kinds.ts), used only when the rules name no kind. */
  likeness?: KindGuess;
}

/**
 * A kind read only by likeness is offered, and asked about: its confidence is
 * the similarity scaled into the range the negotiation treats as uncertain.
 */
const LIKENESS_CONFIDENCE = 0.6;

/**
 * Sizing of a workload the analyzer does not recognise: a small general-purpose box, clearly marked as a guess, whose
 * disk is the OS and a server's own (what a VPN gateway, a licence server or a bastion keeps).
 */
const UNKNOWN_SIZING: Sizing = {
  peak: { vcpu: 2, memoryGib: 4, iops: 3000, networkGbps: 0.5 },
  storageGib: ROOT_GIB + SERVER_OWN_GIB,
  averageShare: 0.33,
  assumed: [],
  notes: [],
  headroomStated: false,
};
/**
 * The smallest machine each role is run on: a capacity model's figure for a
 * light load (0.5 vCPU for a 50-user wiki) is what it uses, not what it is
 * given. Providers' smallest general-purpose production sizes are 2 vCPU with
 * 4–8 GiB (AWS m7i.large, GCP e2-standard-2, Azure D2s). An application
 * server gets that too: its runtime, workers and a deploy's second copy
 * need the room. Static files alone run on a 1 vCPU, 2 GiB burstable one
 * (t4g.small). An analytical engine wants 16 GiB to hold a query's working
 * memory (ClickHouse's and DuckDB's guidance).
 */
const LIGHT_FLOOR: Record<Role, { vcpu: number; memoryGib: number }> = {
  'web-server': { vcpu: 2, memoryGib: 4 },
  database: { vcpu: 2, memoryGib: 4 },
  analytics: { vcpu: 4, memoryGib: 16 },
  'message-queue': { vcpu: 2, memoryGib: 4 },
  cache: { vcpu: 2, memoryGib: 4 },
  'batch-worker': { vcpu: 2, memoryGib: 4 },
  'search-engine': { vcpu: 2, memoryGib: 4 },
  'realtime-server': { vcpu: 2, memoryGib: 4 },
  'file-store': { vcpu: 2, memoryGib: 4 },
};
/**
 * A stateful server in production starts larger: vendors' production minimums are 8 GiB of memory (MongoDB Atlas
 * M30, Elastic's smallest production node, RDS's db.m-class large) and 4 cores for a broker, a search node or a
 * realtime server that does its work on many connections at once (RabbitMQ's and Redpanda's production checklists).
 * Light use, said or stated (`readsAsLight`), keeps the smallest production machine above.
 */
const PRODUCTION_FLOOR: Partial<Record<Role, { vcpu: number; memoryGib: number }>> = {
  database: { vcpu: 4, memoryGib: 8 },
  'message-queue': { vcpu: 4, memoryGib: 8 },
  'search-engine': { vcpu: 4, memoryGib: 8 },
  'realtime-server': { vcpu: 4, memoryGib: 8 },
  'batch-worker': { vcpu: 4, memoryGib: 8 },
  cache: { vcpu: 2, memoryGib: 8 },
  'file-store': { vcpu: 2, memoryGib: 8 },
};
/** Roles whose memory is their data's working set: their cores follow their memory. */
const MEMORY_BOUND: ReadonlySet<Role> = new Set(['database', 'cache', 'search-engine']);
const GIB_PER_VCPU = 16;
/** Kinds whose smallest machine is not their role's. */
const KIND_FLOOR: Partial<Record<WorkloadKind, { vcpu: number; memoryGib: number }>> = {
  'static-site': { vcpu: 1, memoryGib: 2 },
  // An SFTP or upload endpoint is sshd or a form with a few MB a session, however much it keeps.
  'file-drop': LIGHT_FLOOR['file-store'],
  // A consensus store keeps a small state on a fast disk: ZooKeeper's and etcd's guides start at 2 cores, 4 GiB.
  'coordination-store': LIGHT_FLOOR.database,
};

/**
 * A host that feeds a GPU: its data loaders, decoders and the model's copy in host memory want cores and RAM beside
 * the card (the smallest single-GPU shapes clouds sell for work, AWS g5/g6.2xlarge and GCP g2-standard-8, have 8 vCPU
 * and 32 GiB). Not when the text says there is none ("CPU only", "no GPU needed", "the GPU budget got cut").
 */
const GPU_HOST_FLOOR = { vcpu: 8, memoryGib: 32 };
const GPU = /\b(gpus?|cuda|vram)\b/;
/** A card named by its model is there whatever else has none ("one A100 for training, no GPUs for inference"). */
const GPU_CARD = /\b(a100|h100|h200|l4|l40s?|a10g?|a6000|rtx ?\d{4})\b/;
const NO_GPU =
  /\b(no|without|zero)\s+(\w+\s+)?gpus?\b|\bgpus?\b[^.]{0,25}\b(not needed|not required|budget got cut|unavailable)\b|\bcpu[- ]only\b|\bgpu[- ](free|less)\b/;

/**
 * The most one instance offers in the catalogs Mosaic proposes from (AWS's
 * general-purpose and memory-optimised families top out at 192 vCPU and
 * 1.5–4 TiB; io2 Block Express volumes at 64 TiB). A figure past it is a
 * cluster's load or a figure read wrongly: the analysis says so, is less
 * sure, and asks for the figure that made it.
 */
export const ONE_INSTANCE = { vcpu: 192, memoryGib: 4096, storageGib: 65_536 };

const DATA_ROLES: ReadonlySet<Role> = new Set(['database', 'analytics', 'file-store', 'search-engine', 'message-queue']);
/** Questions whose answer changes the size most; the others are asked after them. */
const PRIMARY: ReadonlySet<QuestionId> = new Set([
  'kind',
  'dataGib',
  'peakRate',
  'concurrentUsers',
  'activeSeries',
  'retentionDays',
  'buildsPerDay',
  'videoHoursPerDay',
]);

const r = (v: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

const plural = (noun: string) => (noun === 'people' ? noun : /(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`);

const OUTGROWN_MARGIN = 4;

/** What a size measures, as the CLI and the notes name it. */
const DATA_MEASURE: Record<Extract<Quantity, { kind: 'data' }>['scope'], string> = {
  total: 'data',
  'per-node': 'data per node',
  memory: 'data in memory',
  ram: 'memory',
  'ram-per-node': 'memory per node',
  'ram-each': 'memory each',
  outgrown: 'memory outgrown',
};

function readable(q: Quantity): ReadQuantity {
  const text = q.text;
  switch (q.kind) {
    case 'data':
      return {
        measure: DATA_MEASURE[q.scope],
        value: r(q.gib),
        unit: 'GiB',
        text,
      };
    case 'ingest':
      return { measure: q.sustained ? 'throughput' : 'data arriving', value: r(q.gibPerDay), unit: 'GiB/day', text };
    case 'item-size':
      return { measure: 'item size', value: r(q.bytes, 0), unit: 'bytes', text };
    case 'data-per-user':
      return { measure: 'data per user', value: r(q.gib), unit: 'GiB', text };
    case 'rate':
      return { measure: `${q.of} rate`, value: r(q.perSecond, 4), unit: 'per second', text };
    case 'users':
      return { measure: `${q.of} ${plural(q.noun)}${q.per ? ` per ${q.per}` : ''}`, value: q.count, unit: 'users', text };
    case 'count':
      return { measure: `${q.of} count${q.each ? ' each' : ''}`, value: q.count, unit: q.of, text };
    case 'retention':
    case 'window':
    case 'duration':
      return { measure: q.kind, value: r(q.seconds / 86400, 4), unit: 'days', text };
    case 'duration-each':
      return { measure: 'duration each', value: r(q.seconds / 60, 2), unit: 'minutes', text };
    case 'interval':
      return { measure: 'interval', value: r(q.seconds, 3), unit: 'seconds', text };
    case 'media':
      return { measure: `${q.of} hours`, value: q.hours, unit: q.perSecond ? 'hours per period' : 'hours', text };
    case 'growth':
      return { measure: 'growth', value: r(q.pctPerYear, 1), unit: '% per year', text };
    case 'hit-ratio':
      return { measure: 'cache hit ratio', value: q.share, unit: 'share', text };
    case 'share-of-data':
      return { measure: 'share of data changing', value: q.share, unit: `of ${r(q.ofGib)} GiB`, text };
    case 'replication':
      return { measure: q.factor !== undefined ? 'replication factor' : 'replicas', value: q.factor ?? q.replicas!, unit: 'copies', text };
    case 'cores-each':
      return { measure: 'cores each', value: q.cores, unit: 'vCPU', text };
    case 'iops':
      return { measure: 'IOPS', value: q.iops, unit: 'IOPS', text };
    case 'schedule':
      return { measure: 'schedule', value: q.hoursPerDay * q.daysPerWeek, unit: 'hours per week', text };
  }
}

/**
 * The cores today's measured use asks for (current-use.ts): what is busy, scaled to the busiest rate the text expects
 * over the rate it was measured at, at the utilisation the models size for; a saturated machine a floor under the
 * model's figure. With the note that says what was read and what came of it.
 */
function fromCurrentUse(current: CurrentUse, quantities: Quantity[], modelVcpu: number): { vcpu: number; note: string } {
  const busiest = Math.max(0, ...quantities.flatMap((q) => (q.kind === 'rate' ? [q.perSecond] : [])));
  const scale = current.ratePerSecond && busiest > current.ratePerSecond ? busiest / current.ratePerSecond : 1;
  const measured = (current.busyVcpu * scale) / TARGET_UTILISATION;
  // Saturated, the model's figure is believed up to twice the measurement: past that the per-request model, not the
  // machine, is what is wrong.
  const vcpu = current.saturated ? Math.max(measured, Math.min(modelVcpu, 2 * measured)) : measured;
  return {
    vcpu,
    note: `measured today ("${current.text}"): ${r(current.busyVcpu, 1)} vCPU busy${current.saturated ? ' (saturated, so at least)' : ''}${scale > 1 ? `, × ${r(scale, 2)} for the busiest rate stated` : ''}, sized at ${TARGET_UTILISATION * 100} % use: ${r(vcpu, 1)} vCPU (the model gave ${r(modelVcpu, 1)})`,
  };
}

/** "same as ch-prod-01", "match or slightly exceed the existing spec", "identical to the current workers": a machine to copy. */
const SAME_MACHINE =
  /\bsame (?:spec|specs|size|shape) as\b|\bsame as (?:the |our )?(?:existing|current|other|prod\w*\b|[\w.-]*\d[\w.-]*)|\bmatch(?:es|ing)? (?:or (?:slightly )?exceed )?(?:the )?(?:existing|current|other) (?:spec|specs|size|workers?|nodes?|machines?|boxes|vms?|hosts?)\b|\bidentical to (?:the )?(?:existing|current|other)\b/;

/**
 * The workload analyzer: reads what a description states (quantities, the
 * kind of workload, compliance, exposure), applies the kind's capacity model,
 * and asks for what it needed and did not find. Pure and deterministic: the
 * same text and answers give the same analysis.
 */
export function analyzeDescription(text: string, options: AnalyzeOptions = {}): WorkloadAnalysis {
  if (typeof text !== 'string') throw new InvalidWorkloadDescription('description: expected text describing the workload');
  const trimmed = text.trim();
  if (trimmed.length < 3) throw new InvalidWorkloadDescription('description: expected a description of at least a few words');
  if (trimmed.length > MAX_DESCRIPTION_CHARS)
    throw new InvalidWorkloadDescription(
      `description: ${trimmed.length} characters, at most ${MAX_DESCRIPTION_CHARS}: describe the workload in a paragraph and give the numbers that matter`,
    );
  const extraction = extractQuantities(trimmed);
  const recognition = recogniseKind(extraction.text);
  const likeness = recognition.kind === 'unknown' && !options.answers?.kind ? options.likeness : undefined;
  const kind = options.answers?.kind ?? (likeness?.kind || recognition.kind);
  const role: Role | 'unknown' = kind === 'unknown' ? 'unknown' : ROLE_OF[kind];
  let facts = applyWordedMultipliers(factsOf(extraction.quantities, extraction.peakStated), extraction.text);
  if (options.answers) facts = applyAnswers(facts, options.answers, kind);
  const horizonYears = statedHorizonYears(extraction.text, facts.retentionDays);
  const lifecycleYears =
    options.lifecycleDays !== undefined
      ? options.lifecycleDays / 365
      : (horizonYears ?? (role !== 'unknown' && DATA_ROLES.has(role) ? 2 : 1));
  const sizing = { ...(kind === 'unknown' ? UNKNOWN_SIZING : size(kind, { facts, text: extraction.text, lifecycleYears })) };
  // A measurement of today's machines is better evidence of the cores than the model's formula.
  const current = kind !== 'unknown' ? currentUseOf(extraction.text) : undefined;
  const measured = current && fromCurrentUse(current, extraction.quantities, sizing.peak.vcpu);
  // Where memory is not what the workload holds but what its processes take, the model's memory for cores the
  // measurement shows are not needed goes with them (only down: what its processes take a core is the model's).
  if (measured) {
    const fewer = role !== 'unknown' && !MEMORY_BOUND.has(role) ? Math.min(1, measured.vcpu / sizing.peak.vcpu) : 1;
    sizing.peak = { ...sizing.peak, vcpu: measured.vcpu, memoryGib: sizing.peak.memoryGib * fewer };
  }
  const shared = membersSharing(kind, facts, extraction.text);
  if (shared.members > 1) {
    const n = shared.members;
    const p = sizing.peak;
    sizing.peak = { vcpu: p.vcpu / n, memoryGib: p.memoryGib / n, iops: p.iops / n, networkGbps: p.networkGbps / n };
    // "~2 TB of data per node" with no node count to multiply it by: already one member's share.
    const onePerNode = (facts.counts.node ?? 1) <= 1 && extraction.quantities.some((q) => q.kind === 'data' && q.scope === 'per-node');
    // A web service's instances each keep their own logs and release: its traffic is shared, its disk is not.
    if (!onePerNode && kind !== 'web-application') sizing.storageGib = ROOT_GIB + (sizing.storageGib - ROOT_GIB) / n;
  }

  const notes = [...sizing.notes];
  if (measured) notes.push(measured.note);
  if (shared.members > 1) notes.push(`sized for one ${shared.noun} of ${shared.members}: the cluster's load and data shared among them`);
  const assumed = [...sizing.assumed];
  if (kind === 'unknown')
    assumed.unshift({
      question: 'kind',
      note: 'the description names no kind of workload the analyzer knows: a small general-purpose instance assumed',
    });
  else if (likeness)
    assumed.unshift({
      question: 'kind',
      note: `the description names no kind the rules know; it reads most like ${likeness.kind} ("${likeness.exemplar}", similarity ${likeness.similarity}${likeness.runnerUp ? `; next ${likeness.runnerUp.kind} at ${likeness.runnerUp.similarity}` : ''}): sized as one`,
    });
  const answered = new Set(Object.keys(options.answers ?? {}));
  const open = assumed.filter((a) => !answered.has(a.question));
  const questions = [...open.filter((a) => PRIMARY.has(a.question)), ...open.filter((a) => !PRIMARY.has(a.question))]
    .slice(0, MAX_QUESTIONS)
    .map((a) => questionFor(a.question, kind, a.note));
  for (const a of assumed) notes.push(a.note);
  if (extraction.ranges.length) notes.push(`sized for the top of ${extraction.ranges.map((x) => `"${x.text}"`).join(', ')}`);
  const stated = statedRegion(trimmed);
  if (stated?.others.length)
    notes.push(
      `names several regions: used ${stated.region} ("${stated.text}"), not ${stated.others.map((o) => `${o.region} ("${o.text}")`).join(', ')}`,
    );
  if (extraction.vague.length) notes.push(`read vague amounts as figures: ${extraction.vague.map((v) => `"${v}"`).join(', ')}`);

  const kindConfidence = options.answers?.kind ? 1 : likeness ? likeness.similarity * LIKENESS_CONFIDENCE : recognition.confidence;
  const missingPrimary = open.filter((a) => PRIMARY.has(a.question) && a.question !== 'kind').length;
  const confidence =
    kind === 'unknown' ? 0 : kindConfidence * Math.max(0.3, 1 - 0.2 * missingPrimary) * (extraction.vague.length ? 0.9 : 1);

  const schedule = facts.schedule && {
    ...facts.schedule,
    uptimeShare: r((facts.schedule.hoursPerDay * facts.schedule.daysPerWeek) / 168, 3),
  };
  const share = sizing.averageShare * (schedule ? schedule.uptimeShare : 1);
  if (schedule)
    notes.push(
      `runs ${schedule.hoursPerDay} h a day, ${schedule.daysPerWeek} days a week (${Math.round(schedule.uptimeShare * 100)} % of the week)`,
    );
  if (facts.iops !== undefined && kind !== 'unknown') {
    notes.push(`IOPS as stated: ${Math.round(facts.iops)} (the model gave ${Math.round(sizing.peak.iops)})`);
    sizing.peak = { ...sizing.peak, iops: facts.iops };
  }
  if (facts.ramGib !== undefined && kind !== 'unknown') {
    notes.push(`memory as stated: ${r(facts.ramGib, 1)} GiB (the model gave ${r(sizing.peak.memoryGib, 1)})`);
    sizing.peak = { ...sizing.peak, memoryGib: facts.ramGib };
  }
  // "Same as ch-prod-01 which is 32 vCPU / 128 GB", "please match or slightly exceed the existing spec": the machine the
  // text points to is the ask, at the least.
  const matched = SAME_MACHINE.test(extraction.text) && kind !== 'unknown' ? facts.coresEach : undefined;
  if (matched !== undefined) {
    const memoryGib = Math.max(sizing.peak.memoryGib, facts.ramEachGib ?? facts.ramGib ?? 0);
    notes.push(
      `as the machine it is to match: at least ${matched} vCPU${memoryGib > sizing.peak.memoryGib ? ` and ${r(memoryGib, 1)} GiB` : ''}`,
    );
    sizing.peak = { ...sizing.peak, vcpu: Math.max(sizing.peak.vcpu, matched), memoryGib };
  }
  // "It OOMs on a 16 GB box": more than that, by a margin nobody measured. Four times it, as pandas' guide asks 5–10× a
  // data set's size in RAM and a job that ran out of 16 GiB holds at least a large part of that.
  if (facts.outgrownRamGib !== undefined && kind !== 'unknown' && sizing.peak.memoryGib < facts.outgrownRamGib * OUTGROWN_MARGIN) {
    notes.push(
      `memory: ${r(facts.outgrownRamGib, 1)} GiB was outgrown, so ${OUTGROWN_MARGIN}× it (the model gave ${r(sizing.peak.memoryGib, 1)})`,
    );
    sizing.peak = { ...sizing.peak, memoryGib: facts.outgrownRamGib * OUTGROWN_MARGIN };
  }
  // The load the model predicts, before the floor and the cap: what the average is drawn from.
  const load = sizing.peak;
  if (role !== 'unknown') {
    // Light use gets the smallest production machine; anything else its technology's production size, or its role's.
    const light = readsAsLight(extraction.text, facts);
    const named = (kind !== 'unknown' && KIND_FLOOR[kind]) || (!light && (sizing.floor ?? PRODUCTION_FLOOR[role])) || LIGHT_FLOOR[role];
    const gpu = GPU_CARD.test(extraction.text) || (GPU.test(extraction.text) && !NO_GPU.test(extraction.text));
    const floor = gpu
      ? { vcpu: Math.max(named.vcpu, GPU_HOST_FLOOR.vcpu), memoryGib: Math.max(named.memoryGib, GPU_HOST_FLOOR.memoryGib) }
      : named;
    if (load.vcpu < floor.vcpu || load.memoryGib < floor.memoryGib)
      notes.push(
        `the load needs ${r(load.vcpu, 2)} vCPU and ${r(load.memoryGib, 1)} GiB; sized at least ${floor.vcpu} vCPU and ${floor.memoryGib} GiB, the smallest instance a ${kind} is run on`,
      );
    const memoryGib = Math.max(load.memoryGib, floor.memoryGib);
    // Memory is bought with cores: the high-memory families give 16 GiB a vCPU (AWS x2gd and x8g, GCP m-series
    // ratios; the r-families give 8), so a store that must hold 160 GiB is on a machine of 8 vCPU or more whatever
    // its queries need, and works its cache with them. Machines come in sizes that double, and a store is put on the
    // one nearest its memory: 46 GiB on the 4-vCPU 64 GiB machine, 129.6 GiB on the 8-vCPU 128 GiB one (its cache a
    // little smaller), not 2.9 or 8.1 vCPU. Caches run on the r-families (ElastiCache's and MemoryDB's nodes are
    // cache.r and db.r types): 8 GiB a vCPU, so a 38 GiB cache is on the 4-vCPU 32 GiB machine's shape.
    const paired = MEMORY_BOUND.has(role) ? nearestMachineSize(memoryGib / (role === 'cache' ? 8 : GIB_PER_VCPU)) : 0;
    sizing.peak = { ...load, vcpu: Math.max(load.vcpu, floor.vcpu, paired), memoryGib };
  }
  // Cores and memory are bought in machine sizes (boughtMachineSize). What the text states, or a machine it points to,
  // stays as written; past what one machine has, the figure is a cluster's load (or a misreading, see below).
  if (role !== 'unknown' && matched === undefined) {
    const bought = (need: number, smallest: number, largest: number) => {
      const size = boughtMachineSize(need);
      return need > smallest && size <= largest ? size : need;
    };
    sizing.peak = {
      ...sizing.peak,
      vcpu: bought(sizing.peak.vcpu, 2, ONE_INSTANCE.vcpu),
      memoryGib: facts.ramGib === undefined ? bought(sizing.peak.memoryGib, 8, ONE_INSTANCE.memoryGib) : sizing.peak.memoryGib,
    };
  }
  const over = (['vcpu', 'memoryGib', 'storageGib'] as const).filter(
    (d) => (d === 'storageGib' ? sizing.storageGib : sizing.peak[d]) > ONE_INSTANCE[d],
  );
  if (over.length) {
    const need = {
      vcpu: `${Math.round(sizing.peak.vcpu)} vCPU`,
      memoryGib: `${Math.round(sizing.peak.memoryGib)} GiB of memory`,
      storageGib: `${Math.round(sizing.storageGib)} GiB of storage`,
    };
    notes.push(
      `the figures read need ${over.map((d) => need[d]).join(' and ')}, more than one instance has (${ONE_INSTANCE.vcpu} vCPU, ${ONE_INSTANCE.memoryGib} GiB, ${ONE_INSTANCE.storageGib} GiB): a cluster's load, or a figure read wrongly`,
    );
    // The figure that most likely made it, asked first: who is counted at once, what is held, or the rate.
    const suspect: QuestionId = Object.keys(facts.users).length ? 'concurrentUsers' : over.includes('storageGib') ? 'dataGib' : 'peakRate';
    if (!answered.has(suspect) && !questions.some((q) => q.id === suspect))
      questions.splice(0, questions.length, ...[questionFor(suspect, kind, notes.at(-1)!), ...questions].slice(0, MAX_QUESTIONS));
  }
  const round = (p: Sizing['peak']) => ({
    vcpu: r(p.vcpu, 2),
    memoryGib: r(p.memoryGib, 1),
    iops: Math.round(p.iops),
    networkGbps: r(p.networkGbps, 3),
  });
  const peak = round(sizing.peak);
  return {
    role,
    kind,
    peak,
    load: round(load),
    average: round({
      vcpu: load.vcpu * share,
      // Memory stays allocated while the service runs: its average is the peak.
      memoryGib: sizing.peak.memoryGib,
      iops: load.iops * share,
      networkGbps: load.networkGbps * share,
    }),
    storageGib: Math.ceil(sizing.headroomStated ? sizing.storageGib : withVolumeHeadroom(sizing.storageGib)),
    compliance: complianceOf(extraction.text),
    publicIngress: publicIngressOf(extraction.text, kind),
    confidence: r(over.length ? confidence * 0.5 : confidence, 3),
    quantities: extraction.quantities.map(readable),
    questions,
    schedule,
    region: stated && { region: stated.region, text: stated.text },
    likeness,
    evidence: likeness ? [`reads like "${likeness.exemplar}" (sentence encoder, similarity ${likeness.similarity})`] : recognition.evidence,
    notes,
  };
}
