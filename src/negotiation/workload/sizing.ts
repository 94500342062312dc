import { batchWindowHours, factsOf, rateOf, type Facts } from './facts';
import { CASUAL_GAME, CONNECTION_POOLER, DNS_SERVER, MEDIA_RELAY, type WorkloadKind } from './kinds';
import { DOES_LITTLE } from './light-use';
import { extractQuantities } from './quantities';
import type { QuestionId } from './questions';

/** What a capacity model predicts for the busiest hour, and what it had to assume. */
export interface Sizing {
  peak: { vcpu: number; memoryGib: number; iops: number; networkGbps: number };
  storageGib: number;
  /** Average load over the peak, 0..1: how the day's series is drawn. */
  averageShare: number;
  /** Quantities the text did not state, with the default used: each may become a question. */
  assumed: { question: QuestionId; note: string }[];
  notes: string[];
  /** The smallest machine this technology is run on in production, when it is larger than its role's. */
  floor?: { vcpu: number; memoryGib: number };
  /** The text named the disk's headroom ("keep ~50% free for compaction"): it is in storageGib, and no volume headroom goes on top. */
  headroomStated: boolean;
}

export interface SizingInput {
  facts: Facts;
  /** The normalised description: some models read a word or two (a product, "heavy queries"). */
  text: string;
  /** How long the instance is expected to live: stated growth compounds over it. */
  lifecycleYears: number;
}

const GIB = 2 ** 30;
const DAY = 86400;
/** The root volume every instance has before any data (as capacity.ts). */
export const ROOT_GIB = 20;

/**
 * One machine's data volume is provisioned so that what the models size fills
 * it to about three quarters: where disk alerts fire, with room for what no
 * model sees (a reindex or a restore beside the live copy, growth above plan).
 * Six reviewers' ranges sat above the bare figures in 89 of 117 storage
 * misses. The first 32 GiB of data are left as they are: a small volume's
 * range is tight, and its headroom is the root disk's.
 */
export const VOLUME_HEADROOM = 1.3;
export const BARE_GIB = 32;
export const withVolumeHeadroom = (storageGib: number): number =>
  storageGib + (VOLUME_HEADROOM - 1) * Math.max(0, storageGib - ROOT_GIB - BARE_GIB);
/**
 * Machines come in sizes that double (1, 2, 4, 8 … vCPU; 8, 16, 32 … GiB). The size nearest a figure, in proportion
 * (46 GiB is nearer 64 than 32), for a figure that picks a machine's shape.
 */
export const nearestMachineSize = (figure: number): number => 2 ** Math.round(Math.log2(Math.max(1, figure)));
/**
 * The size a need is bought as: the one that holds it, or the one below when that holds four fifths of it (the
 * models' figures are rules of thumb, and the next size doubles the price).
 */
export const boughtMachineSize = (need: number): number => 2 ** Math.ceil(Math.log2(need) - Math.log2(1.25));
/** A server's own disk beside the OS: its releases or container images, temp files, a few days of logs. */
export const SERVER_OWN_GIB = 10;
/** Servers are sized so the busiest hour runs them at 70 % CPU (as capacity.ts). */
export const TARGET_UTILISATION = 0.7;
/** Busiest hour over the daily mean for interactive traffic (as capacity.ts's default peak factor). */
const PEAK_FACTOR = 3;

type Model = (
  input: SizingInput,
  ctx: Context,
) => Omit<Sizing, 'assumed' | 'notes' | 'averageShare' | 'headroomStated'> & {
  averageShare?: number;
};

class Context {
  readonly assumed: Sizing['assumed'] = [];
  readonly notes: string[] = [];
  headroomStated = false;
  constructor(private readonly input: SizingInput) {}
  /** The share of the disk kept free, as the text asks ("we want 40% free space"), else the model's typical share. */
  freeShare(typical: number): number {
    return this.stated(freeShareOf(this.input.text), typical);
  }
  /** How full the disk may get, as the text asks ("keep disk utilization under ~70%"), else the model's typical share. */
  fullShare(typical: number): number {
    return this.stated(fullShareOf(this.input.text), typical);
  }
  private stated(share: number | undefined, typical: number): number {
    if (share === undefined) return typical;
    this.headroomStated = true;
    return share;
  }
  /** A figure the text did not give: the default is used and the question recorded. */
  assume<T>(question: QuestionId, value: T, note: string): T {
    if (!this.assumed.some((a) => a.question === question)) this.assumed.push({ question, note });
    return value;
  }
  note(text: string): void {
    this.notes.push(text);
  }
  /** Stated growth compounded over the lifecycle: what the data will be at the end. */
  grown(gib: number, keepsArrivals = false): number {
    const f = this.input.facts;
    const years = this.input.lifecycleYears;
    let out = gib;
    if (f.growthPctPerYear) {
      const factor = Math.pow(1 + f.growthPctPerYear / 100, years);
      this.note(`data grows ${Math.round(f.growthPctPerYear)}% a year: ×${factor.toFixed(2)} over ${years} years`);
      out *= factor;
    }
    // Stores that keep what arrives ("growing by 10 GB a month") hold the lifecycle's arrivals too.
    if (keepsArrivals && f.arrivalGibPerDay && f.dataGib) {
      const days = Math.min(f.retentionDays ?? Infinity, years * 365);
      this.note(
        `${f.arrivalGibPerDay.toFixed(1)} GiB arrive a day: +${Math.round(f.arrivalGibPerDay * days)} GiB over ${Math.round(days)} days`,
      );
      out += f.arrivalGibPerDay * days;
    }
    return out;
  }
  /** A default scaled by the size the text gives in words ("a small shop", "a large web app"), as the template corpus spoke of size. */
  scaled(base: number): number {
    const t = this.input.text;
    const factor =
      /\b(tiny|hobby|personal|toy)\b/.test(t) || DOES_LITTLE.test(t)
        ? 0.1
        : /\b(huge|massive|very large|global|enormous)\b/.test(t)
          ? 100
          : /\b(large|big|busy|high[- ]traffic|popular)\b/.test(t)
            ? 20
            : /\b(medium|mid-sized|moderate)\b/.test(t)
              ? 4
              : /\b(small|little|modest|low[- ]traffic)\b/.test(t)
                ? 0.5
                : 1;
    return base * factor;
  }
}

const bytesPerSecondToGbps = (bps: number) => (bps * 8) / 1e9;

/** Counted things that are the machines, not what they hold. */
const MACHINES: ReadonlySet<string> = new Set([
  'node',
  'broker',
  'server',
  'replica',
  'shard',
  'instance',
  'cluster',
  'host',
  'vm',
  'member',
  'core',
  'worker',
]);

/** "no replication", "single-node", "RF=1": one copy, whatever the product's default. */
const ONE_COPY = /\b(no|without) (replication|replicas?)\b|\bsingle[- ]node\b|\b(rf|replication factor)\s*(=|of|:)?\s*1\b(?!\.\d)/;

/**
 * The compression a text states for its data ("ClickHouse gives us ~10x
 * compression", "compresses 4:1"), 1 when it says the figures are already
 * compressed, or the kind's typical ratio.
 */
export function compressionOf(text: string, typical: number): number {
  if (
    /\balready compressed\b|\bcompressed (columnar|parquet|orc|size)\b|\b(after|post)[- ]compression\b|\bcompressed,? (in total|today|on disk)\b/.test(
      text,
    )
  )
    return 1;
  const stated =
    /\b(\d+(?:\.\d+)?)\s?(?:x|×|:1| to 1)\s+(?:compression|smaller)\b/.exec(text) ??
    /\bcompress\w*\s+(?:of |by |at |ratio of )?(?:about |around |roughly |~\s?)?(\d+(?:\.\d+)?)\s?(?:x|×|:1)\b/.exec(text);
  const ratio = stated ? Number(stated[1]) : NaN;
  return ratio >= 1 && ratio <= 100 ? ratio : typical;
}

/** Kinds that keep no data of their own but may keep their logs: "access logs stay 14 days locally, ~3 GB a day". */
function localLogsGib(f: Facts, text: string): number {
  if (
    !f.arrivalGibPerDay ||
    !/\blogs?\b/.test(text) ||
    /\blogs? (are |get )?(shipped|sent|forwarded|streamed)\b|\bno local (logs|data)\b/.test(text)
  )
    return 0;
  return f.arrivalGibPerDay * (f.retentionDays ?? 7) * 1.25;
}

/** Days in each unit a span is written in: a backlog's "an hour", a retention's "5 years". */
const DAYS_IN: Record<string, number> = { minute: 1 / 1440, hour: 1 / 24, day: 1, week: 7, month: 30, year: 365 };

// ---------------------------------------------------------------- databases

/**
 * Hot working set: ~10 % of a database should sit in memory (buffer pool /
 * page cache), the usual OLTP rule of thumb behind PostgreSQL's advice to give
 * shared_buffers 25 % of RAM and leave the rest to the OS cache, and MySQL's
 * to size innodb_buffer_pool_size to the working set. Past the first TiB the
 * hot share falls (3 %): large databases are mostly cold history.
 */
export function hotSetGib(dataGib: number, quiet = false): number {
  const hot = dataGib <= 1024 ? dataGib * 0.1 : 102.4 + (dataGib - 1024) * 0.03;
  // An idle copy (a staging or QA database "with hardly any traffic") touches a sliver of its data: 0.5 %, 2 GiB at least.
  return quiet ? Math.min(hot, Math.max(2, dataGib * 0.005)) : hot;
}

/** Words that say a database is hardly used, whatever it holds. */
export const QUIET =
  /\b(hardly any|barely any|very little|almost no|next to no) (traffic|load|use|usage|queries|activity)\b|\b(rarely|barely|seldom|occasionally) (used|queried|touched)\b|\bidle most\b|\ba few (hours|times|queries) a (week|month)\b/;

/** pgbench on one modern core runs ~1,000–1,500 TPC-B-like write transactions/s; real transactions are heavier: 600. */
const WRITE_TX_PER_CORE = 600;
/** Simple indexed reads served from cache: pgbench -S does ~10,000/s per core; application queries ~2,500. */
const READS_PER_CORE = 2500;
/** An "expensive" or analytical query: ~100 ms of CPU. */
const HEAVY_QUERY_CPU_S = 0.1;
/** A connection's backend process and work memory: ~10 MiB (PostgreSQL work_mem 4 MiB default + process). */
const CONNECTION_GIB = 10 / 1024;
/** Memory-optimised instances give 8 GiB per vCPU; a large buffer pool needs at least 1 vCPU per 32 GiB to be worked. */
const GIB_PER_VCPU_FLOOR = 32;
/** Writes reach the disk as a WAL record and a data page; reads that miss memory are one random read. */
const IO_PER_WRITE = 4;
const MISS_SHARE = 0.1;

const BUSY_PRIMARY = { dataGib: 100, perSecond: 500 };

const relational: Model = ({ facts: f, text }, ctx) => {
  const rowsOrEntities = f.counts.row ?? f.counts.record ?? f.counts.product ?? f.counts.order ?? f.users.total;
  const data =
    f.dataGib ??
    (rowsOrEntities && f.itemBytes
      ? // Rows of a stated size with their indexes (+50 %).
        (rowsOrEntities * f.itemBytes * 1.5) / GIB
      : rowsOrEntities
        ? // An entity with its rows in related tables and indexes: ~4 KiB.
          ctx.assume('dataGib', (rowsOrEntities * 4096) / GIB, `data estimated from ${rowsOrEntities} entities at ~4 KiB each`)
        : ctx.assume('dataGib', ctx.scaled(20), 'data size not stated: 20 GiB assumed'));
  let writes = rateOf(f, 'transactions', 'writes', 'orders') + rateOf(f, 'logins') + rateOf(f, 'records');
  let reads = rateOf(f, 'queries', 'reads', 'requests', 'operations', 'lookups');
  // "3k rps r/w 70/30", "15k QPS (80% reads)": one rate, split between reads and writes as the text says.
  const mix = /\br\/w\s*(\d{1,3})\s?\/\s?(\d{1,3})\b/.exec(text) ?? /\b(\d{1,3})\s?% reads?\b/.exec(text);
  if (mix && reads && !writes) {
    const readShare = Math.min(1, Number(mix[1]) / (mix[2] ? Number(mix[1]) + Number(mix[2]) : 100));
    writes = reads * (1 - readShare);
    reads *= readShare;
  }
  if (!writes && !reads) {
    reads = f.users.concurrent
      ? f.users.concurrent * 0.5
      : f.users.daily
        ? ((f.users.daily * 40) / DAY) * PEAK_FACTOR
        : ctx.assume('peakRate', ctx.scaled(50), 'request rate not stated: 50 queries/s assumed');
  }
  const heavy = /\b(heavy|expensive|complex|analytical|slow)\b[^.]{0,30}\b(quer|read|report)|\beach is expensive\b/.test(text);
  const distributed = /\b(cockroach(db)?|yugabyte(db)?|tidb|spanner|multi-region)\b/.test(text);
  let vcpu = writes / WRITE_TX_PER_CORE + (heavy ? reads * HEAVY_QUERY_CPU_S : reads / READS_PER_CORE);
  // Distributed SQL replicates every write through consensus: about twice the CPU per transaction.
  if (distributed) vcpu *= 2;
  const copies = f.replicationFactor ?? f.replicas ?? 1;
  const connections = f.users.concurrent ?? 0;
  const quiet = QUIET.test(text);
  let memory = 2 + hotSetGib(data, quiet) + connections * CONNECTION_GIB;
  if (distributed) memory = 2 + hotSetGib(data * copies, quiet);
  // A working set the text states ("working set probably 60-80GB") stays cached, the buffer pool and the OS page cache
  // together, with a quarter again for sorts, connections and the OS.
  if (f.memoryGib !== undefined) memory = Math.max(memory, 2 + f.memoryGib * 1.25 + connections * CONNECTION_GIB);
  memory = Math.min(512, memory);
  vcpu = Math.max(1, vcpu, memory / GIB_PER_VCPU_FLOOR);
  // 512 GiB: the largest buffer pool worth planning on one instance (r-class 16xlarge); past it, shard or scale out.
  memory = Math.min(512, Math.max(memory, 4 * vcpu));
  const perSecond = writes + reads;
  return {
    peak: {
      vcpu,
      memoryGib: memory,
      iops: Math.max(300, writes * IO_PER_WRITE + reads * MISS_SHARE),
      networkGbps: bytesPerSecondToGbps(perSecond * 8192),
    },
    // Indexes, WAL and free space for vacuum and growth: +25 % (RDS and Cloud SQL both advise keeping ≥ 20 % free);
    // backups kept on the same disk on top ("7 days of full+log backups on local disk (~2x DB size)").
    // Distributed SQL keeps its copies over the nodes (cluster-member.ts shares them out), with the free space asked for.
    storageGib: distributed
      ? ROOT_GIB + (ctx.grown(data, true) * copies) / (1 - ctx.freeShare(0.2))
      : ROOT_GIB + ctx.grown(data, true) * (copies * 1.25 + localBackupsOf(text)),
    // CockroachDB's production checklist: 8 vCPU or more a node, 4 GiB of memory each. A busy or large primary
    // (hundreds of GB, or hundreds of transactions a second) is run on the same shape: autovacuum, checkpoints, WAL
    // senders and the backup agent take their cores beside the queries.
    floor: distributed || data >= BUSY_PRIMARY.dataGib || writes + reads >= BUSY_PRIMARY.perSecond ? { vcpu: 8, memoryGib: 32 } : undefined,
  };
};

/** Backups a database keeps on its own disk, as a multiple of its size: as stated ("~2x DB size"), else one full copy. */
function localBackupsOf(text: string): number {
  if (!/\bbackups?\b[^.]{0,60}\b(on (the )?local disk|locally|on the (same )?(box|server|volume))\b/.test(text)) return 0;
  if (/\b(separate|another|other|different) (box|server|machine|host|volume)\b/.test(text)) return 0;
  const stated = /\b(\d+(?:\.\d+)?)\s?x (?:the )?(?:db|database|data) size\b/.exec(text);
  return stated ? Number(stated[1]) : 1;
}

/** MongoDB's WiredTiger cache takes 50 % of (RAM − 1 GiB); the working set (indexes + hot documents) should fit in it. */
const documentDb: Model = ({ facts: f, text }, ctx) => {
  // "10^6 users with a 5 KB profile each": a document per user when a size per item is stated.
  const items =
    f.counts.document ??
    f.counts.doc ??
    f.counts.device ??
    f.counts.cart ??
    f.counts.record ??
    f.counts.item ??
    (f.itemBytes ? f.users.total : undefined);
  // "20M messages a month, each ~500 bytes, keep 2 years": what arrives, for as long as it is kept.
  const arriving = rateOf(f, 'messages', 'events', 'records');
  // "20k devices, each syncing 5 MB a day": what arrives, kept as long as stated (asked, a month assumed).
  const arrivingGib =
    f.arrivalGibPerDay &&
    f.arrivalGibPerDay * (f.retentionDays ?? ctx.assume('retentionDays', 30, 'how long documents are kept not stated: 30 days assumed'));
  const data =
    f.dataGib ??
    (arrivingGib ||
      (items
        ? (items * (f.itemBytes ?? ctx.assume('itemBytes', 2048, 'document size not stated: 2 KiB assumed'))) / GIB
        : arriving && f.itemBytes && f.retentionDays
          ? (arriving * DAY * f.retentionDays * f.itemBytes) / GIB
          : ctx.assume('dataGib', 20, 'data size not stated: 20 GiB assumed')));
  // Couchbase is memory-first: its docs ask for a resident ratio well above Mongo's working set.
  const hot = /couchbase/.test(text) ? data * 0.3 : hotSetGib(data, QUIET.test(text));
  let ops = rateOf(f, 'operations', 'reads', 'writes', 'queries', 'requests', 'transactions', 'lookups', 'records', 'messages', 'events');
  if (!ops && items && f.intervalSeconds) ops = items / f.intervalSeconds;
  if (!ops && f.users.daily) ops = ((f.users.daily * 40) / DAY) * PEAK_FACTOR;
  if (!ops) ops = ctx.assume('peakRate', 100, 'operation rate not stated: 100 ops/s assumed');
  /** MongoDB serves ~4,000 mixed operations/s per core (YCSB workload A orders of magnitude). */
  let memory = 1 + 2 * hot;
  const vcpu = Math.max(1, ops / 4000, memory / GIB_PER_VCPU_FLOOR);
  memory = Math.max(memory, 4 * vcpu);
  const copies = f.replicationFactor ?? 1;
  return {
    peak: { vcpu, memoryGib: memory, iops: Math.max(300, ops * 0.5), networkGbps: bytesPerSecondToGbps(ops * (f.itemBytes ?? 2048) * 2) },
    storageGib: ROOT_GIB + ctx.grown(data, true) * copies * 1.3,
  };
};

/**
 * Graph databases, as Neo4j's operations manual sizes them: a store of fixed
 * records (15 B a node, 34 B a relationship, 41 B a property; two properties
 * each assumed, ten relationships a node when nodes are not stated), a page
 * cache that holds the whole store (+20 %), and a heap of 8 GiB at least
 * (its guidance: 8–31 GiB). A traversal costs ~10 ms of CPU.
 */
const graph: Model = ({ facts: f, text }, ctx) => {
  // "400M transactions as edges", "50M accounts as nodes": what the text says each counted thing is in the graph.
  const as = (what: string) => new RegExp(String.raw`\b(\d+) (?:[\w-]+ ){0,2}?(?:as|are) (?:the )?(?:${what})\b`).exec(text)?.[1];
  const relationshipsAs = as('edges|relationships|links');
  const relationships = f.counts.relationship ?? f.counts.edge ?? (relationshipsAs ? Number(relationshipsAs) : undefined);
  // Otherwise the things counted (accounts, people, products) are its nodes, the largest count first.
  const things = Object.entries(f.counts)
    .filter(([k, n]) => !/^(relationship|edge|node|server|host|instance|replica|shard)$/.test(k) && String(n) !== relationshipsAs)
    .map(([, n]) => n)
    .concat(f.users.total ?? [])
    .filter((n) => n > 10_000);
  const nodesAs = as('nodes|vertices');
  const nodes =
    f.counts.vertice ??
    f.counts.vertex ??
    (nodesAs ? Number(nodesAs) : undefined) ??
    (f.counts.node && f.counts.node > 10_000 ? f.counts.node : undefined) ??
    (things.length ? Math.max(...things) : undefined);
  const storeGib =
    f.dataGib ??
    (relationships || nodes
      ? ((nodes ?? relationships! / 10) * (15 + 2 * 41) + (relationships ?? nodes! * 10) * (34 + 2 * 41)) / GIB
      : ctx.assume('dataGib', 20, 'graph size not stated (nodes, relationships or GB): 20 GiB assumed'));
  const queries =
    rateOf(f, 'queries', 'traversals', 'requests', 'reads', 'lookups') ||
    ctx.assume('peakRate', 100, 'query rate not stated: 100 queries/s assumed');
  const vcpu = Math.max(2, (queries * 10) / 1000 / TARGET_UTILISATION);
  const grownGib = ctx.grown(storeGib, true);
  const memory = Math.max(8 + grownGib * 1.2, 4 * vcpu);
  return {
    peak: { vcpu, memoryGib: memory, iops: Math.max(500, queries * 2), networkGbps: bytesPerSecondToGbps(queries * 10_000 * 2) },
    storageGib: ROOT_GIB + grownGib * 1.25 * (f.replicationFactor ?? 1),
  };
};

/** A vector's size from its dimensions ("768-dim", "dims: 1536"): float32, 4 bytes a dimension. */
function statedVectorBytes(text: string): number | undefined {
  const written = /\b(\d+)[- ]?(?:dim(?:ension(?:al|s)?)?s?|d vectors?)\b|\bdim(?:ension)?s?\s*(?:of|=|:)?\s*(\d+)\b/.exec(text);
  return written ? Number(written[1] ?? written[2]) * 4 : undefined;
}

/**
 * Vector databases, as Qdrant's capacity planning sizes them: vectors ×
 * dimensions × 4 bytes × 1.5 for the HNSW graph and metadata, all in memory
 * for fast search, the same again on disk with payloads; a search costs ~5 ms
 * of CPU (HNSW with ef ~100 over float32 vectors).
 */
const vectorDb: Model = ({ facts: f, text }, ctx) => {
  // A vector's size, as dimensions or (answered) bytes.
  const vectorBytes =
    statedVectorBytes(text) ??
    f.itemBytes ??
    ctx.assume('itemBytes', 3072, 'vector size not stated: 768 float32 dimensions (3 KiB) assumed');
  // "2 million 1536-dimensional OpenAI embeddings": a count a few words before what it counts.
  const counted = /\b(\d+) (?:[\w-]+ ){0,3}(?:embeddings|vectors)\b/.exec(text);
  const vectors = f.counts.embedding ?? f.counts.vector ?? (counted ? Number(counted[1]) : undefined) ?? f.counts.document ?? f.counts.item;
  const rawGib = vectors
    ? (vectors * vectorBytes) / GIB
    : (f.dataGib ?? ctx.assume('dataGib', (1e6 * vectorBytes) / GIB, 'vectors not stated: a million assumed'));
  const indexGib = rawGib * 1.5;
  const queries =
    rateOf(f, 'queries', 'searches', 'requests', 'lookups') || ctx.assume('peakRate', 50, 'searches per second not stated: 50 assumed');
  const vcpu = Math.max(2, (queries * 0.005) / TARGET_UTILISATION, indexGib / GIB_PER_VCPU_FLOOR);
  return {
    peak: {
      vcpu,
      memoryGib: Math.max(4, 2 + indexGib),
      iops: Math.max(500, queries * 2),
      networkGbps: bytesPerSecondToGbps(queries * vectorBytes * 20),
    },
    storageGib: ROOT_GIB + ctx.grown(indexGib * 2, true),
  };
};

/**
 * Consensus stores (etcd, ZooKeeper, Consul), by etcd's hardware guide: up to
 * 100 clients and 200 requests/s 2 vCPU and 8 GiB; 500 and 1,000/s 4 and 16;
 * 1,500 and 10,000/s 8 and 32; beyond, 16 and 64; 50 GiB of fast disk for the
 * log and snapshots. Clients are what the text says it serves: a Kubernetes
 * cluster's nodes, or connections; the ensemble's own nodes are its members.
 */
const coordination: Model = ({ facts: f, text }) => {
  const clients =
    f.users.concurrent ??
    f.counts.client ??
    (/\b(kubernetes|k8s|control plane)\b/.test(text) ? f.counts.node : undefined) ??
    f.counts.service ??
    0;
  const rps = rateOf(f, 'requests', 'writes', 'reads', 'operations');
  const tiers = [
    { clients: 100, rps: 200, vcpu: 2, memoryGib: 8, iops: 3600 },
    { clients: 500, rps: 1000, vcpu: 4, memoryGib: 16, iops: 6000 },
    { clients: 1500, rps: 10000, vcpu: 8, memoryGib: 32, iops: 8000 },
    { clients: Infinity, rps: Infinity, vcpu: 16, memoryGib: 64, iops: 16000 },
  ];
  const tier = tiers.find((t) => clients <= t.clients && rps <= t.rps)!;
  return {
    peak: { vcpu: tier.vcpu, memoryGib: tier.memoryGib, iops: tier.iops, networkGbps: 1 },
    storageGib: ROOT_GIB + 50,
  };
};

/**
 * Cassandra-like stores: DataStax sizes nodes at 8+ cores, 32 GiB and about
 * 2 TiB of data (4 TiB for HBase-style stores, 5 TiB for ScyllaDB); ScyllaDB
 * serves ~12,500 ops/s per vCPU, Cassandra ~5,000. RF 3 is the documented
 * default for production; compaction wants ~20 % free space.
 */
const wideColumn: Model = ({ facts: f, text }, ctx) => {
  const scylla = /scylla|alternator/.test(text);
  const hbase = /hbase|bigtable|accumulo/.test(text);
  const rf =
    f.replicationFactor ??
    f.replicas ??
    (ONE_COPY.test(text) ? 1 : ctx.assume('replication', 3, 'replication factor not stated: RF 3 assumed'));
  const perDay =
    f.ingestGibPerDay ??
    (rateOf(f, 'records', 'writes', 'events', 'samples') && f.itemBytes
      ? (rateOf(f, 'records', 'writes', 'events', 'samples') * f.itemBytes * DAY) / GIB
      : 0);
  // "3TB/node", "each node should carry ~1.8 TB of live data": a node's share, its copies in it already.
  const perNodeStated = f.counts.node && f.dataGib && f.dataPerNodeGib !== undefined;
  let stored: number;
  // "18 TB on disk including replication", "2 TB after RF3": the copies are already in the figure.
  const replicated = /\b(incl(uding|\.)?|with|after) (the )?(replication|replicas|rf\s?\d?)\b/.test(text);
  if (f.dataGib) stored = perNodeStated || replicated ? f.dataGib : f.dataGib * rf;
  else if (perDay && f.retentionDays) stored = perDay * f.retentionDays * rf;
  else stored = ctx.assume('dataGib', ctx.scaled(500), `data size not stated: ${ctx.scaled(500)} GiB assumed`) * rf;
  if (!f.dataGib && perDay && !f.retentionDays) ctx.assume('retentionDays', undefined, 'retention not stated');
  const density = scylla ? 5120 : hbase ? 8192 : /cassandra/.test(text) ? 2048 : 4096;
  const nodes = Math.max(f.counts.node ?? 1, Math.ceil(stored / density));
  let ops = rateOf(f, 'operations', 'reads', 'writes', 'records', 'events', 'queries', 'requests', 'lookups');
  if (!ops) ops = ctx.assume('peakRate', ctx.scaled(5000), `operation rate not stated: ${ctx.scaled(5000)} ops/s assumed`);
  // A counted cluster is of production nodes; one node alone is left to the floor, which light use lowers ("single
  // node, throwaway data") to a JVM's 8 GiB heap and what is beside it.
  const each = nodes > 1 ? { vcpu: 4, memoryGib: 32 } : { vcpu: 2, memoryGib: 8 };
  // Size-tiered compaction rewrites a table beside itself: half the disk free when the text asks for its headroom,
  // or the share it names ("keep ~50% free for compaction"); a sixth free otherwise.
  const disk = ctx.grown(stored) / (1 - ctx.freeShare(/\bcompaction\b[^.]{0,30}\b(headroom|space|room)\b/.test(text) ? 0.5 : 1 / 6));
  // ScyllaDB's sizing guidance keeps the disk within 30–100× the memory (1:50 taken) and runs on the i3en/i4i shapes
  // of 8 GiB a vCPU, a shard a core; DataStax and ScyllaDB size a production node at 8+ cores and 32 GiB or more.
  const byDisk = scylla ? disk / 50 : 0;
  const vcpu = Math.max(ops / (scylla ? 12500 : 5000), nodes * each.vcpu, byDisk / 8);
  const floor = { vcpu: 8, memoryGib: 32 };
  const memory = Math.max(nodes * each.memoryGib, vcpu * (scylla ? 8 : 4), byDisk);
  return {
    peak: { vcpu, memoryGib: memory, iops: Math.max(1000, ops * 1.5), networkGbps: bytesPerSecondToGbps(ops * (f.itemBytes ?? 1024) * rf) },
    storageGib: ROOT_GIB + disk,
    floor,
  };
};

const spanDays = (n: string, unit: string) => Number(n) * DAYS_IN[unit.replace(/s$/, '')]!;

/** "raw kept 90 days, 1-minute downsampled data kept 5 years": the raw retention and the downsampled tier. */
function downsampledTiers(text: string): { rawDays: number; intervalSeconds: number; days: number } | undefined {
  const raw = /\braw\b[^.;]{0,30}?\b(?:kept|keep|retained|retention(?: of)?|for)\s+(\d+)\s?(days?|weeks?|months?|years?)\b/.exec(text);
  const down =
    /\b(\d+)[- ]?(s|sec|seconds?|m|min|minutes?|h|hours?)\b[- ]?(?:downsampl\w*|rollups?|roll-?ups?|aggregat\w*|averages?)[^.;]{0,30}?\b(?:kept|keep|retained|for)\s+(\d+)\s?(days?|weeks?|months?|years?)\b/.exec(
      text,
    );
  if (!raw || !down) return undefined;
  const unit = down[2]!.startsWith('h') ? 3600 : down[2]!.startsWith('m') ? 60 : 1;
  const intervalSeconds = Number(down[1]) * unit;
  // "0-minute downsampled" is no tier: a point a series every 0 s has no size.
  if (!(intervalSeconds > 0)) return undefined;
  return { rawDays: spanDays(raw[1]!, raw[2]!), intervalSeconds, days: spanDays(down[3]!, down[4]!) };
}

/** "A stored reading costs about 64 bytes on disk", "compresses to 2-3 bytes per point": the writer's own measurement. */
const STATED_ON_DISK = /\b(on disk|stored|per (point|sample|reading|row|data ?point)|compress\w*|costs?)\b/;

/**
 * Time-series: samples/s = series / scrape interval (Prometheus' default
 * scrape is 15 s … here 15 s when unstated) or entities × signals × rate.
 * Bytes per sample on disk, unless the text gives its own measurement: Prometheus 1–2 (its docs), VictoriaMetrics < 1,
 * InfluxDB ~3, Graphite's whisper 12 (fixed-size points), TimescaleDB ~10
 * with native compression. ~6 KiB of memory per active series in the head
 * block; one core ingests ~30,000 samples/s with queries and compaction.
 */
const timeSeries: Model = ({ facts: f, text }, ctx) => {
  const bytesPerSample =
    f.itemBytes && f.itemBytes < 1024 && STATED_ON_DISK.test(text)
      ? f.itemBytes
      : /victoria/.test(text)
        ? 1
        : /prometheus|mimir|thanos|cortex|node_exporter/.test(text)
          ? 2
          : /graphite|whisper/.test(text)
            ? 12
            : /timescale/.test(text)
              ? 10
              : /questdb/.test(text) && f.itemBytes
                ? f.itemBytes
                : 3;
  const hosts = f.counts.host ?? f.counts.server ?? f.counts.node ?? f.counts.machine ?? f.counts.vm ?? f.counts.pod ?? f.counts.container;
  const entities =
    f.counts.sensor ??
    f.counts.device ??
    f.counts.meter ??
    f.counts.turbine ??
    f.counts.target ??
    f.counts.truck ??
    f.counts.vehicle ??
    f.counts.car ??
    hosts;
  // "2000 devices reporting 20 metrics": fewer metrics than devices are each device's, not the total.
  const metricsEach = entities && f.counts.metric !== undefined && f.counts.metric < entities ? f.counts.metric : undefined;
  // node_exporter exposes ~500–1,000 series per host: 1,000 when a host count is all the text gives.
  const perHost =
    entities !== undefined && entities === hosts && !f.perEntity.series && metricsEach === undefined
      ? ctx.assume('activeSeries', 1000, 'series per host not stated: 1,000 assumed')
      : 1;
  const signals = f.perEntity.series ?? f.perEntity.signal ?? f.perEntity.metric ?? f.counts.signal ?? metricsEach ?? perHost;
  let series = f.counts.series ?? (metricsEach ? undefined : f.counts.metric) ?? (entities ? entities * signals : undefined);
  let samples = rateOf(f, 'samples');
  if (samples && entities && samples < entities) samples *= entities * (f.counts.signal ?? 1); // "200k meters × 96 readings a day"
  if (!samples) {
    if (!series) series = ctx.assume('activeSeries', 100_000, 'series not stated: 100,000 active series assumed');
    const interval = f.intervalSeconds ?? ctx.assume('interval', 15, 'interval not stated: every 15 s assumed');
    samples = series / interval;
  }
  // Rates written for the busiest moment ("at the open") average a third of it.
  const mean = f.peakStated ? samples / PEAK_FACTOR : samples;
  // "Raw data kept 90 days, 1-minute downsampled data kept 5 years": raw points for the first, a point a series a
  // minute for the second.
  const tiers = downsampledTiers(text);
  const retentionDays = tiers?.rawDays ?? f.retentionDays ?? ctx.assume('retentionDays', 30, 'retention not stated: 30 days assumed');
  const downsampled = tiers && series ? (series / tiers.intervalSeconds) * tiers.days * DAY * bytesPerSample : 0;
  const stored = ctx.grown((mean * bytesPerSample * retentionDays * DAY + downsampled) / GIB) * 1.2;
  const vcpu = Math.max(2, samples / 30000);
  const fromSeries = 2 + ((series ?? samples * 15) * 6 * 1024) / GIB;
  // TimescaleDB is PostgreSQL: its memory follows the database's hot set.
  const memory = /timescale/.test(text) ? 2 + hotSetGib(stored) : Math.max(fromSeries, 2 * vcpu, Math.min(0.02 * stored, 32));
  return {
    peak: { vcpu, memoryGib: memory, iops: Math.max(500, samples / 100), networkGbps: bytesPerSecondToGbps(samples * 64) },
    storageGib: ROOT_GIB + stored,
  };
};

/** Online feature stores keep entity × feature values in a key-value store: ~2× the raw bytes (keys, encoding). */
const featureStore: Model = (input, ctx) => {
  // Served from a wide-column store, it is sized as one; the in-memory model is for Redis-like online stores.
  if (/\b(cassandra|scylla(db)?|bigtable|hbase|dynamodb)\b/.test(input.text)) return wideColumn(input, ctx);
  const f = input.facts;
  const entities = f.counts.entity ?? f.users.total ?? f.counts.customer ?? f.counts.user ?? f.counts.item;
  const features = f.perEntity.feature ?? f.counts.feature ?? 20;
  const data =
    f.dataGib ??
    (entities
      ? (entities * features * (f.itemBytes ?? 8) * 2) / GIB
      : ctx.assume('dataGib', 10, 'feature data size not stated: 10 GiB assumed'));
  const lookups =
    rateOf(f, 'lookups', 'reads', 'requests', 'queries', 'operations') ||
    ctx.assume('peakRate', 1000, 'lookup rate not stated: 1,000/s assumed');
  /** A lookup fetches many features at once: ~10,000 lookups/s per core. */
  const vcpu = Math.max(1, 1 + lookups / 10000);
  return {
    peak: { vcpu, memoryGib: 1 + data * 1.3, iops: 500, networkGbps: bytesPerSecondToGbps(lookups * features * 16) },
    storageGib: ROOT_GIB + data * 2,
  };
};

// ---------------------------------------------------------------- caches

/** A cache is run at 80 % of its memory so growth and a busy hour evict nothing hot (Redis' and ElastiCache's advice). */
const RUN_FULL = 0.8;

/** A JVM heap kept at most this full of live entries, the collector's headroom (a common G1 guideline). */
const JVM_LIVE_SHARE = 0.6;

/**
 * Redis: ~100,000 simple operations/s on one core (redis-benchmark); sized at
 * 50,000 per core, plus one core for the OS, persistence forks and network.
 * Memory: the data × 1.3 for key overhead and fragmentation (Redis reports
 * mem_fragmentation_ratio ~1.1–1.5) + 1 GiB. JVM grids (Hazelcast,
 * Infinispan) want two cores at least for the collector.
 */
const cache: Model = ({ facts: f, text }, ctx) => {
  // What it holds, by name, or the largest count of anything whose size each is stated ("1.5M carts at ~8 KB each").
  const held = Object.entries(f.counts).filter(([noun]) => !MACHINES.has(noun) && noun !== 'leaderboard');
  const keys =
    f.counts.key ??
    f.counts.item ??
    f.counts.session ??
    f.counts.object ??
    f.counts.entry ??
    (f.itemBytes && held.length ? Math.max(...held.map(([, count]) => count)) : undefined);
  const sessions = /session/.test(text) ? (f.users.total ?? f.users.daily ?? f.users.concurrent) : undefined;
  const players = /leaderboard/.test(text) ? (f.users.concurrent ?? f.users.total) : undefined;
  // "a memcached tier in front of our Postgres primary (2 TB) … hot set 30k records at ~8 KB each": a cache in front
  // of a store holds its hot set, not the store's data.
  const hotSet =
    keys && f.itemBytes && /\b(hot|working)[- ](set|data)\b|\b(in front of|fronting|backed by|backing store)\b/.test(text)
      ? (keys * f.itemBytes) / GIB
      : undefined;
  const data =
    f.memoryGib ??
    hotSet ??
    f.dataGib ??
    (keys || sessions
      ? ((keys ?? sessions!) * (f.itemBytes ?? ctx.assume('itemBytes', 1024, 'value size not stated: 1 KiB assumed'))) / GIB
      : players
        ? // Each player on each of the boards counted ("each on 4 leaderboards"), ~100 bytes a sorted-set entry.
          (players * (f.perEntity.leaderboard ?? f.counts.leaderboard ?? 1) * (f.itemBytes ?? 100)) / GIB
        : // "64 GB of RAM" for a cache: the data that fits once overhead and fragmentation (×1.3, below) are taken.
          f.ramGib !== undefined
          ? f.ramGib / 1.3
          : ctx.assume('dataGib', 1, 'cache size not stated: 1 GiB assumed'));
  const ops =
    rateOf(f, 'operations', 'reads', 'writes', 'requests', 'queries', 'lookups') ||
    ctx.assume('peakRate', 5000, 'operation rate not stated: 5,000 ops/s assumed');
  const jvm = /\b(hazelcast|infinispan|ehcache|ignite|coherence|data grid|jvm|java)\b/.test(text);
  const vcpu = Math.max(jvm ? 2 : 1, 1 + ops / 50000);
  const persistent =
    /\b(persistence|persistent|aof|rdb|snapshots?)\b/.test(text) &&
    !/\b(no|without|disable[ds]?|turn(ed)? off) (persistence|snapshots?|aof|rdb)\b|\bpersistence:? (none|no|off|false|disabled|not needed)\b/.test(
      text,
    );
  // Redis forks to write a snapshot or rewrite its AOF: copy-on-write can need up to twice the data set (Redis' own
  // persistence docs); "assume 2x overhead" is taken as written.
  const overhead = /\b(\d(?:\.\d+)?)\s?x (?:memory )?overhead\b/.exec(text);
  const statedOverhead = overhead && Number(overhead[1]) >= 1 ? Number(overhead[1]) : undefined;
  // Varnish's file storage and SSD-backed caches keep the set on disk and its hottest fifth in memory.
  const onDisk = /\b(file storage|on (local )?(ssd|nvme|disk)|disk[- ]backed|ssd[- ]backed|redis on flash)\b/.test(text);
  const memoryGib = 1 + data * (onDisk ? 0.2 : (statedOverhead ?? (persistent && !jvm ? 2 : 1.3 / (jvm ? JVM_LIVE_SHARE : RUN_FULL))));
  return {
    peak: {
      vcpu,
      memoryGib,
      iops: persistent ? Math.max(500, ops * 0.05) : 100,
      networkGbps: bytesPerSecondToGbps(ops * (f.itemBytes ?? 1024) * 2),
    },
    storageGib: ROOT_GIB + (onDisk ? data * 1.3 : persistent ? data * 2 : 0),
    // A JVM data grid's member runs its partitions' threads and the collector beside them: 4 cores at least, each member.
    floor: jvm ? { vcpu: 4, memoryGib: 8 } : undefined,
  };
};

// ---------------------------------------------------------------- brokers

/** "the queue can back up for about an hour", "buffer up to 2 full days of downtime": how long a backlog lasts, in days. */
export function backlogDaysOf(text: string): number | undefined {
  const t = text
    .replace(/\ban (minute|hour|day|week)\b/g, '1 $1')
    .replace(/(\d)\s?-?(?:(h|hrs?)|(d)|(min))\b/g, (_, n: string, h?: string, d?: string) => `${n} ${h ? 'hour' : d ? 'day' : 'minute'}`)
    .replace(/(\d)-(minute|hour|day|week)\b/g, '$1 $2');
  const m =
    /\b(?:back(?:s|ed)? up|buffer(?:s|ing)?|queue(?:s|d)? up|hold(?:s|ing)?|absorb(?:s|ing)?|ride out|survive)\b[^.]{0,40}?\b(\d+(?:\.\d+)?)\s+(?:full\s+)?(minute|hour|day|week)s?\b/.exec(
      t,
    ) ??
    /\b(\d+(?:\.\d+)?)\s+(?:full\s+)?(minute|hour|day|week)s?(?: of (?:\w+ )?(?:downtime|outage|backlog)| (?:backlog|outage))\b/.exec(t) ??
    // "bis zu 2 Stunden puffern" (the glossary's "2 hours buffer"): the verb after the span.
    /\b(\d+(?:\.\d+)?)\s+(minute|hour|day|week)s?\s+(?:\w+\s+)?(?:buffer|absorb)/.exec(t);
  return m ? Number(m[1]) * DAYS_IN[m[2]!]! : undefined;
}

/**
 * Brokers: storage = throughput × retention × replication (Confluent's
 * sizing). Kafka keeps 7 days by default (log.retention.hours = 168) and
 * production topics use RF 3; queues (RabbitMQ, ActiveMQ, SQS-likes, MQTT)
 * hold messages until consumed: an hour of backlog. One core moves ~15 MB/s
 * of produce + replication + consume traffic, or ~25,000 messages/s (RabbitMQ
 * ~5,000). Kafka wants a 6 GiB heap and page cache for ~5 minutes of writes
 * so consumers read from memory.
 */
const broker: Model = ({ facts: f, text }, ctx) => {
  const mqtt = /mqtt|emqx|mosquitto/.test(text);
  // An MQTT broker that forwards to Kafka keeps no log of its own.
  const log = !mqtt && /kafka|redpanda|pulsar|kinesis|event ?hubs?|jetstream|event (stream|bus)|message bus|log shipping/.test(text);
  const rabbit = /rabbitmq|activemq|artemis|amazon mq/.test(text);
  const devices = f.counts.device ?? f.counts.sensor ?? f.counts.meter ?? f.counts.vehicle ?? f.counts.car ?? f.counts.machine;
  let messages = rateOf(f, 'messages', 'events', 'records', 'samples', 'requests', 'writes', 'operations', 'orders');
  if (!messages && devices && f.intervalSeconds) messages = devices / f.intervalSeconds;
  const item = f.itemBytes ?? (/small messages|tiny/.test(text) ? 512 : 1000);
  let bytesPerSecond = messages * item;
  if (f.ingestGibPerDay) bytesPerSecond = Math.max(bytesPerSecond, (f.ingestGibPerDay * GIB) / DAY);
  if (!bytesPerSecond) {
    messages = ctx.assume('peakRate', 100, 'message rate not stated: 100 messages/s assumed');
    bytesPerSecond = messages * item;
  }
  if (!messages) messages = bytesPerSecond / item;
  if (!f.itemBytes && !f.ingestGibPerDay && log) ctx.assume('itemBytes', undefined, 'message size not stated: 1 KB assumed');
  const rf = f.replicationFactor ?? f.replicas ?? (ONE_COPY.test(text) ? 1 : log ? (/pulsar/.test(text) ? 2 : 3) : 1);
  // A queue that must hold what arrives while its consumers are down fills at the peak rate for that long.
  const backlogDays = log ? undefined : backlogDaysOf(text);
  const retentionDays = log
    ? (f.retentionDays ?? ctx.assume('retentionDays', 7, "retention not stated: Kafka's default of 7 days assumed"))
    : (backlogDays ?? f.retentionDays ?? 1 / 24);
  const mean = f.meanThroughputMBps
    ? f.meanThroughputMBps * 1e6
    : f.peakStated && !backlogDays
      ? bytesPerSecond / PEAK_FACTOR
      : bytesPerSecond;
  const stored = (mean * retentionDays * DAY * rf) / GIB;
  const brokers = f.counts.broker ?? f.counts.node ?? 1;
  const traffic = bytesPerSecond * (rf + 1);
  const connections = mqtt ? (devices ?? f.users.concurrent ?? 0) : 0;
  const vcpu = Math.max(log ? 2 * brokers : 1, traffic / 15e6, messages / (rabbit ? 5000 : 25000), connections / 50000);
  const heap = log && !/jetstream|nats/.test(text) ? 6 * brokers : 2;
  const memory = Math.max(heap + (bytesPerSecond * rf * 300) / GIB + (connections * 32 * 1024) / GIB, log ? 4 * vcpu : 2);
  return {
    peak: { vcpu, memoryGib: memory, iops: Math.max(500, messages * (rabbit ? 2 : 0.1)), networkGbps: bytesPerSecondToGbps(traffic) },
    // Brokers are kept under 85 % full, as search nodes: a reassignment or a consumer that falls behind needs the room;
    // or as full as the text allows ("keep disk utilization under ~70%").
    // RabbitMQ blocks every publisher when free disk falls under its limit, which its production checklist sets at
    // 1.5× the node's memory (8 GiB at least, the smallest production broker): that much stays free beside the queues.
    storageGib: ROOT_GIB + ctx.grown(stored) / ctx.fullShare(0.85) + (/\brabbitmq\b/.test(text) ? 1.5 * Math.max(memory, 8) : 0),
    // Confluent's and Redpanda's production brokers: 8+ cores and 32 GiB or more, most of it page cache for consumers.
    floor: log && !/jetstream|nats/.test(text) ? { vcpu: 8, memoryGib: 32 } : undefined,
  };
};

// ---------------------------------------------------------------- search

/**
 * Splunk's reference indexer (12 cores, 12 GiB) takes up to ~300 GB a day; it
 * keeps about half the raw size on disk (compressed raw ~15 %, index files
 * ~35 %, Splunk's storage sizing).
 */
function splunk(f: Facts, ctx: Context): ReturnType<Model> {
  const perDay = f.ingestGibPerDay ?? ctx.assume('dataGib', 100, 'data a day not stated: 100 GB assumed');
  const indexers = Math.max(1, Math.ceil(perDay / 300));
  const days = f.retentionDays ?? ctx.assume('retentionDays', 30, 'retention not stated: 30 days assumed');
  return {
    peak: {
      vcpu: 12 * indexers,
      memoryGib: 12 * indexers,
      iops: 1200 * indexers,
      networkGbps: bytesPerSecondToGbps((perDay * GIB) / DAY) * 2,
    },
    storageGib: ROOT_GIB + ctx.grown(perDay * days * 0.5),
  };
}

/**
 * Search engines: the index is about the source size (+10 %); each replica is
 * a full copy; Elasticsearch stops allocating at the 85 % disk watermark.
 * Memory : data is 1 : 30 for logging hot tiers (Elastic's sizing guidance)
 * and 1 : 16 for search; Typesense and Meilisearch hold the index in RAM
 * (×2). A vCPU answers ~25 queries/s on a warm index and indexes ~2,000
 * events/s; Elastic pairs 1 vCPU with 4–16 GiB.
 */
const search: Model = (input, ctx) => {
  if (/\bsplunk\b/.test(input.text)) return splunk(input.facts, ctx);
  const { facts: f, text } = input;
  const docs =
    f.counts.document ??
    f.counts.doc ??
    f.counts.product ??
    f.counts.pdf ??
    f.counts.page ??
    f.counts.article ??
    f.counts.recipe ??
    f.counts.name ??
    f.counts.item ??
    f.counts.record ??
    f.counts.chunk ??
    f.counts.passage ??
    // What else a search engine is asked to find: "1.2 million contracts", "300k restaurants", "4M SKUs".
    ['contract', 'agreement', 'letter', 'ticket', 'email', 'listing', 'sku', 'restaurant', 'place', 'book', 'title', 'patent', 'paper']
      .map((n) => f.counts[n])
      .find((n) => n !== undefined);
  // Traces: each sampled transaction or request is a document ("2k transactions per second traced at 10 % sampling").
  const sampling = Number(/\b(\d+(?:\.\d+)?)\s?% (?:sampl|of (?:traces|transactions|requests))/.exec(text)?.[1] ?? 100) / 100;
  const traced = /\b(apm|trac(e|es|ed|ing)|spans?|jaeger|zipkin|tempo)\b/.test(text) ? rateOf(f, 'transactions', 'requests') * sampling : 0;
  const events = rateOf(f, 'events', 'messages', 'records', 'writes', 'samples') + traced;
  const logs = /\blogs?\b|\blogging\b|siem|security events|audit/.test(text) || (!!events && !f.dataGib);
  const ingestGibPerDay = f.ingestGibPerDay ?? (events * (f.itemBytes ?? 1000) * DAY) / GIB;
  let source: number;
  if (f.dataGib) source = f.dataGib;
  else if (ingestGibPerDay) {
    source = ingestGibPerDay * (f.retentionDays ?? ctx.assume('retentionDays', 30, 'retention not stated: 30 days assumed'));
  } else if (docs) source = (docs * (f.itemBytes ?? (/name/.test(text) ? 1000 : 2048))) / GIB;
  else source = ctx.assume('dataGib', 20, 'index size not stated: 20 GiB assumed');
  // Loki indexes labels only and keeps chunks compressed (its docs: ~10× smaller than the raw lines); Quickwit ~5×.
  const compressed = /\bloki\b/.test(text) ? 10 : /\bquickwit\b/.test(text) ? 5 : 1;
  // Documents searched in full (positions for phrases and highlighting, stored fields) index at ~1.5× their text; log
  // lines at ~1.1×. An index whose size the text gives is that size.
  // "ingest ~150 GB/day (primary, on-disk size after indexing)": the arriving figure is the index's already.
  const stated =
    (/\bindex(ed)?\b/.test(text) && f.dataGib) ||
    /\bindex (is|to be|will be) (about |roughly )?the size of\b/.test(text) ||
    /\b(on-?disk size|after indexing|indexed size)\b/.test(text);
  // Dense vectors beside the text (Elasticsearch's dense_vector, OpenSearch's knn_vector): float32 × dimensions × 1.5
  // for the HNSW graph, as the vector model sizes them; Elastic's kNN tuning guide wants them all in the page cache.
  const vectorBytes = /\b(dense_vector|knn_vector|knn|hnsw|embeddings?|vectors?)\b/.test(text) ? statedVectorBytes(text) : undefined;
  const vectorsGib = vectorBytes && docs ? (docs * vectorBytes * 1.5) / GIB : 0;
  const indexed = (stated ? source : source * (logs ? 1.1 : 1.5)) / compressed + vectorsGib;
  const copies = 1 + (f.replicas ?? (f.replicationFactor ? f.replicationFactor - 1 : 0));
  // Logs roll over into new indices and stay under the 85 % disk watermark; a document index merges in place and wants
  // its own size free beside it (Solr's guide: twice the index for an optimize; Elasticsearch's force-merge likewise).
  const onDisk = ctx.grown(indexed) * copies * (logs ? 1 / 0.85 : 2);
  const inMemory = /typesense|meilisearch/.test(text);
  const queries = rateOf(f, 'searches', 'queries', 'requests', 'reads', 'lookups');
  // Loki's ingesters hold up to two hours of raw lines (max_chunk_age) in memory; a core per ~25 GB a day it takes in.
  // Logs: memory 1:30 of disk (Elastic's hot tier). Documents: a heap of an eighth of the index (4–31 GiB) and 40 % of
  // the index in page cache, where the terms and postings that queries touch stay hot; past ~160 GiB the hot part
  // grows at a twentieth of the index (a large archive is searched for a small recent part).
  const grownIndex = ctx.grown(indexed);
  const documentMemory = Math.min(31, Math.max(4, indexed / 8)) + Math.min(0.4 * grownIndex, 64 + 0.05 * grownIndex);
  let memory =
    compressed > 1
      ? 4 + (ingestGibPerDay / 12) * 2
      : Math.max(4, inMemory ? indexed * 2 : logs ? onDisk / 30 : documentMemory + ctx.grown(vectorsGib) * copies);
  // A search's cost grows with the index it scans: ~25 a core over large indexes (Elastic's sizing examples), twice that
  // under 50 GiB, ~8× for an index of a few GiB (autocomplete over names).
  // Typesense and Meilisearch answer from memory: ~200 searches a core whatever the index (Typesense's benchmarks).
  const searchesPerCore = onDisk < 5 || inMemory ? 200 : onDisk < 50 ? 50 : 25;
  let vcpu = Math.max(1, memory / 16, queries / searchesPerCore, events / 2000, compressed > 1 ? ingestGibPerDay / 25 : 0);
  memory = Math.max(memory, queries ? vcpu * (inMemory ? 2 : 4) : 0);
  // The JVM engines: "less than 8 GB tends to be counterproductive" (Elasticsearch: The Definitive Guide, Hardware).
  if (/\b(elastic(search)?|opensearch|solr|lucene|graylog)\b/.test(text)) memory = Math.max(memory, 8);
  if (!queries && !logs) ctx.assume('peakRate', undefined, 'query rate not stated');
  vcpu = Math.max(vcpu, 1);
  return {
    peak: {
      vcpu,
      memoryGib: memory,
      iops: Math.max(500, events * 2 + queries * 5),
      networkGbps: bytesPerSecondToGbps(events * 1000 * copies + queries * 20000),
    },
    storageGib: ROOT_GIB + onDisk,
    // Elastic's hot data nodes: a heap of up to 31 GB beside as much page cache; 8 vCPU and 32 GiB is the smallest
    // production node a logging cluster is built from.
    floor: ELASTIC_DATA_NODE.test(text) ? { vcpu: 8, memoryGib: 32 } : undefined,
  };
};

// A node of a cluster the text counts ("a 3-node cluster with 1 replica") is a production node as well.
const ELASTIC_DATA_NODE = /\b(elastic(search)?|opensearch|elk)\b(?=[^]*\b((data|hot)[- ]nodes?|logs?|\d+[- ]node cluster)\b)/;

// ---------------------------------------------------------------- analytics

/**
 * Warehouses: columnar storage keeps raw events at ~1/5 of their size
 * (ClickHouse and Druid report 5–10× compression); merges want 30 % free.
 * Memory 1 : 50 of data with 32 GiB at least (ClickHouse's guidance for
 * analytical nodes), 1 vCPU per 8 GiB, a core per concurrent analyst, and a
 * core per 50 queries/s for user-facing OLAP. Engines over a lake (Trino,
 * Presto) keep nothing locally but spill: 32 GiB per concurrent analyst.
 * Rollup at ingestion (Druid, Pinot) stores a tenth of the events' rows.
 */
const ROLLUP = /\b(rollups?|roll-?ups?|rolled[- ]up|pre-?aggregat\w*)\b/;

/** A sentence about a local copy: "we'd cache the hot ~500 GB locally on NVMe", "a local copy of the reference data". */
const LOCAL_COPY = /\b(cache|copy|keep|stage|mirror)\w*\b[^.;]{0,40}\blocal(ly)?\b|\blocal(ly)? (copy|cache|mirror)\b/;

/** How full a disk may get, as the text says it ("keep disk utilization under ~70%", "below 75% full"), or the typical share. */
function fullShareOf(text: string): number | undefined {
  const m =
    /\b(?:utili[sz]ation|usage|used|full)\s+(?:under|below|at most|<=?|max(?:imum)?)\s*~?\s*(\d{2})\s?%|\b(?:under|below)\s*~?\s*(\d{2})\s?% (?:full|used|utili[sz]ation|disk)\b/.exec(
      text,
    );
  const share = m ? Number(m[1] ?? m[2]) / 100 : NaN;
  return share >= 0.3 && share < 1 ? share : undefined;
}

/** "we want 40% free space", "keep 30 % free": the share of the disk left empty. */
function freeShareOf(text: string): number | undefined {
  const m = /\b(\d{1,2})\s?% (?:free|headroom|spare)\b/.exec(text);
  const share = m ? Number(m[1]) / 100 : NaN;
  return share > 0 && share < 0.9 ? share : undefined;
}

/**
 * An engine that works a data set on one machine with every core (DuckDB, Polars, DataFusion, Spark in local mode or
 * on a single node): sized by what it works over, not by a rate, as nobody states one. Memory a quarter of the data,
 * so joins and aggregations over all of it keep their hash tables in memory and spill the rest (DuckDB's out-of-core
 * operators, Spark's shuffle), at the machine size nearest that (sizes double), 16–256 GiB; and a core per 4 GiB,
 * the top of DuckDB's guidance of 1–4 GB a thread (Spark's executors on general-purpose nodes have the same ratio).
 */
function oneMachineEngine(text: string, dataGib: number): { vcpu: number; memoryGib: number } | undefined {
  const inProcess = /\b(duckdb|polars|datafusion)\b/.test(text);
  const sparkAlone =
    /\bspark\b/.test(text) &&
    (/\blocal(\[\*?\d*\]| mode)|\bsingle[- ](box|node|machine|vm)\b|\bone (big |beefy |large )?(machine|box|vm|server)\b|\bdriver (\+|and|&) executors?\b/.test(
      text,
    ) ||
      !/\b(cluster|workers|nodes|executors|node pool|k8s|kubernetes|emr|dataproc|databricks)\b|\b(worker|executor) nodes?\b/.test(text));
  if (!inProcess && !sparkAlone) return undefined;
  const memoryGib = Math.min(256, Math.max(16, nearestMachineSize(dataGib / 4)));
  return { vcpu: memoryGib / 4, memoryGib };
}

const OLAP_SERVER = /\b(pinot|druid|clickhouse|starrocks|doris)\b[^.]{0,40}\b(servers?|nodes?|replicas?|shards?)\b/;

const warehouse: Model = ({ facts: f, text }, ctx) => {
  const lake = /\b(trino|presto|athena|data lake|in s3)\b/.test(text) && !/clickhouse|druid|pinot/.test(text);
  const analysts = f.users.concurrent ?? f.users.total ?? 0;
  const rows = f.counts.row ?? f.counts.event ?? f.counts.record;
  const events = rateOf(f, 'events', 'records', 'messages');
  let data: number;
  if (f.dataGib) data = f.dataGib;
  else if (events || f.ingestGibPerDay) {
    // Events kept for their retention, a year when none is stated (asked), at ~1/5 of their raw size once columnar.
    const days = f.retentionDays ?? ctx.assume('retentionDays', 365, 'retention not stated: a year of events assumed');
    // Each copy of a segment ("replication 2") is stored: the cluster holds them all, shared over its servers.
    const copies = f.replicationFactor ?? (f.replicas !== undefined ? f.replicas + 1 : 1);
    data = (((f.ingestGibPerDay ?? (events * (f.itemBytes ?? 500) * DAY) / GIB) * days) / compressionOf(text, 5)) * copies;
    // Druid's and Pinot's rollup keep one row per dimension combination and time bucket: its docs report 10–100× fewer rows.
    if (ROLLUP.test(text)) {
      data /= 10;
      ctx.note('rollup at ingestion: stored rows taken as a tenth of the events (Druid reports 10–100×)');
    }
  } else if (rows) data = (rows * 100) / GIB;
  else data = ctx.assume('dataGib', 200, 'data size not stated: 200 GiB assumed');
  const queries = rateOf(f, 'queries', 'requests', 'searches');
  if (lake) {
    const memory = Math.max(64, analysts * 32);
    return {
      peak: { vcpu: memory / 8, memoryGib: memory, iops: 3000, networkGbps: 10 },
      // It spills, and keeps what the text says it caches ("we'd cache the hot ~500 GB locally on NVMe"), with half
      // as much again to spill beside it.
      storageGib: ROOT_GIB + Math.max(Math.min(2000, data * 0.01), (sizeInSentenceGib(text, LOCAL_COPY) ?? 0) * 1.5),
      // Trino's deployment guidance: workers of 16 cores and 64 GiB or more, a query's memory spread over all of them.
      floor: /\b(trino|presto)\b[^.]{0,40}\bworkers?\b/.test(text) ? { vcpu: 16, memoryGib: 64 } : undefined,
    };
  }
  const engine = oneMachineEngine(text, data);
  const memory = Math.max(32, data * 0.02, (queries / 50) * 4, engine?.memoryGib ?? 0);
  const vcpu = Math.max(2, memory / 8, analysts, queries / 50, events / 10000, engine?.vcpu ?? 0);
  return {
    peak: { vcpu, memoryGib: Math.max(memory, vcpu * 4), iops: 3000, networkGbps: bytesPerSecondToGbps(events * 500 + queries * 1e5) },
    // A warehouse keeps its history: what arrives ("growing 40 GB a month") adds up over the horizon; merges and
    // rebalancing want 30 % free, or the share the text asks for ("we want 40% free space for rebalancing").
    // A one-machine engine spills its joins and sorts beside the data, up to the data's size (as Spark's shuffle).
    storageGib: ROOT_GIB + (ctx.grown(data, true) + (engine ? data : 0)) / (1 - ctx.freeShare(0.23)),
    averageShare: f.schedule ? 0.3 : 0.4,
    // Druid's clustered example runs its historicals (data servers) on 16 vCPU and 122 GiB: segments are memory-mapped.
    // A server of another real-time OLAP engine (Pinot, ClickHouse, StarRocks) serves its segments the same way, from
    // memory-mapped files beside the queries' own memory: 8 vCPU and 32 GiB at least.
    floor:
      /\bdruid\b/.test(text) && /\bhistoricals?\b/.test(text)
        ? { vcpu: 16, memoryGib: 64 }
        : OLAP_SERVER.test(text)
          ? { vcpu: 8, memoryGib: 32 }
          : undefined,
  };
};

/**
 * A Hadoop cluster is sized by what HDFS holds: the data × its replication
 * (3 by default) ÷ 80 % full, on data nodes of ~96 TB (12 × 8 TB disks) with
 * 32 cores and 256 GiB each (Cloudera's reference nodes).
 */
function hdfs(f: Facts): ReturnType<Model> {
  const raw = (f.dataGib ?? 100 * 1024) * (f.replicationFactor ?? 3);
  const nodes = Math.max(3, Math.ceil(raw / 0.8 / (96 * 1024)));
  return {
    peak: { vcpu: 32 * nodes, memoryGib: 256 * nodes, iops: 3000 * nodes, networkGbps: 10 },
    storageGib: ROOT_GIB + raw / 0.8,
  };
}

/**
 * Batch ETL: a core reads, transforms and writes ~8 MB/s in Spark-like
 * stages with joins (shuffle included); 8 GiB per core as Spark executors on
 * memory-optimised nodes. A run stages its input (an extract, or shuffle
 * spill, which Spark's tuning guide says can reach the input's size) on local
 * disk: 1× the input when it comes from object storage, 2× when it is also
 * written locally. A job that "runs nightly for 3 hours" has that window.
 * Connectors (Kafka Connect, Debezium) stream through and stage nothing.
 */
const etl: Model = ({ facts: f, text }, ctx) => {
  if (/\b(hdfs|hadoop cluster)\b/.test(text)) return hdfs(f);
  // "Airflow … tasks all run as KubernetesPodOperator so no heavy lifting happens here": the scheduler, web server and
  // their logs; the data moves elsewhere. Airflow's own guidance: a couple of cores and a few GiB run hundreds of DAGs.
  if (ORCHESTRATOR_ONLY.test(text)) {
    const dags = f.counts.dag ?? f.counts.pipeline ?? 100;
    return {
      peak: { vcpu: Math.max(2, dags / 100), memoryGib: Math.max(4, 2 + dags / 25), iops: 500, networkGbps: 0.1 },
      storageGib: ROOT_GIB + 30,
    };
  }
  const rows = rateOf(f, 'records');
  // "exports 500M rows": a run's rows, at the size of a row.
  const counted = f.counts.row ?? f.counts.record;
  const perRun =
    f.dataGib ??
    f.ingestGibPerDay ??
    (rows
      ? (rows * DAY * (f.itemBytes ?? 1000)) / GIB
      : counted
        ? (counted * (f.itemBytes ?? 1000)) / GIB
        : ctx.assume('dataGib', 100, 'data per run not stated: 100 GiB assumed'));
  const windowHours =
    batchWindowHours(f) ??
    (/nightly|every night|each night/.test(text) ? ctx.assume('window', 6, 'window not stated: 6 hours a night assumed') : 24);
  const mbPerSecond = (perRun * 1024) / (windowHours * 3600);
  // "4 executors at 5 cores / 24 GB heap each": the executors the worker runs, each heap with Spark's default 10 %
  // memoryOverhead beside it, and a core and 8 GiB for the OS and the worker daemon.
  // "executors: 10 x (4 cores, 28g mem) … 2 executors per node -> 5 nodes": this node's two, its share of the input.
  const executors = f.perEntity.executor ?? f.counts.executor;
  const heapGib = f.ramEachGib ?? f.memoryGib;
  if (executors && f.coresEach && heapGib) {
    const nodes = /\bexecutors? (?:per|on each|a|each) (?:node|worker|machine|host)\b/.test(text)
      ? (f.counts.node ?? f.counts.worker ?? 1)
      : 1;
    return {
      peak: { vcpu: executors * f.coresEach + 1, memoryGib: executors * heapGib * 1.1 + 8, iops: 3000, networkGbps: 1 },
      // Shuffle spill files are merged into new ones beside them: half as much again as the spill.
      storageGib: ROOT_GIB + ((f.dataGib ?? perRun) / nodes) * 1.5,
      averageShare: Math.min(1, windowHours / 24),
    };
  }
  const engine = oneMachineEngine(text, perRun);
  const streamed = Math.max(2, mbPerSecond / 8);
  const vcpu = Math.max(streamed, engine?.vcpu ?? 0);
  const remote = /\b(s3|gcs|object stor\w+|data lake|lakehouse|parquet)\b/.test(text);
  // "reads 2 TB of Parquet from object storage … spark.local.dir hits ~600 GB per worker": the input streams in; the
  // local disk holds the shuffle spill stated, half as much again while spill files are merged.
  const spill = remote ? spillGibOf(text) : undefined;
  // Connectors stream records through and keep only their offsets in the broker: nothing staged on local disk.
  const streaming = /\b(kafka connect|debezium|connect workers|connectors?|cdc|change data capture)\b/.test(text);
  return {
    peak: {
      vcpu,
      memoryGib: Math.max(streamed * 8, engine?.memoryGib ?? 0),
      iops: 3000,
      networkGbps: Math.max(0.1, (mbPerSecond * 8) / 1000),
    },
    storageGib: ROOT_GIB + (streaming ? 10 : spill !== undefined ? spill * 1.5 : perRun * (remote ? 1 : 2)),
    averageShare: Math.min(1, windowHours / 24),
    // Spark's hardware provisioning guide: 8–16 cores a machine, memory for executors beside the OS.
    floor: SPARK_WORKER.test(text) ? { vcpu: 16, memoryGib: 64 } : undefined,
  };
};

/** A DAG scheduler whose tasks run somewhere else: "KubernetesPodOperator", "no heavy lifting happens here". */
const ORCHESTRATOR_ONLY =
  /\b(airflow|dagster|prefect|luigi|argo workflows)\b(?=[^]*\b(no heavy lifting|kubernetes ?pod ?operator|tasks? (all )?run (on|in|as|elsewhere)|(kubernetes|k8s|celery) executor on|workers? (run|are|live) elsewhere)\b)/;

/**
 * The local disk a job's shuffle or scratch takes, as stated ("spark.local.dir hits ~600 GB", "spill of 300 GB",
 * "needs ~100 GB scratch for the PDF run"), GiB.
 */
function spillGibOf(text: string): number | undefined {
  const after = /\b(?:local[._ ]dirs?|spill\w*|shuffle\w*|scratch)\b[^.;]{0,30}?\b(\d+(?:\.\d+)?)\s?(gb|gib|tb|tib)\b/.exec(text);
  const before =
    /\b(\d+(?:\.\d+)?)\s?(gb|gib|tb|tib) (?:of )?(?:local )?(?:scratch|temp(?:orary)? space|tmp space|working space|spill)\b/.exec(text);
  const m = after ?? before;
  return m ? Number(m[1]) * (m[2]!.startsWith('t') ? 1024 : 1) : undefined;
}

const SPARK_WORKER = /\bspark\b[^.]{0,40}\b(workers?|nodes?|executors?)\b|\b(workers?|nodes?|executors?)\b[^.]{0,20}\bspark\b/;

/** Stateful stream processing (sessionisation, windows): ~2,000 events/s per core, 4 GiB per core, an hour of state on disk. */
const streamProcessing: Model = ({ facts: f }, ctx) => {
  const events =
    rateOf(f, 'events', 'messages', 'records', 'samples') || ctx.assume('peakRate', 5000, 'event rate not stated: 5,000 events/s assumed');
  const vcpu = Math.max(2, events / 2000);
  return {
    peak: { vcpu, memoryGib: vcpu * 4, iops: 1000, networkGbps: bytesPerSecondToGbps(events * (f.itemBytes ?? 1000) * 2) },
    storageGib: ROOT_GIB + (events * (f.itemBytes ?? 1000) * 3600) / GIB,
  };
};

/**
 * A notebook server sizes the kernels that work at once, not every data set on the box. pandas needs 2–5× a file's
 * size in RAM while it works on it (its own docs on scaling), and its operations copy what is loaded: 2× here, or the
 * blow-up the text states ("which blows up to 3-4x in memory"). A shared server (JupyterHub) runs a kernel per
 * person: Zero to JupyterHub sizes memory as each one's × those at once ("4 people doing heavy stuff at the same
 * time", else half the people named), with 2 GiB for each of the others (or what a typical notebook is given) and 8
 * for the hub and the OS; a core per 8 GiB up to 64, per 4 where fits use every core, or the cores each notebook is
 * given. Disk: each person's home directory (10 GiB unless stated) and the shared data sets, half again spare.
 */
const notebook: Model = ({ facts: f, text }, ctx) => {
  const columns = f.counts.column ?? f.counts.feature ?? 0;
  // "5 million customers × 300 columns" counts data, not the people at the notebooks.
  const people = columns ? 0 : (f.users.total ?? f.users.concurrent ?? 0);
  const cells = (f.users.total ?? f.counts.row ?? f.counts.customer ?? 0) * columns;
  // A class works on teaching data sets (~1 GiB); analysts on whatever they are given (10 GiB unless stated).
  const teaching = /\b(students?|class(room)?|course|workshop|teaching|tutorials?)\b/.test(text);
  const loaded = sizeInSentenceGib(text, NOTEBOOK_LOAD);
  const stated = f.memoryGib ?? loaded ?? (cells ? (cells * 8) / GIB : undefined);
  const workingSet =
    stated ??
    f.dataGib ??
    ctx.assume('dataGib', teaching ? 1 : ctx.scaled(10), `data set size not stated: ${teaching ? 1 : ctx.scaled(10)} GiB assumed`);
  const blowUp = /\b(\d+(?:\.\d+)?)\s?x in (memory|ram)\b|\bblows? up to (\d+(?:\.\d+)?)\s?x\b/.exec(text);
  const factor = blowUp ? Number(blowUp[1] ?? blowUp[3]) : 2;
  const atOnce =
    /\b(\d+) (?:\w+ ){0,3}?(?:at the same time|at once|simultaneously|concurrently|in parallel)\b/.exec(text) ??
    /\b(\d+) (?:people|users|researchers|analysts|scientists|of them) (?:load|loading|crunch\w*|work(?:ing)? on)\b/.exec(text);
  const everyone = /\ball of them (are )?active\b|\beveryone (is )?active\b/.test(text);
  const working = Math.max(1, everyone ? people : atOnce ? Math.min(Number(atOnce[1]), people || Infinity) : Math.ceil(people / 2));
  // Nobody holds more than ~64 GiB in one pandas session.
  const memory = Math.max(8, working * Math.min(workingSet, 64) * factor + Math.max(0, people - working) * (f.ramEachGib ?? 2) + 8);
  // A core per 8 GiB, as memory-optimised machines come; per 4 where fits "use all cores".
  const perCore = /\b(every|all (the )?|all of the )cores?\b|\bcpu[- ]bound\b|\bgrid search/.test(text) ? 4 : 8;
  const vcpu = f.coresEach && people ? people * f.coresEach : Math.max(2, working, Math.min(64, memory / perCore));
  const shared = f.dataGib !== undefined && f.dataGib > workingSet ? f.dataGib : 0;
  return {
    peak: { vcpu, memoryGib: memory, iops: 3000, networkGbps: 1 },
    // The files a kernel loads, and what it writes from them, beside the shared sets.
    storageGib: ROOT_GIB + (people * (f.dataGibPerUser ?? 10) + Math.max(shared, workingSet * 2)) * 1.5,
    averageShare: 0.2,
  };
};

/** The sentence that says what a notebook loads: "a couple of people load 20 GB parquet files into pandas". */
const NOTEBOOK_LOAD = /\b(pandas|polars|numpy|in memory|into memory|load(s|ing)?|crunch\w*|working on|work on)\b/;

// ---------------------------------------------------------------- batch

/**
 * CI: concurrent builds = builds a day × minutes each ÷ a 10-hour working day,
 * ×2 for the busiest hour; a build gets 2 vCPU and 4 GiB per vCPU (GitHub's
 * hosted runners: 2–4 vCPU, 4 GiB each) unless the text says more; 50 GiB of
 * workspace and caches per concurrent build.
 */
const PIPELINES_PER_DEVELOPER = 4;

/**
 * "A full cook takes ~5 hours on a 16-core workstation and we want it under
 * 2": one job made faster, cores × the speed-up asked for (builds scale about
 * linearly with cores up to a few dozen).
 */
export function speedUpOf(text: string): { cores: number; speedUp: number } | undefined {
  const m =
    /\btakes? (?:about |around |roughly |~\s?)?(\d+(?:\.\d+)?) ?(hours?|hrs?|h|minutes?|mins?) on (?:an? |one |our |the )?(\d+)[- ]?(?:cores?|vcpus?|cpus?)\b[^.]{0,80}?\b(?:under|below|within|in|down to|to|less than) (?:about |~\s?)?(\d+(?:\.\d+)?)(?: ?(hours?|hrs?|h|minutes?|mins?))?\b/.exec(
      text,
    );
  if (!m) return undefined;
  const minutes = (v: string, unit: string) => Number(v) * (unit.startsWith('h') ? 60 : 1);
  // "under 2": in the unit the job's time was given in.
  const speedUp = minutes(m[1]!, m[2]!) / minutes(m[4]!, m[5] ?? m[2]!);
  return speedUp > 1 && speedUp <= 32 ? { cores: Number(m[3]), speedUp } : undefined;
}

const ciBuilds: Model = ({ facts: f, text }, ctx) => {
  const memoryEach =
    f.ramEachGib ?? (f.itemBytes && f.itemBytes >= GIB && /\bgb each\b|\b(ram|memory)\b/.test(text) ? f.itemBytes / GIB : undefined);
  const faster = speedUpOf(text);
  if (faster) {
    const cores = faster.cores * faster.speedUp;
    ctx.note(`one job ${faster.speedUp.toFixed(1)}× faster than on ${faster.cores} cores: ${Math.round(cores)} cores`);
    return {
      peak: { vcpu: cores, memoryGib: Math.max(memoryEach ?? 0, cores * 4), iops: 3000, networkGbps: 1 },
      storageGib: 50 + 50 + (f.dataGib ?? 0) * 1.25,
      averageShare: 0.3,
    };
  }
  // "uses all the cores it can get": a build on 4 cores at least, as Gradle and make -j do.
  const coresEach = f.coresEach ?? (/\ball the cores\b/.test(text) ? 4 : memoryEach ? memoryEach / 4 : 2);
  // "concurrent = 4" (GitLab's config.toml), "concurrency: 6": the jobs a runner takes at once.
  const configured = /\bconcurren(?:t|cy)\s*[=:]\s*(\d+)\b/.exec(text);
  // "~32 parallel compile jobs at up to 2 GB each": one build's threads, a core and the memory stated each.
  const compileJobs = /\b(parallel )?compile jobs\b|\bmake -j\s?\d+|\bninja\b/.test(text) ? f.counts.job : undefined;
  if (compileJobs)
    return {
      peak: { vcpu: compileJobs, memoryGib: compileJobs * (memoryEach ?? (f.itemBytes ?? 2 * GIB) / GIB), iops: 6000, networkGbps: 1 },
      storageGib: 50 + (f.dataGib ?? 0) * 1.25,
      averageShare: 0.3,
    };
  // A Jenkins agent's executors are the builds it runs at once.
  let concurrent =
    (configured ? Number(configured[1]) : undefined) ??
    f.counts.job ??
    f.counts.build ??
    f.counts.runner ??
    f.counts.agent ??
    f.counts.executor;
  if (!concurrent) {
    let perDay = rateOf(f, 'builds') * DAY;
    const devs = f.users.total ?? f.users.concurrent;
    if (!perDay && devs && f.rates.occurrences) perDay = devs * f.rates.occurrences * DAY;
    if (!perDay && f.counts.architecture) perDay = f.counts.architecture;
    // "2,000 frames over the next 3 days": a bounded job's whole count, spread over its window below.
    if (!perDay && f.counts.frame && f.windowHours) perDay = f.counts.frame;
    // A team named without a build count: ~4 pipelines per developer a working day (a few pushes and a merge), still asked.
    if (!perDay && devs)
      perDay = ctx.assume(
        'buildsPerDay',
        devs * PIPELINES_PER_DEVELOPER,
        `builds a day not stated: ${PIPELINES_PER_DEVELOPER} per developer assumed`,
      );
    const minutes = (f.durationEachSeconds ?? ctx.assume('buildMinutes', 600, 'build duration not stated: 10 minutes assumed')) / 60;
    if (!perDay) perDay = ctx.assume('buildsPerDay', 20, 'builds a day not stated: 20 assumed');
    const windowMinutes = f.windowHours ? f.windowHours * 60 : 600;
    concurrent = Math.max(
      1,
      Math.ceil(
        f.hourlyOrFiner.builds
          ? // "60 runs an hour": that hour's rate × minutes each (Little's law), not a day's builds squeezed into ten hours.
            rateOf(f, 'builds') * 60 * minutes
          : ((perDay * minutes) / windowMinutes) * (f.windowHours ? 1 : 2),
      ),
    );
  }
  const memory = concurrent * (memoryEach ?? coresEach * 4);
  return {
    peak: { vcpu: concurrent * coresEach, memoryGib: memory, iops: 3000 * Math.min(4, concurrent), networkGbps: 1 },
    // A workspace each job at once, and the caches the text says it keeps ("Docker layer cache + Gradle cache: ~300 GB").
    storageGib: 50 + concurrent * 50 + (f.dataGib ?? 0) * 1.25,
    averageShare: 0.3,
  };
};

/**
 * Video: x264 "medium" encodes 1080p at about real time on 4 cores (4
 * core-seconds per second of video); a 1080/720/480 ladder costs 1.75× one
 * 1080p rendition; UHD ×4, HEVC ×4 over H.264; live presets (veryfast) half.
 * Audio encodes at ~100× real time per core. Upload queues are sized at 2×
 * the day's mean; a bounded job over a stated window is spread evenly. Working
 * storage: a week of sources at ~1 MB/s (8 Mbit/s 1080p) plus outputs.
 */
/** Sources stay a week on the workers' disks: re-encodes and failed jobs need them. */
const SOURCE_DAYS_KEPT = 7;

const transcoding: Model = ({ facts: f, text }, ctx) => {
  const audio = f.media?.of === 'audio' || /\b(audio|podcast|mp3|aac)\b/.test(text);
  const renditionsNamed = new Set(text.match(/\b\d{3,4}p\b/g) ?? []).size;
  const ladder =
    renditionsNamed > 1 || /renditions|ladder|abr/.test(text) || (!/\bto h\.?26[45]\b/.test(text) && !renditionsNamed) ? 1.75 : 1;
  const codecs = audio ? Math.max(1, (text.match(/\b(mp3|aac|opus|flac|ogg)\b/g) ?? []).length) : 1;
  const uhd = /\buhd\b|\b4k\b|2160p/.test(text) ? 4 : 1;
  const hevc = /h\.?265|hevc|av1/.test(text) ? 4 : 1;
  const live = /\blive\b/.test(text);
  const coreSecondsPerSecond = audio ? 0.01 * codecs : 4 * ladder * uhd * hevc * (live ? 0.5 : 1);
  const streams = f.counts.stream ?? f.users.concurrent;
  const sourceBytesPerSecond = audio ? 176_400 : 1e6 * uhd * (uhd > 1 ? 3 : 1);
  let vcpu: number;
  let secondsPerDay: number;
  if (live && streams) {
    vcpu = streams * coreSecondsPerSecond;
    secondsPerDay = streams * DAY;
  } else {
    // "3,000 short clips … per day": a count of videos with a daily cue is a rate.
    const counted = f.counts.clip ?? f.counts.video ?? f.counts.upload ?? f.counts.episode ?? f.counts.recording;
    const videos = rateOf(f, 'videos') || (counted && /\b(per|a|each|every) day\b|\bdaily\b/.test(text) ? counted / DAY : 0);
    if (f.media?.perSecond) secondsPerDay = f.media.perSecond * 3600 * DAY;
    else if (f.media && f.windowHours) secondsPerDay = (f.media.hours * 3600) / (f.windowHours / 24);
    else if (videos)
      secondsPerDay =
        videos * DAY * (f.durationEachSeconds ?? ctx.assume('videoMinutes', 300, 'video length not stated: 5 minutes assumed'));
    // "300 GB/day of footage": the source bit rate turns bytes into seconds of video (asked, as the rate varies tenfold).
    else if (f.ingestGibPerDay)
      secondsPerDay = ctx.assume(
        'videoHoursPerDay',
        (f.ingestGibPerDay * GIB) / sourceBytesPerSecond,
        `hours of video a day not stated: read from the data arriving at ${(sourceBytesPerSecond * 8) / 1e6} Mbit/s`,
      );
    else secondsPerDay = ctx.assume('videoHoursPerDay', 10, 'hours of video a day not stated: 10 assumed') * 3600;
    const spread = f.windowHours && f.media && !f.media.perSecond ? 1 : 2;
    vcpu = Math.max(1, ((secondsPerDay * coreSecondsPerSecond) / DAY) * spread);
  }
  // "8 jobs concurrently per box; each ffmpeg process uses ~4 cores and ~1.5 GB RAM": the box the text describes.
  const jobs = f.counts.job ?? f.counts.process;
  if (jobs && f.coresEach) vcpu = Math.max(vcpu, jobs * f.coresEach);
  // "avg 20 min long … ready within ~30 min of upload … up to 4 concurrent jobs": each job gets the cores that finish
  // its video inside the deadline, and the box runs the jobs it is said to run, not the day's whole queue.
  else if (jobs && !live && f.durationEachSeconds && f.windowHours && f.windowHours < 24)
    vcpu = (jobs * f.durationEachSeconds * coreSecondsPerSecond) / (f.windowHours * 3600);
  const jobsMemory = jobs && f.ramEachGib ? 2 + jobs * f.ramEachGib * TICK_SPARE : 0;
  // Sources kept a week, unless the disk is scratch ("scratch is wiped after each job", "sources arrive from S3",
  // "renditions pushed to object storage"): then what is in flight, the files stated × their size, or a day's sources
  // and outputs.
  const scratch =
    /\bscratch\b|\bwiped\b|\bdeleted after\b|\b(arrive|come|pulled|fetched) from (s3|object storage|gcs|the bucket)\b/.test(text) ||
    /\b(pushed|uploaded|written|copied|shipped|sent) (back )?(to|into) (the |an? )?(s3|object storage|gcs|blob storage|(s3 |gcs )?bucket|cdn)\b/.test(
      text,
    );
  const inFlight =
    f.itemBytes && (f.counts.file ?? f.counts.video ?? f.counts.upload)
      ? ((f.counts.file ?? f.counts.video ?? f.counts.upload)! * f.itemBytes) / GIB
      : undefined;
  const working = scratch
    ? (inFlight ?? (secondsPerDay * sourceBytesPerSecond) / GIB) * (1 + 0.5 * ladder)
    : (secondsPerDay * SOURCE_DAYS_KEPT * sourceBytesPerSecond * (1 + 0.5 * ladder)) / GIB;
  return {
    peak: {
      vcpu,
      memoryGib: Math.max(2, vcpu * 1.5, jobsMemory),
      iops: 3000,
      networkGbps: bytesPerSecondToGbps((secondsPerDay / DAY) * sourceBytesPerSecond * 3),
    },
    storageGib: ROOT_GIB + (live ? Math.min(working, 500) : working),
    averageShare: 0.5,
  };
};

/** "Each image takes roughly 100-150 ms of CPU", "~0.5 s of CPU to render": the core-seconds one item takes. */
function cpuSecondsEach(text: string): number | undefined {
  // "0.5 s of CPU", "3–5 seconds CPU" (the top of a range, as numbers.ts reads it), "2 core-seconds".
  const m =
    /\b(\d+(?:\.\d+)?)\s?(ms|milliseconds?|s|secs?|seconds?) (?:of )?(?:cpu|compute|core time|a core)\b/.exec(text) ??
    /\b(\d+(?:\.\d+)?)\s?(?:cpu|core)[- ](ms|milliseconds?|s|secs?|seconds?)\b/.exec(text);
  return m ? Number(m[1]) / (m[2]!.startsWith('m') ? 1000 : 1) : undefined;
}

/**
 * A day's count that arrives in working hours ("50,000 pages a day, mostly between 8:00 and 18:00") comes at the rate
 * of those hours, not spread over all 24; a rate stated per hour or finer is already the rate of its hour.
 */
function inWorkingHours(f: Facts, perSecond: number, ...nouns: string[]): number {
  const hours = f.schedule?.hoursPerDay;
  return hours && hours < 24 && !nouns.some((n) => f.hourlyOrFiner[n]) ? (perSecond * 24) / hours : perSecond;
}

/**
 * Resizing a ~3 MB photo into a few sizes costs ~0.2 core-seconds (libvips is faster, ImageMagick slower); a day of
 * originals kept. Tesseract reads a 300 dpi page in about 1–3 s of one core (its own benchmarks and OCRmyPDF's
 * notes): 2 s a page.
 */
const OCR_CORE_SECONDS_PER_PAGE = 2;

const imageProcessing: Model = ({ facts: f, text }, ctx) => {
  // A one-off batch ("2 million photos by the end of the week") runs at the rate its deadline needs.
  const batch = f.counts.image ?? f.counts.photo ?? f.counts.picture ?? f.counts.page;
  const ocr = /\b(ocr|tesseract)\b/.test(text);
  // Uploads count as videos elsewhere; here they are the photos arriving.
  const arriving = ['images', 'photos', 'records', 'pages', 'videos'];
  const stated = inWorkingHours(f, rateOf(f, ...arriving), ...arriving);
  const windowHours = batchWindowHours(f);
  const windowed = !stated && batch && windowHours ? batch : undefined;
  const images =
    stated || (windowed ? windowed / (windowHours! * 3600) : 0) || ctx.assume('peakRate', 10, 'images per second not stated: 10 assumed');
  // A day's arrivals, or the batch itself: "80,000 images by 6am" holds 80,000, not its rate for a whole day.
  const held = windowed ?? images * DAY;
  const bytes = f.itemBytes ?? 3e6;
  // Decoding grows with the pixels, but a resize works on a shrunk decode (libvips' shrink-on-load): the root of the size.
  const coreSeconds = cpuSecondsEach(text) ?? (ocr ? OCR_CORE_SECONDS_PER_PAGE : 0.2 * Math.sqrt(bytes / 3e6));
  // A window is the time it has, already the peak: the rate it needs with a fifth spare, not twice it.
  const vcpu = Math.max(1, images * coreSeconds * (windowed ? TICK_SPARE : 2));
  // "Stateless, streams from/to S3": nothing of the batch on its own disk.
  // "Files never sit on local disk for more than a few seconds": the same.
  const streams =
    /\bstateless\b|\bstreams? (from|to|from\/to) (s3|object storage|the bucket|gcs)\b/.test(text) ||
    /\bnever (sits?|stays?|lands?|is stored|are stored|kept) on (the )?(local )?disk\b|\bno local (storage|disk)\b/.test(text) ||
    // "temp files are deleted right after processing": only what is in flight.
    /\b(deleted|removed|wiped|cleaned up|discarded) (right |immediately |straight |directly )?(after|once) (processing|each job|use|it is processed|they are processed|ocr)\b/.test(
      text,
    );
  return {
    peak: { vcpu, memoryGib: Math.max(2, vcpu * (ocr ? 1 : 1.5)), iops: 3000, networkGbps: bytesPerSecondToGbps(images * bytes * 2) },
    storageGib: ROOT_GIB + (streams ? 30 : (held * bytes * 1.3) / GIB),
    averageShare: 0.5,
  };
};

/**
 * Background job workers (Sidekiq, Celery, …): a job mostly waits on what it
 * calls, so ~0.1 s of CPU each, or half its stated duration; queues drained at
 * 2× the day's mean; ~1.5 GiB per core (a worker process per core, Sidekiq's
 * and Celery's ~0.5–1 GiB a process with its threads).
 */
const backgroundJobs: Model = ({ facts: f, text }, ctx) => {
  // "10,000 reports, window 11pm-5am": a batch spread over its window.
  // "statements for ~300,000 customers; each PDF is about 200 KB": one document for each person counted.
  const batch =
    f.counts.report ??
    f.counts.invoice ??
    f.counts.statement ??
    f.counts.document ??
    (/\beach (pdf|statement|invoice|report|document)\b/.test(text) ? (f.users.total ?? f.counts.customer) : undefined);
  const windowHours = batchWindowHours(f);
  const statedJobs = rateOf(f, 'builds', 'messages', 'records') || (batch && windowHours ? batch / (windowHours * 3600) : 0);
  // "A couple of reports … finishes in 5 minutes each night": jobs that long, with no rate, run as many at once as are
  // counted (two when none are); an assumed rate of short jobs times their length would be thousands of cores.
  const long = !statedJobs && (f.durationEachSeconds ?? 0) >= 60;
  const jobs =
    statedJobs ||
    (long
      ? ctx.assume('peakRate', Math.min(batch ?? 2, 16) / f.durationEachSeconds!, 'jobs at once not stated: those counted, or 2')
      : ctx.assume('peakRate', ctx.scaled(10), 'jobs per second not stated: 10 assumed'));
  // Jobs that mostly wait on what they call ("mostly I/O", "calls to external APIs") spend ~20 ms on a core.
  const waiting =
    /\b(i\/o|io)[- ]bound\b|\bmostly (i\/o|io|waiting|network)\b|\bcalls? to (external |third[- ]party )?(apis?|services)\b/.test(text);
  // "takes 3 seconds of CPU": all of it on a core; a duration alone is half waiting.
  const ofCpu = /\bseconds? of (cpu|compute)\b|\bcpu[- ]seconds?\b/.test(text);
  const cpuSeconds = waiting ? 0.02 : f.durationEachSeconds ? f.durationEachSeconds * (ofCpu ? 1 : 0.5) : 0.1;
  // "10 browser instances in parallel, each browser ~500 MB-1 GB": a headless browser keeps a core busy rendering.
  const parallel = f.counts.instance ?? f.counts.browser;
  const eachGib = parallel ? sizeInSentenceGib(text, EACH_BROWSER) : undefined;
  // Jobs counted at once are already the peak: no second factor for it.
  const vcpu = Math.max(
    1,
    (jobs * cpuSeconds * (long ? 1 : 2)) / TARGET_UTILISATION,
    parallel && eachGib ? parallel * 0.5 * TICK_SPARE : 0,
  );
  const memory = Math.max(2, vcpu * 1.5, parallel && eachGib ? 2 + parallel * eachGib * TICK_SPARE : 0);
  return {
    peak: { vcpu, memoryGib: memory, iops: 500, networkGbps: 0.1 },
    storageGib: ROOT_GIB + 10 + keptByJobGib(f, text, batch),
    averageShare: 0.5,
  };
};

const EACH_BROWSER = /\beach (?:browser|instance|chrome|chromium)\b/;

/**
 * What a batch keeps on its own disk: the batch staged before upload ("PDFs are staged locally", "stockés
 * localement"), what a crawler keeps ("saves the raw HTML, ~30 KB; we keep 14 nights"), or a dump staged compressed
 * ("dumps our databases (600 GB total) … stage the compressed dump locally"), with a quarter free. 0 when it keeps
 * nothing the text says.
 */
function keptByJobGib(f: Facts, text: string, batch: number | undefined): number {
  const scratch = spillGibOf(text);
  if (scratch !== undefined) return scratch * 1.25;
  if (/\b(dumps?|pg_dump(all)?|mysqldump|mongodump)\b/.test(text) && f.dataGib && /\b(stage[ds]?|locally|local disk)\b/.test(text))
    return (f.dataGib / compressionOf(text, 3)) * 1.25;
  if (!f.itemBytes) return 0;
  const perDay = rateOf(f, 'pages', 'records', 'files', 'documents', 'images') * DAY;
  if (batch && /\b(staged|stored|kept|written|saved) (locally|on (the )?local disk)\b|\blocal(ly)? staging\b/.test(text))
    return ((batch * f.itemBytes) / GIB) * 1.25;
  if (perDay && /\b(keep|kept|retain\w*|saves?)\b/.test(text)) return ((perDay * f.itemBytes * (f.retentionDays ?? 1)) / GIB) * 1.25;
  return 0;
}

/** Batch scoring: ~0.5 ms of CPU per row (feature fetch dominates a tree model's microseconds); training uses all cores, 2× the data set in RAM. */
const mlBatch: Model = ({ facts: f, text }, ctx) => {
  const training = /\b(re)?train/.test(text);
  // "Training takes 6h on 8 cores and we want it under 2h": the cores it ran on × the speed-up asked for.
  const faster = speedUpOf(text);
  // "a training box, 64 cores": the cores asked for are what training uses.
  if (training && f.coresEach) return trainingBox(f, text, faster ? Math.ceil(faster.cores * faster.speedUp) : f.coresEach);
  const rows = f.users.total ?? f.counts.customer ?? f.counts.row ?? f.counts.record ?? f.counts.user;
  // "the matrix and factors come to about 20GB in memory": what the job holds is its data set.
  const data =
    f.dataGib ?? f.memoryGib ?? (rows ? (rows * 100 * 8) / GIB : ctx.assume('dataGib', 10, 'data set size not stated: 10 GiB assumed'));
  const windowSeconds = (f.windowHours ?? 4) * 3600;
  const vcpu = training ? Math.max(8, (data * 2) / 8) : Math.max(2, ((rows ?? 1e6) * 0.0005) / windowSeconds);
  return {
    peak: { vcpu, memoryGib: Math.max(4, data * 2), iops: 3000, networkGbps: 1 },
    storageGib: ROOT_GIB + data * (training ? 3 : 2),
    averageShare: 0.15,
  };
};

/** A training machine the text sizes itself: its cores, the RAM it names or 4 GiB a core (twice the data it holds in memory, if more), 2× the data on disk. */
function trainingBox(f: Facts, text: string, cores: number): ReturnType<Model> {
  // What the text says sits in memory ("~48 GB raw in memory before DMatrix"), twice over for the trainer's own copy.
  // A set that "expands to about 2.5x in memory" during feature engineering holds that much.
  const expands = Number(/\b(\d+(?:\.\d+)?)\s?x in memory\b/.exec(text)?.[1] ?? 0);
  const memory = f.ramGib ?? Math.max(cores * 4, (f.memoryGib ?? 0) * 2, (f.dataGib ?? 0) * expands * 1.25);
  return {
    peak: { vcpu: cores, memoryGib: memory, iops: 3000, networkGbps: 1 },
    storageGib: ROOT_GIB + Math.max(100, (f.dataGib ?? 0) * 2),
    averageShare: 0.15,
  };
}

// ---------------------------------------------------------------- realtime

/** A sentence about one process: "each match process uses ~0.5 vCPU and ~600 MB", "one match ≈ 400 MB RAM". */
const ONE_PROCESS =
  /\b(?:each|one|every|per|a single)\s+(?:[a-z]+\s+)?(?:match|instance|process|server process|game server)\b|\bmatch process\b/;
/** A tick-based host is run a fifth below full so a tick never waits for a core (the game-hosting rule of thumb). */
const TICK_SPARE = 1.25;

/** "We pack 10 matches per machine", "6 instances per VM", "32 matches per box": the game processes one host runs. */
function processesPerHost(f: Facts, text: string): number | undefined {
  return (
    f.perEntity.match ??
    f.perEntity.instance ??
    f.perEntity.process ??
    (/\b(?:matches|instances|processes) per (?:box|machine|vm|host|server)\b/.test(text)
      ? (f.counts.match ?? f.counts.instance ?? f.counts.process)
      : undefined)
  );
}

/**
 * What a host that packs game processes needs: "we pack 10 matches per machine; each match process uses ~0.5 vCPU and
 * ~600 MB", "6 instances per VM, each needs 2–3 GB RAM and a core". The count per host × what one process takes,
 * with a fifth spare and 2 GiB for the host; undefined when the text does not say both.
 */
function packedProcesses(f: Facts, text: string, processes: number | undefined): { vcpu: number; memoryGib: number } | undefined {
  if (!processes) return undefined;
  const sentence = sentenceAbout(text, ONE_PROCESS);
  if (!sentence) return undefined;
  const size = f.ramEachGib ?? largestSizeGib(sentence);
  const cores = f.coresEach ?? (/\b(?:a|one|1) (?:full |good |whole )?core\b/.test(sentence) ? 1 : undefined);
  if (size === undefined && cores === undefined) return undefined;
  return {
    vcpu: processes * (cores ?? 0.5) * TICK_SPARE,
    memoryGib: 2 + processes * (size ?? 1) * TICK_SPARE,
  };
}

/** The first sentence the pattern finds ("0.5 vCPU" is not a sentence's end). */
const sentenceAbout = (text: string, about: RegExp) => text.split(/(?<!\d)\.|\.(?!\d)|[;\n]/).find((s) => about.test(s));

/** The largest size a sentence states ("~500 MB-1 GB" is 1 GB), GiB. */
function largestSizeGib(sentence: string): number | undefined {
  const sizes = [...sentence.matchAll(/(\d+(?:\.\d+)?)\s?(mb|mib|gb|gib)\b/g)].map(
    (m) => Number(m[1]) / (m[2]!.startsWith('m') ? 1024 : 1),
  );
  return sizes.length ? Math.max(...sizes) : undefined;
}

/** The largest size in the first sentence the pattern finds ("each browser ~500 MB-1 GB", "cache the hot ~500 GB locally"), GiB. */
function sizeInSentenceGib(text: string, about: RegExp): number | undefined {
  const sentence = sentenceAbout(text, about);
  return sentence === undefined ? undefined : largestSizeGib(sentence);
}

/**
 * Game servers: a 64-player match server at 64 ticks/s keeps a core busy
 * (1/32 core per player with headroom); ~64 MiB per player and 2 GiB per
 * server process; Minecraft is heavier per player (1/16 core, 150 MiB) and
 * mods add half again. A quiz, card or turn-based game is a websocket
 * server's load instead: ~2,000 players a core (a core per 25,000 idle
 * connections, a few messages each a minute), ~0.25 MiB each. 10 GiB of game
 * files per host of 16 cores.
 */
const gameServer: Model = ({ facts: f, text }, ctx) => {
  const minecraft = /minecraft/.test(text);
  // "5v5 matches": the players of a match are its two sides.
  const sides = /\b(\d{1,2}) ?v(?:s\.?)? ?(\d{1,2})\b/.exec(text);
  const perMatch = f.users.perGroup ?? (sides ? Number(sides[1]) + Number(sides[2]) : undefined);
  // Each match of a tick-based game runs in its own server process ("8 matches at the same time": 8 of them), ~½ core and
  // 1 GiB each before its players; a server the text names is a host's worth, 2 cores and 2 GiB.
  const matches = !CASUAL_GAME.test(text) && perMatch && f.counts.match ? f.counts.match : 0;
  const servers = f.counts.server ?? f.counts.world ?? f.counts.realm ?? (matches ? 0 : 1);
  const slots = f.counts.slot ?? (f.users.concurrent && /slots?/.test(text) ? f.users.concurrent : undefined);
  const perHost = processesPerHost(f, text);
  const players =
    (perMatch && f.counts.match ? perMatch * f.counts.match : undefined) ??
    // "64 players per instance … 6 instances per VM".
    (f.users.perGroup && perHost ? f.users.perGroup * perHost : undefined) ??
    (slots && servers > 1 ? slots * servers : undefined) ??
    // "20 Valheim worlds, ~10 players each": the players of each server, for every one.
    (f.users.concurrent && servers > 1 && /\bplayers (each|apiece|per (world|server|realm|map|instance))\b/.test(text)
      ? f.users.concurrent * servers
      : undefined) ??
    f.users.concurrent ??
    f.users.total ??
    10;
  // A quiz, card or turn-based game sends a message now and then, not 30 ticks a second of physics: a websocket's load.
  const casual = CASUAL_GAME.test(text);
  const playersPerCore = minecraft ? 16 : casual ? 2000 : 32;
  const packed = packedProcesses(f, text, perHost);
  const vcpu = Math.max(2 * servers + 0.5 * matches + players / playersPerCore, packed?.vcpu ?? 0);
  const memory = Math.max(
    (2 * servers + matches + players * (minecraft ? 0.15 : casual ? 1 / 4096 : 0.0625)) *
      (minecraft && /mods?|modded|modpack/.test(text) ? 1.5 : 1),
    packed?.memoryGib ?? 0,
  );
  const hosts = Math.max(servers, Math.ceil(vcpu / 16));
  return {
    // A tick-based game streams ~30 KB/s of state to each player; a move now and then is ~1 KB/s.
    peak: { vcpu, memoryGib: memory, iops: 500, networkGbps: bytesPerSecondToGbps(players * (casual ? 1_000 : 30_000)) },
    // Game files a host, and the world the text says it keeps ("world is 40 GB and grows ~5 GB/month"), grown, with
    // room for the save being written beside it.
    storageGib: ROOT_GIB + 10 * hosts + (f.dataGib ? ctx.grown(f.dataGib, true) * 1.5 : 0),
    averageShare: 0.35,
  };
};

/**
 * Calls recorded on the box before they are shipped ("a local buffer of one working day would be nice (8h shifts,
 * mono 8 kHz WAV)"): every call at peak for a day's buffer, the average day's calls for longer ones, at 16 KB/s for
 * 16-bit 8 kHz WAV (G.711's 8 KB/s when the codec is named instead), a video call's ~1 Mbit/s.
 */
function recordingsGib(f: Facts, text: string, calls: number): number {
  const recorded =
    /\b(are|is|get|gets|will be|must be|being|calls?|sessions?|meetings?) recorded\b|\brecord(s|ing)? (all |every |the )?(calls?|sessions?|meetings?)\b|\bcall recordings?\b/.test(
      text,
    );
  const notRecorded =
    /\b(no|not|never|without|off|disabled|nothing|none)\b[^.;]{0,20}\brecord|\brecord\w*[^.;]{0,20}\b(is|are) (off|not|never|disabled)\b|\brecord\w* (off|disabled)\b/.test(
      text,
    );
  if (!recorded || notRecorded) return 0;
  const bytesPerSecond = /\b(video|jitsi|meet|bbb|bigbluebutton|webinar)\b/.test(text)
    ? 125_000
    : /\bwav\b|8 ?khz/.test(text)
      ? 16_000
      : 8_000;
  // A day's buffer holds the busiest shift; weeks of recordings hold the average day, a third of the peak for 8 hours.
  if (f.retentionDays && f.retentionDays > 1) return ((calls / PEAK_FACTOR) * bytesPerSecond * 8 * 3600 * f.retentionDays) / GIB;
  const spanHours = /\b(one|a|1) working day\b|\b8 ?h(ours?)? shifts?\b/.test(text) ? 8 : 24;
  return (calls * bytesPerSecond * spanHours * 3600) / GIB;
}

/**
 * WebRTC relays (TURN, SFUs): the load is the media they forward. A call of
 * two, each sending ~1.5 Mbit/s of 720p video (WebRTC's usual target) that
 * the relay receives and sends on, is ~6 Mbit/s through it; an SFU core
 * forwards ~100 such streams (Jitsi's and mediasoup's figures for a worker).
 */
function mediaRelay(f: Facts, text: string, ctx: Context): ReturnType<Model> {
  const calls =
    f.counts.call ??
    f.counts.meeting ??
    f.counts.room ??
    (f.users.concurrent ? f.users.concurrent / 2 : ctx.assume('concurrentUsers', 50, 'concurrent calls not stated: 50 assumed'));
  // "50 rooms, 8 people": fewer people than rooms are each room's.
  const rooms = f.counts.room ?? f.counts.meeting ?? f.counts.call;
  const participants = f.users.perGroup ?? (rooms && f.users.total && f.users.total < rooms ? f.users.total : 2);
  const streams = calls * participants;
  return {
    peak: {
      vcpu: Math.max(2, streams / 100),
      memoryGib: Math.max(2, 1 + streams / 200),
      iops: 300,
      networkGbps: (streams * 1.5e6 * 2) / 1e9,
    },
    storageGib: ROOT_GIB + recordingsGib(f, text, calls),
    averageShare: 0.3,
  };
}

/** A stream's bit rate as written ("128 kbps", "5 Mbps"). */
const STREAM_RATE = /\b(\d+(?:\.\d+)?)\s?(kbps|kbit\/s|kb\/s|mbps|mbit\/s)\b/;

/** A rate stated for each client: "each client receives", "per connection", "ogni client", "chaque client", "cada cliente". */
const PER_CLIENT =
  /\b(each|every|per|ogni|chaque|cada|jede[rn]?|ka[zż]dy) (client|connection|user|subscriber|socket|device|viewer|player|cliente|utente|utilisateur|usuario|nutzer)s?\b/;

/**
 * Persistent connections: ~64 KiB per open WebSocket (buffers and session
 * state; Phoenix's 2-million-connection test used ~60 KiB each), a core per
 * 25,000 connections, a core per 20,000 messages/s delivered, two cores at
 * least; collaborative documents are kept in memory (~1 MiB each).
 */
const websocket: Model = ({ facts: f, text }, ctx) => {
  if (MEDIA_RELAY.test(text)) return mediaRelay(f, text, ctx);
  const connections =
    f.users.concurrent ??
    f.counts.connection ??
    f.counts.device ??
    f.counts.client ??
    // "300 viewers at 3 Mbps": everyone named watches the stream at once.
    (STREAM_RATE.test(text) ? f.users.total : undefined) ??
    (f.users.daily ? f.users.daily / 10 : ctx.assume('concurrentUsers', 1000, 'concurrent connections not stated: 1,000 assumed'));
  // A rate each client gets or sends ("each client receives ~20 updates/sec", "ogni client riceve 5 aggiornamenti al
  // secondo") is delivered to every connection, as one under a message a second is.
  const stated = rateOf(f, 'messages', 'events', 'requests', 'writes', 'updates');
  const perClient = rateOf(f, 'messages') < 1 || (PER_CLIENT.test(text) && stated * 100 < connections);
  const messages = stated * (perClient ? connections : 1);
  const documents = f.counts.document ?? f.counts.room ?? 0;
  // A stream each listener holds open ("500 listeners at 128 kbps"): its bit rate, sent to every one of them.
  const rate = STREAM_RATE.exec(text);
  const kbps = rate ? Number(rate[1]) * (rate[2]!.startsWith('m') ? 1000 : 1) : 0;
  const streamedGbps = (connections * kbps) / 1e6;
  // Sending streams over TLS takes ~a core per 2 Gbit/s (sendfile and kTLS do better, an origin rarely has them).
  const vcpu = Math.max(2, connections / 25000 + messages / 20000 + streamedGbps / 2);
  return {
    peak: {
      vcpu,
      memoryGib: 2 + (connections * 64 * 1024) / GIB + documents / 1024,
      iops: 300,
      networkGbps: bytesPerSecondToGbps(messages * 500 + connections * 50) + streamedGbps,
    },
    // "Snapshots are persisted to local LevelDB (~100 GB today)": what it keeps on its own disk, grown.
    storageGib:
      ROOT_GIB +
      (f.dataGib && /\b(local(ly)?|on disk|leveldb|rocksdb|sqlite|persisted)\b/.test(text) ? ctx.grown(f.dataGib, true) * 1.5 : 0),
    averageShare: 0.35,
  };
};

// ---------------------------------------------------------------- web

/**
 * A page view is the page and what it calls: ~5 requests (HTML, a few API
 * calls or assets), an eighth of a visit's 40 (web apps) or a quarter of the
 * 20 of a static site's visit, where assets are most of the requests.
 */
const REQUESTS_PER_PAGE_VIEW = 5;

/**
 * Static sites: nginx serves thousands of small files per core; sized at
 * 1,000 requests/s per core (TLS included) and 50 MB/s per core of large
 * files; a visit is ~20 requests (page and assets), the busiest hour 3× the
 * mean. A CDN in front leaves the misses: edge rate × (1 − hit ratio).
 */
const staticSite: Model = ({ facts: f }) => {
  const pageViews = rateOf(f, 'pageviews');
  const visitsPerSecond = rateOf(f, 'visitors') || (pageViews ? 0 : (f.users.daily ?? f.users.total ?? 1000) / DAY);
  let requests = rateOf(f, 'requests') || (visitsPerSecond * 20 + pageViews * REQUESTS_PER_PAGE_VIEW) * (f.peakStated ? 1 : PEAK_FACTOR);
  if (f.hitRatio !== undefined) requests *= 1 - f.hitRatio;
  const bytes = requests * (f.dataGib && f.dataGib > 100 ? 200_000 : 50_000);
  const vcpu = Math.max(0.5, requests / 1000, bytes / 50e6);
  const site = f.dataGib ?? 1;
  return {
    peak: { vcpu, memoryGib: Math.max(0.5, vcpu), iops: 100, networkGbps: bytesPerSecondToGbps(bytes) },
    storageGib: ROOT_GIB + site * 1.15,
    averageShare: 0.3,
  };
};

/**
 * Web applications and APIs: CPU per request ~5 ms for JVM/Node/.NET (most of a request waits on its database)
 * services, ~25 ms in Ruby/Python/PHP frameworks, ~1 ms in Go and in
 * gateways that mostly proxy; logins hash passwords (~50 ms, PBKDF2 at
 * Keycloak's default). Peak requests come from users when no rate is given:
 * ~40 requests per daily user, the busiest hour 3× the mean, DAU = MAU / 4,
 * a quarter to half of a closed population active daily, a concurrent user
 * a request every 5 s. Memory 2 GiB per vCPU (1 in Go and gateways), 1.5 GiB
 * more for a JVM.
 */
/**
 * CPU milliseconds a request costs as the text states it, when it does: "50 ms CPU per request", "each request
 * burns ~30 ms of CPU", "20ms cpu/req". A measured cost beats any framework's typical one.
 */
const STATED_CPU_MS =
  /\b(\d+(?:\.\d+)?)\s?ms\s+(?:of\s+)?cpu(?:\s+time)?\s*(?:per|\/|a|an|each|for each)\s*(?:request|req|call|query)\b|\b(?:each|per|a|every)\s+(?:request|req|call|query)\s+(?:takes|costs|uses|burns|needs|is)\s+(?:~|about|around|roughly)?\s*(\d+(?:\.\d+)?)\s?ms\s+(?:of\s+)?cpu\b|\b(?:renders?|requests?|pages?|calls?)\b[^.;]{0,40}?\b(\d+(?:\.\d+)?)\s?ms\s+(?:of\s+)?cpu(?:\s+time)?\s+(?:each|apiece)\b|\bcpu(?: time)? per (?:request|req|call|query)\s*(?:~|about|around)?\s*(\d+(?:\.\d+)?)\s?ms\b/;

/** Models that predict by walking trees or a linear formula: microseconds of arithmetic, not a network's layers. */
const TREE_MODEL =
  /\b(xgboost|lightgbm|catboost|gradient[- ]boost\w*|random forests?|decision trees?|scikit-learn|sklearn|logistic regression)\b/;

/** CPU milliseconds a request costs, by what the text states or else what serves it. */
function msPerRequest(text: string, serves: { light: boolean; scripting: boolean; inference: boolean }): number {
  const stated = STATED_CPU_MS.exec(text);
  if (stated) return Number(stated[1] ?? stated[2] ?? stated[3] ?? stated[4]);
  // A tree ensemble (XGBoost, LightGBM) predicts in a millisecond or two; the web framework around it costs as much again.
  if (serves.inference && TREE_MODEL.test(text)) return 5;
  if (serves.inference) return /onnx/.test(text) ? 20 : 60;
  // Unbound and PowerDNS Recursor answer tens of thousands of cached queries a second per core; PgBouncer, single-threaded,
  // passes ~10,000–20,000 queries a second.
  if (DNS_SERVER.test(text)) return 0.05;
  // Rendering React or Vue pages on the server costs ~20 ms of a core a page.
  if (/\b(server-side render\w*|ssr|next\.?js|nuxt|remix|sveltekit)\b/.test(text)) return 20;
  if (CONNECTION_POOLER.test(text)) return 0.1;
  if (serves.scripting && !serves.light) return 25;
  if (!serves.light) return 5;
  if (/graphql/.test(text)) return 2;
  // A proxy that only terminates TLS and forwards: NGINX's sizing guide gives thousands of TLS handshakes and tens of
  // thousands of keep-alive requests per second per core, ~0.3 ms a request for a mix of both. Gateways run plugins.
  const proxy = /\b(nginx|haproxy|envoy|traefik|caddy|varnish|reverse proxy|load balancer|tls termination|terminating tls)\b/;
  return proxy.test(text) && !/\b(gateway|kong|lua|plugins?)\b/.test(text) ? 0.3 : 1;
}

/**
 * Self-hosted products whose own documents set a minimum above what their
 * traffic alone needs (they run workers, a database and a cache beside the
 * web process): GitLab, Confluence and Jira 4 cores and 8 GiB, Sentry 4 and 16 GiB; Mastodon,
 * Matrix Synapse, Discourse, Odoo and Moodle 2 cores and 4 GiB.
 */
function productFloor(text: string, users = 0, millionPageViewsAMonth = 0): { vcpu: number; memoryGib: number } {
  if (/\bsentry\b/.test(text)) return { vcpu: 4, memoryGib: 16 };
  // Matomo's server sizing, in orders of magnitude: 2 cores and 4 GiB up to ~1 million tracked page views a
  // month, 4 and 8 up to ~10 million (its archiving, not the tracker requests, is the load).
  if (/\b(matomo|piwik)\b/.test(text)) return millionPageViewsAMonth > 1 ? { vcpu: 4, memoryGib: 8 } : { vcpu: 2, memoryGib: 4 };
  // Tableau Server's minimum for production: 8 cores and 32 GiB.
  if (/\btableau\b/.test(text)) return { vcpu: 8, memoryGib: 32 };
  // GitLab's requirements: 4 cores and 8 GiB up to 500 users; its reference architectures 8 and 16 GiB per 1,000 beyond.
  if (/\bgitlab\b/.test(text))
    return users <= 500 ? { vcpu: 4, memoryGib: 8 } : { vcpu: 8 * Math.ceil(users / 1000), memoryGib: 16 * Math.ceil(users / 1000) };
  // Atlassian's Data Center sizing: a small instance (up to ~500 users) 4 cores and 8 GiB, the JVM heap 2–4 GiB of it.
  if (/\b(confluence|jira|bitbucket server)\b/.test(text)) return { vcpu: 4, memoryGib: 8 };
  // Mattermost's and Rocket.Chat's requirements for up to ~1,000 users: 2 cores and 4 GiB.
  if (/\b(mastodon|synapse|matrix|discourse|odoo|moodle|mattermost|rocket\.chat)\b/.test(text)) return { vcpu: 2, memoryGib: 4 };
  return { vcpu: 0, memoryGib: 0 };
}

/** Requests behind one order: ~50 visits (a 2 % conversion rate) × ~20 requests a visit. */
const ORDER_REQUESTS = 1000;

/** A sentence about one application process: "12 gunicorn workers at ~250 MB RSS each", "each worker sits around 600 MB". */
const EACH_WORKER = /\b(each|per) (worker|process)\b|\bworkers? (at|sits?|uses?|takes?)\b|\brss\b/;

const BEHIND =
  /\b(behind|in front of which|derrière|detrás de|dietro|hinter|atrás de)\s+(?:an?|the|our|le|la|les|el|del|los|il|lo|dem|den|einem|o|do)?\s*(?:public |internal |aws |an )?(load balancer|balanceador|bilanciatore|lb|alb|nlb|elb|proxy|reverse proxy|gateway|api gateway|nginx|haproxy|envoy|traefik|ingress|cdn|cloudflare|varnish)\b/g;

/** Scripting frameworks and the platforms built on them: a request costs their interpreter's time. */
const SCRIPTING_FRAMEWORK = /\b(django|rails|ruby|python|flask|fastapi|php|laravel|wordpress|woocommerce|magento|drupal)\b/;

/**
 * The data an application keeps on its own disk: what the text states, less the figures of a sentence about a store
 * run elsewhere ("Backed by the existing RDS Postgres (~500 GB, not part of this ask)."), whose data is not on it.
 */
function ownDataGib(f: Facts, text: string, sameBox: boolean): number | undefined {
  if (f.dataGib === undefined || sameBox || !STORE_ELSEWHERE.test(text)) return f.dataGib;
  const own = text
    .split(/(?<=[.!?;])\s+|\n+/)
    .filter((sentence) => !STORE_ELSEWHERE.test(sentence))
    .join(' ');
  const extraction = extractQuantities(own);
  return factsOf(extraction.quantities, extraction.peakStated).dataGib;
}

/** A database or warehouse an application uses that runs somewhere else: managed, existing, shared, or out of the ask. */
const STORE_ELSEWHERE =
  /\b(rds|aurora|cloud sql|azure sql|snowflake|bigquery|redshift|databricks|mongodb atlas|atlas|dynamodb|cosmos ?db|planetscale|neon|supabase)\b|\b(existing|managed|separate|shared|external|central|company) (\w+ ){0,2}?(postgres\w*|pg|mysql|mariadb|database|db|mongo\w*|sql server|mssql|oracle|warehouse|cluster)\b|\bnot part of this (ask|request|ticket)\b|\b(database|db|postgres\w*|mysql) (is|are|stays|lives|runs) (separate(ly)?|elsewhere)\b/;

const webApp: Model = ({ facts: f, text }, ctx) => {
  // A payment or SMS gateway is a business API (card data, a database, fraud checks), not a proxy. What it sits behind
  // ("behind the load balancer", "derrière le load balancer") is not what it is.
  const itself = text.replace(BEHIND, ' ');
  // "php-fpm + nginx": the web server in front of a scripting framework is not what the requests cost.
  const framework = SCRIPTING_FRAMEWORK.test(text);
  const light =
    (/\b(go|golang|rust|kong|envoy|nginx|haproxy|traefik|caddy|varnish|load balancer|(?<!(payments?|sms|email) )gateway|proxy(ing)?)\b/.test(
      itself,
    ) &&
      !framework) ||
    CONNECTION_POOLER.test(text) ||
    DNS_SERVER.test(text);
  // Shops mostly run on PHP, Ruby or Python platforms: priced as scripting.
  const scripting = framework || /\b(e-?commerce|shop|storefront)\b/.test(text);
  const jvm = /\b(spring|java|jvm|kotlin|keycloak|confluence|jira|scala|metabase)\b/.test(text);
  const inference =
    /\b(inference|classifier|model serving|distilbert|bert|onnx|llm|predictions?)\b/.test(text) ||
    /\bmodels? (behind|served|serving)\b/.test(text);
  const cpuMs = msPerRequest(text, { light, scripting, inference });
  let rps = rateOf(f, 'requests', 'queries', 'searches', 'lookups', 'operations', 'transactions');
  const logins = rateOf(f, 'logins');
  const pageViews = rateOf(f, 'pageviews');
  if (!rps && !logins && pageViews)
    rps = pageViews * REQUESTS_PER_PAGE_VIEW * (f.hourlyOrFiner.pageviews || f.peakStated ? 1 : PEAK_FACTOR);
  if (!rps && !logins) {
    const orders = rateOf(f, 'orders');
    const visits = rateOf(f, 'visitors');
    const daily =
      f.users.daily ??
      (f.users.monthly ? f.users.monthly / 4 : undefined) ??
      (visits ? visits * DAY : undefined) ??
      (f.users.total ? f.users.total * (/employees?|staff|members?/.test(text) ? 0.5 : 0.25) : undefined);
    if (f.users.concurrent) rps = f.users.concurrent * 0.2;
    else if (daily) rps = ((daily * 40) / DAY) * PEAK_FACTOR;
    // An order is ~50 visits (a 2 % conversion) of ~20 requests each: 1,000 requests an order, at the moment the rate
    // describes; a day's orders are its mean, the busiest hour 3× that.
    else if (orders) rps = orders * ORDER_REQUESTS * (f.hourlyOrFiner.orders || f.peakStated ? 1 : PEAK_FACTOR);
    else rps = ctx.assume('peakRate', ctx.scaled(30), 'request rate not stated: 30 requests/s assumed');
  }
  // "~90k req/min, mostly absorbed by Cloudflare, origin sees maybe 10% of it": the origin serves the CDN's misses.
  if (f.hitRatio !== undefined && /\b(cdn|cloudflare|fastly|cloudfront|akamai|origin)\b/.test(text)) rps *= 1 - f.hitRatio;
  if (/keycloak|\bsso\b/.test(text) && !logins) rps = Math.max(rps, 1);
  // Bytes the text says arrive ("3 Gbps of telemetry"): parsing and forwarding JSON runs at ~50 MB/s a core.
  const bytesIn = f.ingestGibPerDay ? (f.ingestGibPerDay * GIB) / DAY : 0;
  const cpu = Math.max((rps * cpuMs + logins * (50 + 10 * cpuMs)) / 1000, bytesIn / 50e6) / TARGET_UTILISATION;
  const floor = productFloor(text, f.users.total ?? f.users.daily ?? 0, (pageViews * 30 * DAY) / 1e6);
  // A language model's weights stay in memory: 2 bytes a parameter at fp16, +20 % for the KV cache ("a 7B model").
  const params = /\b(\d+(?:\.\d+)?)\s?b\b(?=[^.]{0,30}\b(?:models?|llm|params|parameters|llama|mistral|instruct)\b)/.exec(text);
  const weightsGib = params ? (Number(params[1]) * 1e9 * 2 * 1.2) / GIB : 0;
  if (params)
    ctx.note(
      `a ${params[1]}B-parameter model: ${Math.ceil(weightsGib)} GiB of weights in memory; a GPU instance serves it far faster than CPUs`,
    );
  // "400 GB in MySQL on the same box": the database's buffer pool and a core for it share the instance.
  const sameBox = f.dataGib !== undefined && /\bon the same (box|server|machine|host|instance|vm|node)\b/.test(text);
  const database = sameBox ? { vcpu: 1, memoryGib: 2 + hotSetGib(f.dataGib!) } : { vcpu: 0, memoryGib: 0 };
  // "12 gunicorn workers at ~250 MB RSS each", "Puma with 6 workers, each ~600 MB RSS (grows to ~900 MB)": a
  // process a core at most and three quarters of one at least, and the memory the processes are said to take.
  const processes = f.counts.worker ?? f.counts.process;
  const rss = processes ? sizeInSentenceGib(text, EACH_WORKER) : undefined;
  const served = processes && rss ? Math.min(Math.max(cpu, processes * 0.75), processes) : cpu;
  const vcpu = Math.max(jvm ? 1 : 0.5, served, floor.vcpu, params ? 8 : 0) + database.vcpu;
  const memory =
    (processes && rss
      ? Math.max(floor.memoryGib, 2 + processes * rss * TICK_SPARE + weightsGib)
      : Math.max(floor.memoryGib, 0.5 + vcpu * (light ? 1 : 2) + (jvm ? 1.5 : 0) + (inference ? 1 : 0) + weightsGib)) + database.memoryGib;
  // A heap the text states ("-Xmx8g", "an ~8 GB heap"): the JVM takes half again outside it (metaspace, threads, buffers).
  const heap = jvm && f.memoryGib ? 1 + f.memoryGib * 1.5 : 0;
  return {
    peak: {
      vcpu,
      memoryGib: Math.max(memory, heap),
      iops: Math.max(100, rps * 0.2),
      networkGbps: bytesPerSecondToGbps(Math.max(rps * 20_000, bytesIn) * 2),
    },
    // Data the text says the application keeps ("a Postgres backend with 300 GB") is on its disk, with a database's 25 % to grow into.
    // Data kept in object storage ("50 TB of photos in S3"), or in a database run elsewhere ("the existing RDS Postgres
    // (~500 GB, not part of this ask)", "dashboards on top of Snowflake, ~8 TB"), is not the instance's disk. Beside the
    // OS, a server's own: the release running and the one to roll back to, temp files, a few days of logs.
    storageGib:
      ROOT_GIB +
      SERVER_OWN_GIB +
      (/\bin (object storage|s3|gcs|blob storage|an? (s3 )?bucket)\b/.test(text) ? 0 : (ownDataGib(f, text, sameBox) ?? 0) * 1.25) +
      localLogsGib(f, text),
    averageShare: 0.33,
    // A managed runtime in production (a JVM, .NET) runs its GC and JIT threads beside the requests' (under 2 CPUs the
    // JVM's ergonomics fall back to the serial collector) and keeps its heap with metaspace and buffers beside it: 4
    // cores and 8 GiB, a general-purpose xlarge, is its smallest production machine.
    floor: jvm || MANAGED_RUNTIME.test(text) ? { vcpu: 4, memoryGib: 8 } : undefined,
  };
};

/** .NET services: "ASP.NET Core", ".NET 8", "Kestrel", "IIS". */
const MANAGED_RUNTIME = /(?:^|[^\w])(?:asp)?\.net\b|\b(dotnet|kestrel|iis)\b/;

// ---------------------------------------------------------------- files

/**
 * Raw disk per usable byte of an object store, free space included: as stated ("half of raw capacity is usable",
 * "EC:2 over 4 nodes"), else MinIO's EC:4 on 12 drives (1.5×) when erasure coding is named; 20 % free on top.
 */
function rawPerUsable(text: string): number {
  const free = 1.2;
  if (/\bhalf (?:of )?(?:the )?raw\b/.test(text)) return 2 * free;
  const share = /\b(\d{2})\s?% of (?:the )?raw\b/.exec(text);
  if (share && Number(share[1]) > 0) return (100 / Number(share[1])) * free;
  const ec = /\bec:?(\d+)\b/.exec(text);
  const set = /\b(?:1|one) of (\d+)\b|\b(\d+) (?:nodes|drives|disks)\b/.exec(text);
  const drives = set ? Number(set[1] ?? set[2]) : 0;
  if (ec && drives > 2 * Number(ec[1]) - 1 && Number(ec[1]) > 0) return (drives / (drives - Number(ec[1]))) * free;
  return /erasure|ec:?\d|usable/.test(text) ? 1.5 : free;
}

/**
 * File stores: what is held (or what arrives × how long it is kept) + 20 %
 * free space (filesystems slow down when nearly full; ZFS advises < 80 %).
 * Object stores with erasure coding store 1.5× the usable size (MinIO's EC:4
 * on 12 drives); backup targets hold a full copy plus the incrementals kept.
 * A core moves ~200 MB/s of file traffic; object stores and backup targets
 * want 4 cores at least (see below), plus 0.5 GiB per TiB for metadata and
 * deduplication indexes. A mail server is its mailboxes (each person's size ×
 * the people), a core per 250 of them.
 */
const fileStore =
  (flavour: 'drop' | 'object' | 'share' | 'backup' | 'mail'): Model =>
  ({ facts: f, text }, ctx) => {
    // "40 cameras at 4 Mbps, keep 30 days": a rate per source, written continuously and kept.
    const sources = /\b(cameras?|feeds?|streams?)\b[^.]{0,15}\bat \d/.test(text)
      ? (f.counts.camera ?? f.counts.feed ?? f.counts.stream ?? 1)
      : 1;
    // Only what is written: "all 40 nodes read … about 1 GB/s aggregate" keeps nothing.
    const written = sources > 1 || /\b(record\w*|captur\w*|writ\w*|ingest\w*|upload\w*|cameras?|feeds?)\b/.test(text);
    const recorded =
      f.throughputMBps && f.retentionDays && !f.arrivalGibPerDay && written ? (f.throughputMBps * sources * 1e6 * DAY) / GIB : undefined;
    // "200 files a day of 50 MB": files arriving × the size of each.
    const files = rateOf(f, 'records');
    const counted = files && f.itemBytes ? (files * DAY * f.itemBytes) / GIB : undefined;
    const arrival = f.arrivalGibPerDay ?? recorded ?? counted;
    // "25 people, each keeps about 50 GB", "300 mailboxes averaging 5 GB": what each keeps, for everyone.
    const people = f.users.total ?? f.users.daily ?? f.users.concurrent;
    const everyones = f.dataGibPerUser && people ? f.dataGibPerUser * people : undefined;
    let stored: number;
    if (flavour === 'backup') {
      const days = f.retentionDays ?? ctx.assume('retentionDays', 30, 'retention not stated: 30 days assumed');
      // "full backups every night, keep 14 days", "2 TB nightly full backups": a whole copy for each day kept, the size
      // written either as what is protected or as what arrives each night.
      const dailyFulls = /\bfull (backups? )?(every (day|night)|daily|nightly|each (day|night))|\b(daily|nightly) full/.test(text);
      // "14 servers, a full of each is ~150 GB": one server's full, for every server.
      const servers = /\b(?:full|backup) (?:of|for) each\b|\beach (?:server|machine|host|vm)'?s? (?:full|backup)\b/.test(text)
        ? (f.counts.server ?? f.counts.machine ?? f.counts.host ?? f.counts.vm ?? 1)
        : 1;
      const full =
        (f.dataGib !== undefined ? f.dataGib * servers : undefined) ??
        (dailyFulls ? arrival : undefined) ??
        ctx.assume('dataGib', 1024, 'protected data not stated: 1 TiB assumed');
      // "a nightly mysqldump of 300 GB, keep 30 copies": each copy is a whole dump.
      const wholeCopies =
        f.replicas && /\b(dumps?|mysqldump|pg_dump(all)?|mongodump|full backups?|snapshots?)\b/.test(text) ? f.replicas : 0;
      // "a 2 TB full on Sundays, keep 4 weeks": a full a week is kept for each week of the retention, and one being written.
      const weeklyFulls =
        /\b(weekly fulls?|fulls? (backups? )?(weekly|once a week|(on|every|each) ((sun|satur|mon|fri)days?|weeks?|weekends?)))\b/.test(
          text,
        );
      if (wholeCopies) stored = full * wholeCopies;
      else if (weeklyFulls) stored = full * (Math.ceil(days / 7) + 1) + (arrival ?? full * 0.05) * days;
      else if (dailyFulls) stored = full * Math.ceil(days);
      else stored = full + (arrival ?? full * 0.05) * days;
    } else if (arrival) {
      const days = f.retentionDays ?? ctx.assume('retentionDays', 365, 'retention not stated: a year assumed');
      stored = (f.dataGib ?? 0) + arrival * days;
    } else if (flavour === 'mail' && /\b(relay|smarthost|outbound|transactional (e-?mails?|mail))\b/.test(text)) {
      // A relay queues mail for minutes, it keeps no mailboxes.
      stored = f.dataGib ?? 20;
    } else stored = f.dataGib ?? everyones ?? ctx.assume('dataGib', 500, 'data held not stated: 500 GiB assumed');
    if (everyones) stored = Math.max(stored, everyones);
    stored = ctx.grown(stored);
    const erasure = flavour === 'object' ? rawPerUsable(text) : 1.2;
    const throughput = f.throughputMBps ? f.throughputMBps * sources : ((arrival ?? 0) * 1024) / (8 * 3600);
    // People who open files on it: a share's or a mailbox's users. An object store's or a backup target's clients are
    // programs; the customers a text counts ("statements for 300,000 customers") never connect to it.
    const users =
      flavour === 'share' || flavour === 'mail' || flavour === 'drop' ? (f.users.total ?? f.users.concurrent ?? f.users.daily ?? 0) : 0;
    const tib = stored / 1024;
    // A backup repository chunks, hashes, compresses and encrypts what lands (restic, Borg, Veeam), over the night's
    // concurrent jobs: Veeam's repository guidance is a core and 4 GB per concurrent task, and four tasks at least.
    // An object store's memory follows what the node holds (MinIO's hardware checklist: 8 GiB up to 1 TiB, 16 up to
    // 10, 32 up to 100, 64 up to a PiB), with a core per 4 GiB to serve and heal it.
    const raw = (stored * erasure) / 1024;
    const held = flavour === 'object' ? (raw <= 1 ? 8 : raw <= 10 ? 16 : raw <= 100 ? 32 : 64) : 0;
    const floor =
      flavour === 'object'
        ? { vcpu: Math.max(4, held / 4), memory: held }
        : flavour === 'backup'
          ? { vcpu: 4, memory: 16 }
          : { vcpu: 1, memory: 2 };
    // IMAP sessions idle most of the time: Dovecot serves hundreds of mailboxes a core, a file share tens of users.
    const usersPerCore = flavour === 'mail' ? 250 : 50;
    // A share that feeds a farm of compute nodes (render nodes, GPU boxes) serves the assets they all read at once from
    // its page cache: ZFS's rule of thumb is 1 GiB of cache a TiB for a file server; concurrent readers of the same
    // scenes want eight times that, at the nearest machine size (16–128 GiB), and a core per 4 GiB of it (NFS threads
    // and the network stack) up to 16.
    const farmCache = flavour === 'share' && COMPUTE_CLIENTS.test(text) ? Math.min(128, Math.max(16, nearestMachineSize(tib * 8))) : 0;
    const vcpu = Math.max(floor.vcpu, 1 + throughput / 200 + users / usersPerCore, Math.min(16, farmCache / 4));
    const metadata = flavour === 'object' || flavour === 'backup' ? tib * 0.5 : 0;
    const memory = Math.max(floor.memory, 2 + users * (flavour === 'mail' ? 0.01 : 0.05) + throughput * 0.05 + metadata, farmCache);
    return {
      peak: { vcpu, memoryGib: memory, iops: Math.max(500, throughput * 4), networkGbps: Math.max(0.1, (throughput * 8) / 1000) },
      storageGib: ROOT_GIB + stored * erasure,
      averageShare: 0.3,
      // MinIO's production checklist: 8 cores and 32 GiB a node; 4 and 16 are where it stops being a test box.
      floor: flavour === 'object' && /\bminio\b/.test(text) ? { vcpu: 4, memoryGib: 16 } : undefined,
    };
  };

/** Clients of a share that compute on what they read: a render farm, GPU or HPC nodes. */
const COMPUTE_CLIENTS =
  /\b(render[- ]?farm|render[- ](nodes?|servers?|boxes|blades)|gpu (boxes|nodes|servers|machines)|compute nodes|hpc|training (nodes|boxes))\b/;

const MODELS: Record<WorkloadKind, Model> = {
  'relational-database': relational,
  'document-database': documentDb,
  'graph-database': graph,
  'vector-database': vectorDb,
  'coordination-store': coordination,
  'wide-column-store': wideColumn,
  'time-series-database': timeSeries,
  'feature-store': featureStore,
  cache,
  'message-broker': broker,
  'search-engine': search,
  'data-warehouse': warehouse,
  'etl-pipeline': etl,
  'stream-processing': streamProcessing,
  notebook,
  'ci-builds': ciBuilds,
  // A render node is a build agent by another name: jobs at a time × the cores each is stated to take.
  rendering: ciBuilds,
  transcoding,
  'image-processing': imageProcessing,
  'ml-batch': mlBatch,
  'background-jobs': backgroundJobs,
  'ml-inference': webApp,
  'game-server': gameServer,
  'websocket-server': websocket,
  'static-site': staticSite,
  'web-application': webApp,
  'file-drop': fileStore('drop'),
  'object-storage': fileStore('object'),
  'file-share': fileStore('share'),
  'mail-server': fileStore('mail'),
  'backup-target': fileStore('backup'),
};

/** The capacity model of a kind applied to what the description states. */
export function size(kind: WorkloadKind, input: SizingInput): Sizing {
  const ctx = new Context(input);
  const out = MODELS[kind](input, ctx);
  return {
    ...out,
    averageShare: out.averageShare ?? 1 / PEAK_FACTOR,
    assumed: ctx.assumed,
    notes: ctx.notes,
    headroomStated: ctx.headroomStated,
  };
}
