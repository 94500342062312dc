import type { Quantity } from './quantities';

/** What the capacity models read: the quantities of a description, one figure per meaning. */
export interface Facts {
  /** Data held, GiB (per node × nodes when written per node). */
  dataGib?: number;
  /** Data that must sit in memory ("50 GB in memory", "8 GB working set"), GiB. */
  memoryGib?: number;
  /** Memory the person asks for outright ("32 GB RAM"), GiB: it overrides the model's. */
  ramGib?: number;
  /** Memory the workload ran out of ("it OOMs on a 16GB box"), GiB: it needs more than that, by an unknown margin. */
  outgrownRamGib?: number;
  /** Memory each of several processes takes ("each job: 2 cores, 4 GB RAM"), GiB: the model multiplies it. */
  ramEachGib?: number;
  /** Data arriving, GiB per day ("500 GB per day", "200 MB/s"). */
  ingestGibPerDay?: number;
  /** Of it, what was written per day or longer ("5 GB a day", "200 GB per month"): what piles up. */
  arrivalGibPerDay?: number;
  /** Of it, what was written as a rate ("1 GB/s aggregate reads", "10 Gbps"), MB/s: what moves. */
  throughputMBps?: number;
  /** What one node holds, as stated ("each node should carry ~1.8 TB"); dataGib holds it × the nodes. */
  dataPerNodeGib?: number;
  /** The average of a rate whose peak is stated beside it ("avg 5 MB/s, peaks 25 MB/s"): what retention fills with. */
  meanThroughputMBps?: number;
  /** What each person keeps, GiB: file shares and mailboxes multiply it by the people. */
  dataGibPerUser?: number;
  /** Of the rates, those written per hour or more often: already the busy hour's, not a day's mean. */
  hourlyOrFiner: Record<string, true>;
  /** Size of one message, document, row or file, bytes. */
  itemBytes?: number;
  /** Per second, by what is counted: requests, transactions, reads, writes, messages, samples, builds, videos… */
  rates: Record<string, number>;
  users: { concurrent?: number; daily?: number; monthly?: number; total?: number; perGroup?: number };
  /** Things by name, singular: sensor, series, node, server, match, column, feature, job… */
  counts: Record<string, number>;
  /** Counts written as "N each" (1000 series each, 50 features each): per entity, not totals. */
  perEntity: Record<string, number>;
  retentionDays?: number;
  windowHours?: number;
  durationEachSeconds?: number;
  intervalSeconds?: number;
  growthPctPerYear?: number;
  /** Copies of the data: RF, or replicas (search engines count replicas on top of the primary). */
  replicationFactor?: number;
  replicas?: number;
  hitRatio?: number;
  coresEach?: number;
  /** Disk operations a second the text asks for ("6000 IOPS"): they override the model's. */
  iops?: number;
  media?: { hours: number; of: 'video' | 'audio'; perSecond?: number };
  schedule?: { hoursPerDay: number; daysPerWeek: number; startHour?: number };
  /** The rates were written as the busiest moment rather than the usual level. */
  peakStated: boolean;
}

/**
 * Folds the quantities into facts. When a meaning is stated twice the larger
 * figure wins (sizing for the larger is the safe reading); a bare duration
 * with no cue is taken as the retention when nothing else claims it.
 */
export function factsOf(quantities: Quantity[], peakStated: boolean): Facts {
  const f: Facts = { rates: {}, hourlyOrFiner: {}, users: {}, counts: {}, perEntity: {}, peakStated };
  const max = (a: number | undefined, b: number) => (a === undefined ? b : Math.max(a, b));
  let perNodeGib: number | undefined;
  let ramPerNodeGib: number | undefined;
  let bareDuration: number | undefined;
  let meanItemBytes: number | undefined;
  for (const q of quantities) {
    switch (q.kind) {
      case 'data':
        if (q.scope === 'ram') f.ramGib = max(f.ramGib, q.gib);
        else if (q.scope === 'ram-per-node') ramPerNodeGib = max(ramPerNodeGib, q.gib);
        else if (q.scope === 'ram-each') f.ramEachGib = max(f.ramEachGib, q.gib);
        else if (q.scope === 'outgrown') f.outgrownRamGib = max(f.outgrownRamGib, q.gib);
        else if (q.scope === 'memory') f.memoryGib = max(f.memoryGib, q.gib);
        else if (q.scope === 'per-node') perNodeGib = max(perNodeGib, q.gib);
        // "40 features each of 8 bytes": a size under a mebibyte is one item's, never all the data.
        else if (q.gib < 1 / 1024) f.itemBytes = max(f.itemBytes, q.gib * 2 ** 30);
        else f.dataGib = max(f.dataGib, q.gib);
        break;
      case 'ingest':
        f.ingestGibPerDay = max(f.ingestGibPerDay, q.gibPerDay);
        if (q.sustained) f.throughputMBps = max(f.throughputMBps, (q.gibPerDay * 2 ** 30) / 1e6 / 86400);
        else f.arrivalGibPerDay = max(f.arrivalGibPerDay, q.gibPerDay);
        if (q.sustained && q.mean) f.meanThroughputMBps = max(f.meanThroughputMBps, (q.gibPerDay * 2 ** 30) / 1e6 / 86400);
        break;
      case 'item-size':
        if (q.mean) meanItemBytes = max(meanItemBytes, q.bytes);
        f.itemBytes = max(f.itemBytes, q.bytes);
        break;
      case 'data-per-user':
        f.dataGibPerUser = max(f.dataGibPerUser, q.gib);
        break;
      case 'rate':
        // Interactive traffic counted per day or longer is a mean: its busiest hour is ~3× (as capacity.ts's peak factor).
        f.rates[q.of] = (f.rates[q.of] ?? 0) + q.perSecond * (q.periodSeconds >= 3600 && INTERACTIVE.has(q.of) ? 3 : 1);
        if (q.periodSeconds <= 3600) f.hourlyOrFiner[q.of] = true;
        break;
      case 'users':
        // "40k concurrent connections per node" counts the machine asked for; "10 players per match", a group of them.
        if (q.per && !MACHINE.test(q.per)) f.users.perGroup = max(f.users.perGroup, q.count);
        else f.users[q.of] = max(f.users[q.of], q.count);
        break;
      case 'count':
        // "300 hosts … 1000 series each" is per host; "40000 sensors each sending …" is the total.
        if (q.each && Object.keys(f.counts).length) f.perEntity[q.of] = max(f.perEntity[q.of], q.count);
        else f.counts[q.of] = max(f.counts[q.of], q.count);
        break;
      case 'retention':
        f.retentionDays = max(f.retentionDays, q.seconds / 86400);
        break;
      case 'window':
        if (q.seconds >= 60) f.windowHours = max(f.windowHours, q.seconds / 3600);
        break;
      case 'duration-each':
        f.durationEachSeconds = max(f.durationEachSeconds, q.seconds);
        break;
      case 'interval':
        f.intervalSeconds = f.intervalSeconds === undefined ? q.seconds : Math.min(f.intervalSeconds, q.seconds);
        break;
      case 'media':
        f.media = { hours: q.hours, of: q.of, perSecond: q.perSecond };
        break;
      case 'growth':
        f.growthPctPerYear = max(f.growthPctPerYear, q.pctPerYear);
        break;
      case 'hit-ratio':
        f.hitRatio = q.share;
        break;
      case 'share-of-data':
        // "nightly incrementals ~5% of 20 TB": that share arrives every day on top of the whole.
        f.ingestGibPerDay = max(f.ingestGibPerDay, q.share * q.ofGib);
        f.arrivalGibPerDay = max(f.arrivalGibPerDay, q.share * q.ofGib);
        break;
      case 'replication':
        if (q.factor !== undefined) f.replicationFactor = max(f.replicationFactor, q.factor);
        if (q.replicas !== undefined) f.replicas = max(f.replicas, q.replicas);
        break;
      case 'iops':
        f.iops = max(f.iops, q.iops);
        break;
      case 'cores-each':
        f.coresEach = max(f.coresEach, q.cores);
        break;
      case 'duration':
        if (q.seconds >= 86400) bareDuration = max(bareDuration, q.seconds);
        break;
      case 'schedule':
        f.schedule = {
          hoursPerDay: q.hoursPerDay,
          daysPerWeek: q.daysPerWeek,
          ...(q.startHour !== undefined && { startHour: q.startHour }),
        };
        break;
    }
  }
  const nodes = f.counts.node ?? f.counts.broker ?? f.counts.server ?? f.counts.host ?? f.counts.instance ?? 1;
  if (meanItemBytes !== undefined) f.itemBytes = meanItemBytes;
  if (perNodeGib !== undefined) {
    f.dataGib = max(f.dataGib, perNodeGib * nodes);
    f.dataPerNodeGib = perNodeGib;
  }
  if (ramPerNodeGib !== undefined) f.ramGib = max(f.ramGib, ramPerNodeGib * nodes);
  if (f.retentionDays === undefined && bareDuration !== undefined) f.retentionDays = bareDuration / 86400;
  // "50k users, 10 MB of data each": what everyone keeps is the data held, for a database as for a file share.
  const people = f.users.total ?? f.users.daily ?? f.users.concurrent;
  if (f.dataGib === undefined && f.dataGibPerUser !== undefined && people) f.dataGib = f.dataGibPerUser * people;
  return f;
}

/**
 * Multipliers written in words: "maybe triple that during sales" raises the
 * stated rates to the peak; "expect it to double within a year" is 100 %
 * growth a year.
 */
export function applyWordedMultipliers(f: Facts, text: string): Facts {
  const times: Record<string, number> = {
    double: 2,
    twice: 2,
    triple: 3,
    'three times': 3,
    quadruple: 4,
    'four times': 4,
    '2x': 2,
    '3x': 3,
    '4x': 4,
    '10x': 10,
    'ten times': 10,
  };
  const peak =
    /\b(double|twice|triple|three times|quadruple|four times|2x|3x|4x|10x|ten times)\s+(?:that|this|the (?:usual|normal|average)(?: load| traffic| rate)?|normal)\b/.exec(
      text,
    );
  const out = { ...f, rates: { ...f.rates } };
  if (peak) {
    for (const k of Object.keys(out.rates)) out.rates[k]! *= times[peak[1]!]!;
    out.peakStated = true;
  }
  // "on Black Friday the volume triples", "at peak the data doubles": what it holds and serves, at its busiest.
  const surge =
    /\b(black friday|peaks?|at peak|busiest|christmas|holidays?|sales?|launch)\b[^.]{0,40}\b(?:volume|data|traffic|load|usage|memory)\s+(doubles|triples|quadruples)\b/.exec(
      text,
    );
  if (surge && !peak) {
    const factor = times[surge[2]!.slice(0, -1)]!;
    for (const k of Object.keys(out.rates)) out.rates[k]! *= factor;
    if (out.dataGib !== undefined) out.dataGib *= factor;
    if (out.memoryGib !== undefined) out.memoryGib *= factor;
    out.peakStated = true;
  }
  const grow =
    /\b(double|triple|quadruple)s?\b[^.]{0,30}\b(?:with)?in (?:a|1|one) year\b|\b(doubl|tripl)(?:e|es|ing) (?:every|each) year\b/.exec(
      text,
    );
  if (grow && out.growthPctPerYear === undefined) out.growthPctPerYear = /tripl/.test(grow[0]) ? 200 : /quadrupl/.test(grow[0]) ? 300 : 100;
  // "doubling every 6 months", "expect the player count to double within 18 months": the yearly rate that compounds to it.
  const every =
    /\b(doubl|tripl|quadrupl)(?:e|es|ed|ing)\b[^.]{0,30}?\b(?:every|each|within|in|over)\s+(?:the next\s+)?(\d+(?:\.\d+)?)\s?(y|yrs?|years?|mo|months?)\b/.exec(
      text,
    );
  if (every && out.growthPctPerYear === undefined) {
    const factor = every[1] === 'doubl' ? 2 : every[1] === 'tripl' ? 3 : 4;
    const years = Number(every[2]) / (/^mo/.test(every[3]!) ? 12 : 1);
    if (years > 0) out.growthPctPerYear = (Math.pow(factor, 1 / years) - 1) * 100;
  }
  // "expect 5x in 2y", "10x within 3 years": a multiple over a period, as the yearly rate that compounds to it.
  const multiple =
    /\b(\d+(?:\.\d+)?)\s?(?:x|×|times)\s+(?:in|within|over)\s+(?:the next\s+)?(\d+(?:\.\d+)?)\s?(y|yrs?|years?|mo|months?)\b/.exec(text);
  if (multiple && out.growthPctPerYear === undefined && Number(multiple[1]) > 1) {
    const years = Number(multiple[2]) / (/^mo/.test(multiple[3]!) ? 12 : 1);
    if (years > 0) out.growthPctPerYear = (Math.pow(Number(multiple[1]), 1 / years) - 1) * 100;
  }
  return out;
}

/**
 * How far ahead the text asks to be sized: "we want 2 years of runway",
 * "plan for 3 more years", "size it for one year out", "sized for the whole
 * period" (of what it must keep). Stated growth compounds over it.
 */
export function statedHorizonYears(text: string, retentionDays?: number): number | undefined {
  const ahead =
    /\b(?:plan(?:ning)?(?: it)? for|runway of|size[ds]?(?: it| this| the box| the disk)? for|sized? for|enough for|good for|last(?:ing)?|hold(?:ing)? up for|without resiz\w* for|tenir|prévoir)\s+(?:the next |another |at least |a further )?(\d+(?:\.\d+)?)\s?(?:more |further )?(y|yrs?|years?|mo|months?)\b/.exec(
      text,
    ) ??
    /\b(\d+(?:\.\d+)?)\s?(y|yrs?|years?|mo|months?) (?:of runway|of headroom|of growth|out|ahead|without resiz\w*)\b/.exec(text) ??
    // "expect 50% growth over 18 months", "+50% over the next 12 months", "to double within 12 months": the span the
    // growth is given for is the one to size for (not "doubling every 6 months": that is a rate).
    /(?:\b(?:growth|more|increase)|%|\b(?:doubl|tripl|quadrupl)(?:e|es|ing)\b[^.]{0,30}?)\s+(?:over|in|within)\s+(?:the next\s+)?(\d+(?:\.\d+)?|an?|one)\s?(y|yrs?|years?|mo|months?)\b/.exec(
      text,
    );
  if (ahead) {
    // "to double within a year": one.
    const count = /^(an?|one)$/.test(ahead[1]!) ? 1 : Number(ahead[1]);
    const years = count / (/^mo/.test(ahead[2]!) ? 12 : 1);
    return years > 0 && years <= 20 ? years : undefined;
  }
  if (retentionDays && /\b(whole|entire|full) (period|retention( period)?|time)\b/.test(text)) return Math.min(20, retentionDays / 365);
  return undefined;
}

const INTERACTIVE = new Set(['requests', 'queries', 'transactions', 'reads', 'writes', 'operations', 'lookups', 'searches', 'logins']);

/** A batch's window: the one stated ("by 6am"), or the hours it runs ("from 1am to 5am"). */
export const batchWindowHours = (f: Facts): number | undefined => f.windowHours ?? f.schedule?.hoursPerDay;

/** What a count "per …" of users names that is the machine itself. */
// Not "instance" or "server": "64 players per instance" is a game server's match process.
const MACHINE = /^(node|vm|box|machine|host|pod)s?$/;

/** Total rate over the nouns given, per second. */
export const rateOf = (f: Facts, ...of: string[]) => of.reduce((s, k) => s + (f.rates[k] ?? 0), 0);
