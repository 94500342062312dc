import Qty from 'js-quantities';
import { normaliseNumbers, type StatedRange } from './numbers';
import { hourOfDay, workingHoursOf } from './working-hours';

/** One thing the description states, normalised: sizes in GiB, rates per second, durations in seconds. */
export type Quantity =
  | { kind: 'data'; gib: number; scope: 'total' | 'per-node' | 'memory' | 'ram' | 'ram-per-node' | 'ram-each' | 'outgrown'; text: string }
  | { kind: 'ingest'; gibPerDay: number; sustained: boolean; mean?: boolean; text: string }
  | { kind: 'item-size'; bytes: number; mean?: boolean; text: string }
  /** What each person keeps: "each person keeps about 50 GB", "20 GB per user", "300 mailboxes averaging 5 GB". */
  | { kind: 'data-per-user'; gib: number; text: string }
  | { kind: 'rate'; perSecond: number; of: string; periodSeconds: number; text: string }
  | { kind: 'users'; count: number; of: 'concurrent' | 'daily' | 'monthly' | 'total'; noun: string; per?: string; text: string }
  | { kind: 'count'; count: number; of: string; each: boolean; text: string }
  | { kind: 'retention'; seconds: number; text: string }
  | { kind: 'window'; seconds: number; text: string }
  | { kind: 'duration-each'; seconds: number; text: string }
  | { kind: 'interval'; seconds: number; text: string }
  | { kind: 'media'; hours: number; of: 'video' | 'audio'; perSecond?: number; text: string }
  | { kind: 'growth'; pctPerYear: number; text: string }
  | { kind: 'hit-ratio'; share: number; text: string }
  | { kind: 'share-of-data'; share: number; ofGib: number; text: string }
  | { kind: 'replication'; factor?: number; replicas?: number; text: string }
  | { kind: 'cores-each'; cores: number; text: string }
  | { kind: 'iops'; iops: number; text: string }
  | { kind: 'duration'; seconds: number; text: string }
  /** Part-time use; `startHour` (0–23) when the text gives the clock time it starts ("9 to 5"). */
  | { kind: 'schedule'; hoursPerDay: number; daysPerWeek: number; startHour?: number; text: string };

export interface Extraction {
  quantities: Quantity[];
  ranges: StatedRange[];
  vague: string[];
  /** The rate figures describe the busiest moment ("at peak", "spikes of", "Black Friday"). */
  peakStated: boolean;
  /** The normalised text the recogniser reads. */
  text: string;
}

const SIZE_UNITS: Record<string, string> = {
  b: 'B',
  byte: 'B',
  bytes: 'B',
  kb: 'kB',
  kib: 'KiB',
  kilobytes: 'kB',
  kilobyte: 'kB',
  mb: 'MB',
  mib: 'MiB',
  megabytes: 'MB',
  megabyte: 'MB',
  gb: 'GB',
  gib: 'GiB',
  gig: 'GB',
  gigs: 'GB',
  gigabytes: 'GB',
  gigabyte: 'GB',
  tb: 'TB',
  tib: 'TiB',
  terabytes: 'TB',
  terabyte: 'TB',
  pb: 'PB',
  pib: 'PiB',
  petabytes: 'PB',
  petabyte: 'PB',
};
// "a 500-byte message", "2-kb records": the hyphen an adjective takes.
const SIZE = /^\s*-?\s*(bytes?|kib|kb|kilobytes?|mib|mb|megabytes?|gib|gb|gigs?|gigabytes?|tib|tb|terabytes?|pib|pb|petabytes?|b)\b/;

/**
 * What an average is called just before its rate: "avg ingest ~", "steady ~2k", "on average". Not across a peak:
 * in "15 MB/s on average with peaks of 40 MB/s" the 40 is the peak.
 */
const MEAN_RATE =
  /\b(?:avg\.?|averages?|averaging|mean|steady|typical(?:ly)?|normal(?:ly)?|baseline|on average)(?:\b|(?<=\.))(?:(?!\b(?:peak|peaks|peaking|max|maximum|bursts?|spikes?|highs?|up to)\b)[^.;,\d]){0,25}$/;
/** …or just after it: "5 MB/s on average, 25 MB/s at peak". */
const MEAN_AFTER = /^\s*,?\s*(?:on average|in average|avg\b|average\b|mean\b)/;
const VERSIONED =
  /\b(postgres(ql)?|mysql|mariadb|redis|valkey|mongo(db)?|elasticsearch|opensearch|solr|kafka|python|node|java|php|ubuntu|debian|centos|rhel|oracle|sql server|windows|cassandra|spark|rails|django|laravel|angular|react|vue|jenkins|gitlab|engine|version|release|jdk|ue|neo4j|influxdb|clickhouse|hazelcast|ignite|infinispan|memcached|nats(?:-server)?|pulsar|rabbitmq|scylla(?:db)?|minio|trino|pinot|druid|typesense|meilisearch|keycloak|nginx|airflow|dragonfly|redpanda|timescale(?:db)?|cockroach(?:db)?|freeswitch|superset|grafana|prometheus|v)\s*$/;
/** The sentence so far speaks of one of several processes: "each job:", "one match process ≈", "each instance needs". */
const EACH_PROCESS =
  /\b(?:each|apiece|per|one|1|every|a single|(?:a |the )?typical)\s+(?:[a-z]+\s+){0,2}?(?:build|job|run|task|pod|container|worker|agent|runner|match|instance|process|notebook|kernel|executor)\b(?:[^.;\n]|\.\d)*$|\b(?:builds|jobs|runs|tasks|pods|containers|workers|processes|executors)\s*[(,]?\s*each\b(?:[^.;\n]|\.\d)*$|\bexecutors?\s*[:=]?\s*\d+\s*x\s*\(\s*\d+\s*(?:v?cpus?|vcores?|cores?)\s*,?\s*$/;
const TIME_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  night: 86400,
  nights: 86400,
  w: 604800,
  wk: 604800,
  wks: 604800,
  week: 604800,
  weeks: 604800,
  mo: 2592000,
  month: 2592000,
  months: 2592000,
  y: 31536000,
  yr: 31536000,
  yrs: 31536000,
  year: 31536000,
  years: 31536000,
};
const TIME =
  /^\s*-?\s*(ms|seconds?|secs?|sec|s|minutes?|mins?|min|m|hours?|hrs?|hr|h|days?|d|nights?|weeks?|wks?|wk|w|months?|mo|years?|yrs?|yr|y)\b/;
const PER =
  /^\s*(?:\/|per\b|a\b|an\b|each\b|every\b)\s*(ms|seconds?|secs?|sec|s|minutes?|mins?|min|m|hours?|hrs?|hr|h|days?|d|nights?|weeks?|wk|w|months?|mo|years?|yr|y)\b/;
const DAILY = /^\s*(daily|nightly|weekly|monthly|hourly|yearly|annually)\b/;
const PER_WORD: Record<string, number> = {
  hourly: 3600,
  daily: 86400,
  nightly: 86400,
  weekly: 604800,
  monthly: 2592000,
  yearly: 31536000,
  annually: 31536000,
};

// What a rate counts: the noun written after the number (or the glued unit), normalised.
const RATE_NOUNS: [RegExp, string][] = [
  [/^(tps|transactions?|txns?|tx)$/, 'transactions'],
  [/^(qps|queries|query)$/, 'queries'],
  [/^(rps|req|reqs|requests?|calls?|hits?|api calls|predictions?|inferences?|classifications?|scorings?)$/, 'requests'],
  [/^(reads?|gets?|selects?)$/, 'reads'],
  [/^(writes?|inserts?|updates?|upserts?|sets?|puts?)$/, 'writes'],
  [/^(ops|operations?)$/, 'operations'],
  [/^(events?|change events|clicks?|impressions?)$/, 'events'],
  [/^(msgs?|messages?|notifications?|emails?)$/, 'messages'],
  [/^(lookups?)$/, 'lookups'],
  [/^(searches|search queries)$/, 'searches'],
  [/^(logins?|sign-?ins?)$/, 'logins'],
  [/^(ticks?|samples?|readings?|values?|points?|datapoints?|metrics?|signals?)$/, 'samples'],
  // A render farm's unit of work is a frame: counted and timed as a build is (sizing.ts's ciBuilds serves both).
  [/^(builds?|runs?|pipelines?|jobs?|tasks?|deploys?|test runs?|frames?|renders?)$/, 'builds'],
  [/^(times|pushes|commits|merges)$/, 'occurrences'],
  [/^(videos?|clips?|uploads?|recordings?|streams?)$/, 'videos'],
  [/^(images?|photos?|thumbnails?|pictures?)$/, 'images'],
  [/^(pages?|scans?|scanned pages?)$/, 'pages'],
  [/^(orders?|bookings?|purchases?|payments?)$/, 'orders'],
  // A page view is a page, not a visit of several: priced apart (sizing.ts REQUESTS_PER_PAGE_VIEW).
  [/^(page views?|pageviews?|page impressions?|page loads?)$/, 'pageviews'],
  [/^(visitors?|visits?|readers?|sessions?|users?)$/, 'visitors'],
  [/^(rows?|records?|documents?|docs?|files?|items?|objects?|pushes)$/, 'records'],
];
const rateNoun = (words: string): string | undefined => {
  const w = words.trim().replace(/\s+/g, ' ');
  for (const [re, of] of RATE_NOUNS) if (re.test(w)) return of;
  const last = w.split(' ').pop() ?? '';
  for (const [re, of] of RATE_NOUNS) if (re.test(last)) return of;
  return undefined;
};

/**
 * What a bare "50/s" counts: the nearest rate noun before it in its clause,
 * a few words back ("logins peak around 9am at maybe 50/s"), else operations.
 */
const bareRateNoun = (before: string): string => rateNounBefore(before, /[.;,:(]/, 6) ?? 'operations';

/** The nearest rate noun in the last few words before a figure, within what `boundary` splits off; none when there is none. */
function rateNounBefore(before: string, boundary: RegExp, within: number): string | undefined {
  const near = lastWords(before, boundary, within).reverse();
  for (const [i, w] of near.entries()) {
    // "logins hit maybe 60/s": a verb spelt like a rate noun says nothing of what is counted.
    if (/^(hit|run|set|get|put|call|read|write|update|insert|select|search|reach|peak)$/.test(w)) continue;
    const noun = rateNoun(w);
    // "50k users doing 2000/s" is not 2000 visitors a second: who is only read right before the number.
    if (noun && ((noun !== 'visitors' && noun !== 'pageviews') || i === 0)) return noun;
  }
  return undefined;
}

/** "scanned letters are PDFs of about 2 MB each, ~500/day": things counted just before in the sentence arrive as records. */
function countedBefore(before: string): string | undefined {
  return lastWords(before, /[.;:(]/, 8).some((w) => COUNT_NOUN.test(w) && !MACHINE_NOUN.test(w)) ? 'records' : undefined;
}

/** The last `within` words before a figure, in the clause `boundary` splits off, lower-cased. */
function lastWords(before: string, boundary: RegExp, within: number): string[] {
  const clause = before.split(boundary).pop() ?? '';
  return (clause.toLowerCase().match(/[a-z][a-z-]*/g) ?? []).slice(-within);
}
/** Counted things that are machines, not things arriving: "3 servers, ~100/day" says nothing of what arrives. */
const MACHINE_NOUN = /^(servers?|nodes?|brokers?|vms?|hosts?|machines?|instances?|workers?|replicas?|shards?|pods?|containers?)$/;

const USER_NOUN =
  /^(users?|persons?|participants?|attendees?|designers?|artists?|editors?|lawyers?|doctors?|nurses?|teachers?|accountants?|mailboxes|mailbox|inboxes|dau|mau|ccu|customers?|members?|employees?|staff|people|seats?|annotators?|technicians?|devs?|developers?|engineers?|fans?|shoppers?|bidders?|kids?|friends?|analysts?|scientists?|researchers?|players?|slots?|connections?|clients?|browsers?|visitors?|agents?|subscribers?|viewers?|listeners?|students?|patients?|tenants?)$/;
const COUNT_NOUN =
  /^(sensors?|devices?|cameras?|feeds?|calls?|meetings?|vehicles?|cars?|trucks?|robots?|machines?|meters?|turbines?|signals?|series|targets?|hosts?|products?|documents?|docs?|pdfs?|rows?|keys?|items?|entities|entity|features?|columns?|videos?|clips?|images?|photos?|pictures?|relationships?|edges?|vertices|vertex|builds?|frames?|pipelines?|runs?|jobs?|matches|match|servers?|nodes?|brokers?|vms?|services?|pages?|articles?|recipes?|names?|carts?|orders?|metrics?|streams?|architectures?|projects?|repositories|repos?|tables?|topics?|partitions?|renditions?|queues?|sites?|apps?|microservices?|containers?|pods?|databases?|instances?|workers?|executors?|sessions?|files?|objects?|records?|events?|messages?|rooms?|games?|shards?|replicas?|bookies|bookie|historicals?|regions?|zones?|accounts?|embeddings?|vectors?|worlds?|realms?|maps?|reports?|invoices?|statements?|contracts?|agreements?|letters?|tickets?|emails?|listings?|skus?|restaurants?|places?|books?|titles?|patents?|papers?|leaderboards?|chunks?|passages?)$/;
const MODIFIER =
  /^(concurrent(ly)?|active|daily|monthly|weekly|connected|logged-in|online|simultaneous|persistent|tls|websocket|parallel|unique|registered|paying|total|peak|\d+p|hd|uhd|live|open|idle|short|long|small|large|big|new|existing|internal|external|mobile|web|iot|smart|field|edge|remote|physical|virtual|hot|warm|cold|frozen|data|storage|compute|ingest)$/;
/** Things that each hold data, counted just before a size "each": the size times the count is what they hold. */
const HOLDERS =
  /(\d+(?:\.\d+)?)\s+(?:[a-z-]+\s+)?(vms|virtual machines|servers|nodes|brokers|machines|laptops|desktops|workstations|pcs|computers|mailboxes|inboxes|databases|dbs|schemas|repos|repositories|sites|websites|tenants|projects|volumes|disks|drives|devices|phones|shares|buckets|cameras)\b[^.;\d]{0,24}$/;
// Words in -us are singular (status, campus, corpus), but for the plurals of words in -u ("SKUs", "GPUs", "menus").
const singular = (w: string) =>
  /(series|ss|(?<!sk|[cgtv]p|men|gur)us)$/.test(w)
    ? w
    : w
        .replace(/(?<![ko])ies$/, 'y')
        .replace(/ies$/, 'ie')
        .replace(/(ches|shes|xes)$/, (m) => m.slice(0, -2))
        .replace(/s$/, '');

const gibOf = (value: number, unit: string) => Qty(value, SIZE_UNITS[unit] ?? 'GB').to('GiB').scalar;
/** Memory is sold in binary units: "64 GB of RAM" is a 64 GiB machine (JEDEC's usage, and every cloud's instance sheet). */
const ramGibOf = (value: number, unit: string) => {
  const u = SIZE_UNITS[unit] ?? 'GB';
  return Qty(value, /^[kMGTP]B$/.test(u) ? `${u[0]!.toUpperCase()}iB` : u).to('GiB').scalar;
};
const bytesOf = (value: number, unit: string) => Qty(value, SIZE_UNITS[unit] ?? 'B').to('B').scalar;

/**
 * Every quantity a description states, with what it measures. The numbers
 * are first put in digits (numbers.ts); each is then read with the words
 * around it: its unit (sizes through js-quantities, so "2 TB" and "2 TiB"
 * differ as they should), what it counts, and cue words before it ("keep",
 * "every", "within", "RF=").
 */
export function extractQuantities(description: string): Extraction {
  const { text, ranges, vague } = normaliseNumbers(description);
  const quantities: Quantity[] = [];
  const add = (q: Quantity) => quantities.push(q);

  // Working hours: "9 to 5 on weekdays", "8am-6pm Mon-Fri", "business hours", "weekends only".
  const hours = workingHoursOf(text);
  if (hours) add({ kind: 'schedule', ...hours });
  // "done by 6am (starts at midnight)": a batch window written as clock times.
  const by = /\bby (\d{1,2})\s*am\b/.exec(text);
  if (by) {
    const start = /\bstarts? at (midnight|\d{1,2}\s*(?:am|pm))/.exec(text);
    const from = (start && hourOfDay(start[1]!)) ?? 0;
    const until = Number(by[1]);
    add({ kind: 'window', seconds: ((until - from + 24) % 24 || 24) * 3600, text: by[0] });
  } else if (/\bby (the )?morning\b/.test(text)) add({ kind: 'window', seconds: 8 * 3600, text: 'by morning' });
  else if (!hours) {
    // "between midnight and 4am", "from 11pm to 5am", "1am-5am": a batch's window as a clock range.
    const clock = String.raw`(midnight|noon|\d{1,2}(?::\d{2})?\s*(?:am|pm))`;
    const range =
      new RegExp(String.raw`\b(?:between|from)\s+${clock}\s+(?:and|to|until|till)\s+${clock}`).exec(text) ??
      new RegExp(String.raw`\b${clock}\s*[-–]\s*${clock}`).exec(text);
    if (range) {
      const [from, until] = [hourOfDay(range[1]!), hourOfDay(range[2]!)];
      if (from !== undefined && until !== undefined)
        add({ kind: 'window', seconds: ((until - from + 24) % 24 || 24) * 3600, text: range[0] });
    }
  }
  // "over the next 3 days", "by the end of the week", "within a week": a one-off job's deadline.
  const next = /\bover the next (\d+ )?(day|week|month|year)s?\b/.exec(text);
  const deadline = /\b(?:by the end of the|within (?:a|an|one)) (day|week|month)\b/.exec(text);
  if (next) add({ kind: 'window', seconds: (next[1] ? Number(next[1]) : 1) * TIME_SECONDS[next[2]!]!, text: next[0] });
  else if (deadline) add({ kind: 'window', seconds: TIME_SECONDS[deadline[1]!]!, text: deadline[0] });

  const numbers = /(\d+(?:\.\d+)?)/g;
  let m: RegExpExecArray | null;
  while ((m = numbers.exec(text))) {
    const start = m.index;
    const end = start + m[0].length;
    const value = Number(m[1]);
    // Beyond any real quantity (and beyond what unit arithmetic handles exactly): not read.
    if (!Number.isFinite(value) || value > 1e15) continue;
    const before = text.slice(Math.max(0, start - 48), start);
    const after = text.slice(end, end + 64);
    // A version or a model name (postgres15, h.264, ec2, t4g), not a quantity, unless it is a replication factor ("rf2").
    if (/[a-z.]$/.test(before) && !/\brf$/.test(before)) continue;
    // "PostgreSQL 15 primary", "Redis 7 with persistence", "a MySQL 8 replica": a product's version. A count
    // of nodes follows it in the plural ("Kafka 3 brokers"), or is one ("Redis 1 replica").
    const counted = value === 1 ? /^\s*(?:%|x\b|nodes?|brokers?|servers?|replicas?)/ : /^\s*(?:%|x\b|nodes|brokers|servers|replicas)/;
    // "Cassandra 4.1": a version with a point counts nothing.
    if (VERSIONED.test(before) && !SIZE.test(after) && !TIME.test(after) && (!counted.test(after) || !Number.isInteger(value))) continue;
    if (
      /^[a-z]/.test(after) &&
      !/^(k|kb|kib|mb|mib|gb|gib|tb|tib|pb|b|bytes?|s|ms|m|h|d|w|y|x|hz|tps|qps|rps|iops|gbps|mbps|min|mins|hrs?|sec|secs|day|tb\/|gb\/|mb\/)\b/.test(
        after,
      )
    ) {
      // "1080p", "19c", "mp3": letters glued to the number.
      if (!/^(kb|mb|gb|tb|pb|kib|mib|gib|tib|s|ms|h|d|m|w|y|x|hz|tps|qps|rps|gbps|mbps)/.test(after)) continue;
    }
    const span = (n: number) => text.slice(start, Math.min(text.length, end + n)).trim();
    const read = classify(value, before, after, span);
    if (read) add(read);
  }
  const peakStated = /\b(at peak|peak(s|ing)?|tops|spikes?|burst|black friday|at the open|month[- ]end|at launch|busiest)\b/.test(text);
  return { quantities, ranges, vague, peakStated, text };
}

function classify(value: number, before: string, after: string, span: (n: number) => string): Quantity | undefined {
  let u: RegExpExecArray | null;
  // "768-dim embeddings", "1536 dimensions": a vector's width, which the vector model reads itself, not a count.
  if (/^\s*-?\s*(?:dims?|dimensions?|dimensional)\b/.test(after)) return undefined;
  // Latency targets ("p99 under 10 ms") say how fast, not how much.
  if (
    /\bp\d{2,3}(?:\.\d)?\s*(?:latency)?\s*(?:under|<|<=|below|of|at|=|~)?\s*$/.test(before) ||
    /^\s*(?:ms|milliseconds?)\s+(?:latency|p\d\d)/.test(after)
  )
    return undefined;
  // Percentages: growth, cache hit ratios, a share of some data.
  if ((u = /^\s*(?:%|percent\b)/.exec(after))) {
    const rest = after.slice(u[0].length);
    const of = /^\s*of\s+(\d+(?:\.\d+)?)\s*(tb|tib|gb|gib|pb|mb)\b/.exec(rest);
    if (of)
      return { kind: 'share-of-data', share: value / 100, ofGib: gibOf(Number(of[1]), of[2]!), text: span(u[0].length + of[0].length) };
    // "50% growth over 18 months", "30 % more within 2 years": the whole growth over a span, as a yearly rate.
    // "+50% over the next 12 months": the growth word before the figure.
    const over =
      /^\s*(?:growth|more|increase|bigger|larger)\s+(?:over|in|within)\s+(?:the next\s+)?(\d+(?:\.\d+)?)\s?(months?|years?)\b/.exec(rest) ??
      (/(?:\+|\b(?:grow\w*|growth|increas\w*|expand\w*)(?:\s+by)?)\s*(?:~|about|around|roughly)?\s*$/.test(before)
        ? /^\s*(?:over|in|within)\s+(?:the next\s+)?(\d+(?:\.\d+)?)\s?(months?|years?)\b/.exec(rest)
        : null);
    if (over) {
      const years = Number(over[1]) / (over[2]!.startsWith('month') ? 12 : 1);
      if (years > 0)
        return { kind: 'growth', pctPerYear: (Math.pow(1 + value / 100, 1 / years) - 1) * 100, text: span(u[0].length + over[0].length) };
    }
    const per =
      /^\s*(?:a|per|\/|each|every|yearly|annual\w*|year[- ]over[- ]year|yoy|monthly|a month|per month|quarterly)\s*(year|yr|annum|month|quarter|q)?\b/.exec(
        rest,
      );
    if (/(grow\w*|growth|increas\w*|expand\w*)\s*(by|of|at)?\s*(~|about|around|roughly)?\s*$/.test(before) || (per && per[0].trim())) {
      // Compounded to a year: "5%/month" is 80 % a year, "8% per quarter" 36 %.
      const periodsPerYear = /month/.test(per?.[0] ?? '') ? 12 : /quarter|\bq\b/.test(per?.[0] ?? '') ? 4 : 1;
      const pct = periodsPerYear === 1 ? value : (Math.pow(1 + value / 100, periodsPerYear) - 1) * 100;
      return { kind: 'growth', pctPerYear: pct, text: span(u[0].length + (per?.[0].length ?? 0)) };
    }
    if (/hit (ratio|rate)|cache hit/.test(before.slice(-30)) || /^\s*(cache )?hit (ratio|rate)/.test(rest))
      return { kind: 'hit-ratio', share: value / 100, text: span(u[0].length) };
    // "Cloudflare absorbs ~90%": the CDN's share; "origin sees maybe 10% of it", "only 10% reaches the origin": the rest.
    if (
      /\b(cdn|cloudflare|fastly|cloudfront|akamai|edge|varnish)\s+(absorbs|serves|caches|handles|takes)\s*(~|about|around|roughly|maybe)?\s*$/.test(
        before,
      )
    )
      return { kind: 'hit-ratio', share: value / 100, text: span(u[0].length) };
    if (
      /\borigin\s+(only\s+)?(sees|gets|receives|takes|handles|serves)\s*(~|about|around|roughly|maybe|only|just)?\s*$/.test(before) ||
      /^\s*(of (it|that|them|the traffic|the requests|requests)\s+)?(reaches|reach|hits|hit|goes to|go to|gets to|get to|makes it to) (the )?origin\b/.test(
        rest,
      )
    )
      return { kind: 'hit-ratio', share: 1 - value / 100, text: span(u[0].length) };
    return undefined;
  }
  // Replication: "rf=3", "replication factor of 3", "3x replication", "3 replicas", "replicas: 1".
  if (/\b(rf|replication factor|replication|replication factor of)\s*[=:]?\s*(of\s*)?$/.test(before))
    return { kind: 'replication', factor: value, text: `RF ${value}` };
  // Kafka's min.insync.replicas is how many must acknowledge, not how many copies there are; in "6 shards x 1 replica =
  // 12 nodes" the sum counts nodes.
  if (
    /\breplicas?\s*[=:]\s*$/.test(before) &&
    !/\binsync\.?replicas\s*[=:]\s*$/.test(before) &&
    !/^\s*(nodes?|instances?|servers?|members?|machines?|vms?|pods?)\b/.test(after)
  )
    return { kind: 'replication', replicas: value, text: `replicas ${value}` };
  // A data grid's backups are copies beside the primary: "1 backup copy", "backup-count=1".
  if (/\bbackup[- _]count\s*[=:]\s*$/.test(before)) return { kind: 'replication', replicas: value, text: `replicas ${value}` };
  if ((u = /^\s*(?:sync(?:hronous)? |async(?:hronous)? )?backup cop(?:y|ies)\b/.exec(after)))
    return { kind: 'replication', replicas: value, text: span(u[0].length) };
  // BookKeeper's write quorum is how many bookies hold each entry.
  if (/\bwrite quorum\s*[=:]?\s*(?:of\s*)?$/.test(before)) return { kind: 'replication', factor: value, text: `RF ${value}` };
  if ((u = /^\s*(?:x|-?way|times)?\s*(?:replication|replicated)\b/.exec(after)))
    return { kind: 'replication', factor: value, text: span(u[0].length) };
  if ((u = /^\s*(?:replicas?|copies)\b/.exec(after))) return { kind: 'replication', replicas: value, text: span(u[0].length) };
  // Frequencies: "1 hz".
  if ((u = /^\s*hz\b/.exec(after))) return { kind: 'interval', seconds: 1 / Math.max(value, 1e-6), text: span(u[0].length) };
  // Network throughput written in bits: "10 gbps", "500 mbit/s".
  if ((u = /^\s*(gbps|gbit\/s|gigabits?( per second)?|mbps|mbit\/s|megabits?( per second)?)\b/.exec(after))) {
    const gbps = /^\s*g/.test(u[0]) ? value : value / 1000;
    return { kind: 'ingest', gibPerDay: (gbps * 1e9 * 86400) / 8 / 2 ** 30, sustained: true, text: span(u[0].length) };
  }
  // Sizes.
  if ((u = SIZE.exec(after))) {
    const unit = u[1]!;
    const rest = after.slice(u[0].length);
    let p: RegExpExecArray | null;
    // "2 tb of logs per day", "200 gb of scans a month": a noun may sit between the size and the period.
    const through =
      /^\s*of\s+(?:[a-z-]+\s+){1,2}(?=(?:\/|per|a|an|each|every)\s)/.exec(rest)?.[0] ??
      // "50 GB logs per day": the noun without its "of".
      /^\s*(?:logs?|data|events|records|metrics|traces|telemetry|footage|video|uploads|backups)\s+(?=(?:\/|per|a|an|each|every)\s)/.exec(
        rest,
      )?.[0] ??
      // "20 GB incrementals daily": what a backup adds each period, named by the copy it is.
      /^\s*(?:of\s+)?(?:incrementals?|incremental backups?|differentials?|diffs?|deltas?|changes|new data)\s+(?=(?:\/|per|a|an|each|every)\s|(?:daily|nightly|weekly|monthly|hourly)\b)/.exec(
        rest,
      )?.[0] ??
      '';
    // "daily incrementals of 10 GB": the period written before what arrives.
    const periodFirst =
      /\b(daily|nightly|weekly|hourly|monthly) (?:incrementals?|incremental backups?|differentials?|diffs?|deltas?) (?:of )?(?:~|about|around|roughly)?\s*$/.exec(
        before,
      );
    if (periodFirst)
      return {
        kind: 'ingest',
        gibPerDay: (gibOf(value, unit) * 86400) / PER_WORD[periodFirst[1]!]!,
        sustained: false,
        text: span(u[0].length),
      };
    if ((p = PER.exec(rest.slice(through.length))) || (p = DAILY.exec(rest.slice(through.length)))) {
      p[0] = through + p[0];
      const seconds = TIME_SECONDS[p[1]!] ?? PER_WORD[p[1]!]!;
      // "20k devices, each syncing 5 MB a day": what each of the things just counted sends, times how many there are.
      const senders =
        /(\d+(?:\.\d+)?)\s+(?:[a-z-]+\s+)?([a-z-]+s)\b[^.;\d]{0,20}\beach\s+(?:[a-z]+ing\s+)?(?:~|about|around|roughly|up to)?\s*$/.exec(
          before,
        );
      const times = senders ? Number(senders[1]) : 1;
      return {
        kind: 'ingest',
        gibPerDay: (times * gibOf(value, unit) * 86400) / seconds,
        sustained: seconds < 3600,
        // "avg ingest ~5 MB/s, peaks ~25 MB/s": the average is what a retention period fills with.
        ...(MEAN_RATE.test(before) || MEAN_AFTER.test(rest.slice(p[0].length)) ? { mean: true } : {}),
        text: senders ? `${senders[1]} ${senders[2]} × ${span(u[0].length + p[0].length)}` : span(u[0].length + p[0].length),
      };
    }
    // "12 VMs (around 150 GB each)", "80 mailboxes, 5 GB each", "40 laptops × 200 GB": a size for each of the
    // machines or stores just counted is their total. (Each of many images or messages is an item's size, below.)
    const holders = HOLDERS.exec(before);
    if (
      holders &&
      bytesOf(value, unit) >= 2 ** 20 &&
      (/^\s*\)?\s*(?:of\s+(?:data|files|storage|space|disk|mail)\s+)?(?:each|apiece)\b/.test(rest) || /(?:x|×|\*)\s*$/.test(before))
    ) {
      const count = Number(holders[1]);
      return { kind: 'data', gib: count * gibOf(value, unit), scope: 'total', text: `${count} ${holders[2]} × ${span(u[0].length)}` };
    }
    if (
      /^\s*(?:per|a|for each|for every)\s+(?:user|person|head|employee|member|seat|mailbox|inbox|student|account|staff member)\b/.test(
        rest,
      ) ||
      /^\s*(?:of\s+)?(?:quota|home director(?:y|ies)|mailbox(?:es)?|allowance|storage|space)\s+(?:each|apiece|per (?:user|person|head))\b/.test(
        rest,
      ) ||
      /\b(?:each|every|per)\s+(?:user|person|employee|member|seat|mailbox|inbox|student|account)\s+(?:keeps|has|stores|uses|gets|needs|holds|with)?\s*(?:~|about|around|roughly|up to)?\s*$/.test(
        before,
      ) ||
      /\b(?:users?|people|persons?|employees?|staff|members?|mailboxes|inboxes|accounts|seats|students)\s+(?:averaging|average|avg|on average)\s*(?:~|about|around|roughly|up to)?\s*$/.test(
        before,
      ) ||
      // "50k users, 10 MB of data each", "40M players at roughly 3 KB each": a size each, right after the people it belongs to.
      (/^\s*(?:of\s+)?(?:data|files|storage|space)?\s*(?:each|apiece)\b/.test(rest) &&
        /\b(?:users?|people|persons|employees|staff|members|students|seats|customers|subscribers|accounts|players|patients|tenants|clients|drivers|riders)\s*[,;]?\s*(?:at|with)?\s*(?:~|about|around|roughly|up to)?\s*$/.test(
          before,
        )) ||
      // "a 60-person office, each with around 20 GB of files": each of the people just named, not of the nodes.
      /\b(?:person|people|persons|users?|employees?|staff|members?|students|seats)\b[^.;]{0,40}?\beach\s+(?:with|has|having|keeps|keeping|stores|storing|uses|using|holds|holding|gets|getting)\s*(?:~|about|around|roughly|up to)?\s*$/.test(
        before,
      )
    )
      return { kind: 'data-per-user', gib: gibOf(value, unit), text: span(u[0].length) };
    if (
      /^\s*(?:each|apiece|per (?:message|event|doc|document|record|row|item|session|tick|key|object|image|file|msg|video|job|build|page)|avg|on average|events?|messages?|msgs?|payloads?|docs?|documents?|records?|rows?|images?|files?|objects?|sessions?|values?|entries|items?|keys?|blobs?|vectors?)\b/.test(
        rest,
      ) ||
      // "a 5 KB profile each", "2 MB attachments per user": one thing's size, named, then each or per one.
      /^\s*[a-z-]+s?\s+(?:each|apiece|per (?:user|customer|account|device|member|player|message|document|record|item))\b/.test(rest) ||
      // Not a whole's size put "at" a figure: "index estimated at 2 GB", "currently at 300 GB".
      /(averaging|avg|average|each|apiece|messages?|events?|payloads?|doc|document|record|row|size|up to|(?<!\b(?:estimated|measured|currently|sits|sitting|stands|is|are|was|totals?|peaks?|peaking|capped|planned) )at|sized?)\s*\(?\s*(~|about|around|roughly)?\s*$/.test(
        before,
      ) ||
      /\b(sessions|messages|events|documents|docs|records|rows|files|images|objects|keys|values|entries|items|carts|videos|clips)\s+of\s*(~|about|around|roughly)?\s*$/.test(
        before,
      ) ||
      // "200 files/day of 50 MB": the size of each of the things just counted.
      /\b(files|uploads|documents|images|photos|videos|messages|records|backups|reports)\s*(?:\/|per|a|an|each)\s*[a-z]+\s+of\s*(~|about|around|roughly)?\s*$/.test(
        before,
      )
    ) {
      const bytes = bytesOf(value, unit);
      // "avg 200 KB, some up to 10 MB": the average is what a volume of them adds up to.
      if (bytes < 2 ** 34) return { kind: 'item-size', bytes, ...(MEAN_RATE.test(before) ? { mean: true } : {}), text: span(u[0].length) };
    }
    // "Each job: ~2 cores, 4 GB RAM", "one match process ≈ 0.5 vCPU and 400 MB RAM": every one's, which the model
    // multiplies by how many run at once.
    if (
      EACH_PROCESS.test(before) &&
      (/\b\d+\s?(?:v?cpus?|vcores?|cores?)\s*(?:,|and|\/|with|\+|&)\s*$/.test(before) || /^\s*(?:of\s+)?(?:ram|memory)\b/.test(rest))
    )
      return { kind: 'data', gib: ramGibOf(value, unit), scope: 'ram-each', text: span(u[0].length) };
    // "it OOMs on a 16GB laptop", "runs out of memory with 8 GB": memory it has outgrown, not data it holds. Not
    // "it never ran out of memory with 64 GB": that is memory it had enough of.
    if (
      /(?<!\b(?:never|not|no longer|\w+n't|without|no)\s+(?:\w+\s+){0,2})\b(ooms?|oom-?kill\w*|out of memory|runs? out of (ram|memory)|crash\w* (with|on)|dies (with|on))\b[^.;\d]{0,20}$/.test(
        before,
      ) ||
      // "a smallish VM with 16 GB RAM, swaps to death", "8 GB of RAM and it OOMs": the cue after the memory.
      /^\s*(?:of\s+)?(?:ram|memory)\b[^.;\d]{0,12}\b(?:swaps?|swapping|ooms?|oom-?kill\w*|runs? out of (?:ram|memory)|crash\w*)\b/.test(
        rest,
      )
    )
      return { kind: 'data', gib: ramGibOf(value, unit), scope: 'outgrown', text: span(u[0].length) };
    // "64 cores, 256GB": a size right after the cores asked for is the machine's memory.
    // Not "each needs 2 vCPU and 8 GB": that is every build's, which its model multiplies.
    if (
      /\b\d+\s?(?:v?cpus?|vcores?|cores?)\s*(?:,|and|\/|with|\+|&)\s*$/.test(before) &&
      !/\b(each|apiece|per (build|job|run|task|pod|container|worker|agent|runner|user|node))\b[^.;]{0,25}$/.test(before)
    )
      return { kind: 'data', gib: ramGibOf(value, unit), scope: 'ram', text: span(u[0].length) };
    // "today we use about 6 GB of memory": what it holds now, which the model sizes (and a peak multiplies).
    if (
      /^\s*(?:of\s+)?(?:ram|memory)\b/.test(rest) &&
      /\b(use|uses|using|used|consumes?|occupies|takes|usamos|utilisons|usiamo|verwenden|nutzen|gebruiken)\s*(?:about|around|roughly|~)?\s*$/.test(
        before,
      )
    )
      return { kind: 'data', gib: gibOf(value, unit), scope: 'memory', text: span(u[0].length) };
    // "32 GB RAM": the memory the person wants, not data to fit in it.
    if (/^\s*(?:of\s+)?(?:ram|memory)\b(?!\s*(?:worth|of data|of objects))/.test(rest) && !/\bin memory\b/.test(rest.slice(0, 12))) {
      // "3 data nodes with 64 GB RAM each": every node's, not the cluster's.
      const perNode = /^\s*(?:of\s+)?(?:ram|memory)\s+(?:each|apiece|per (?:node|server|host|instance|machine|broker|vm))\b/.test(rest);
      return { kind: 'data', gib: ramGibOf(value, unit), scope: perNode ? 'ram-per-node' : 'ram', text: span(u[0].length + 4) };
    }
    if (
      /^\s*(?:of\s+)?(?:ram|memory|in memory|in-memory|heap|working set|worth of)\b/.test(rest) ||
      /\b(ram|memory|heap)\s*(of|at|is|=|:)?\s*(~|about)?\s*$/.test(before) ||
      // "working set probably 60-80GB", "hot set is ~30 GB".
      /\b(working|hot) set\s*(?:is|of|=|:)?\s*(?:probably|roughly|about|around|maybe|likely|~)?\s*(?:\d+(?:\.\d+)?\s*(?:-|–|to)\s*)?$/.test(
        before,
      )
    )
      return { kind: 'data', gib: gibOf(value, unit), scope: 'memory', text: span(u[0].length) };
    if (
      /^\s*(?:of (?:data|storage|disk)\s+)?(?:per|each|on each|a|on every)\s+(?:node|server|broker|shard|host|machine|instance)\b/.test(
        rest,
      )
    )
      return { kind: 'data', gib: gibOf(value, unit), scope: 'per-node', text: span(u[0].length + 10) };
    // "each historical holds about 1.5 TiB of segments", "each node stores 2 TB".
    if (
      /\beach (?:[a-z]+ )?(?:historical|node|server|broker|shard|member|replica|data node)s? (?:(?:should|will|would|must) )?(?:holds?|stores?|keeps?|has|have|carry|carries)\s*(?:about|around|roughly|~)?\s*$/.test(
        before,
      )
    )
      return { kind: 'data', gib: gibOf(value, unit), scope: 'per-node', text: span(u[0].length) };
    return { kind: 'data', gib: gibOf(value, unit), scope: 'total', text: span(u[0].length) };
  }
  // "ffmpeg 1080p 200h/day": hours a day, where what comes before says they are video.
  if (
    (u = /^\s*(?:hours?|hrs?|h)\s*(?:\/|per\s|a\s|an\s)\s*(day|week|hour|month)\b/.exec(after)) &&
    /\b(ffmpeg|transcod\w*|video|footage|\d{3,4}p|hls|encod\w*|x26[45])\b/.test(before)
  )
    return { kind: 'media', hours: value, of: 'video', perSecond: value / TIME_SECONDS[u[1]!]!, text: span(u[0].length) };
  // Hours of media: "10 hours of 4k footage per day", "200 hours of audio a week", "30000 hours of archive video".
  // Not "done within 8 hours of upload": that is a window, read below.
  if (
    !/\b(within|in|under|inside|after|before)\s*$/.test(before) &&
    (u =
      /^\s*(?:hours?|hrs?|h)\s+of\s+(?:[a-z0-9-]+\s+){0,2}?(video|videos|footage|audio|lectures?|recordings?|podcasts?|content|movies|films|uploads?|clips?|episodes?|broadcasts?|streams?|music|speech|calls|meetings|interviews)\b/.exec(
        after,
      ))
  ) {
    const rest = after.slice(u[0].length);
    // The period may come a few words on: "300 hours of uhd footage into 1080p every week".
    const skip = /^(?:\s+(?!(?:per|a|an|each|every)\b)[a-z0-9]+){0,3}/.exec(rest)?.[0] ?? '';
    const p = PER.exec(rest) ?? DAILY.exec(rest) ?? PER.exec(rest.slice(skip.length)) ?? DAILY.exec(rest.slice(skip.length));
    const perSecond = p ? value / (TIME_SECONDS[p[1]!] ?? PER_WORD[p[1]!]!) : undefined;
    const of = /audio|podcast|music|speech|calls|meetings|interviews/.test(u[1]!) ? 'audio' : 'video';
    return { kind: 'media', hours: value, of, perSecond, text: span(u[0].length + (p?.[0].length ?? 0)) };
  }
  // Durations: intervals, windows, retention, per-item durations.
  if ((u = TIME.exec(after)) && !/^\s*(?:m|s)\s+(?:users|dau|mau|rows|events|players)/.test(after)) {
    const seconds = value * TIME_SECONDS[u[1]!]!;
    const rest = after.slice(u[0].length);
    const text = span(u[0].length);
    if (
      /(every|each|once every|interval( of)?|scrape[ds]?( every)?|scraping every|resolution( of)?|at|polled every)\s*(~|about)?\s*$/.test(
        before,
      ) &&
      !/\bkeep|retain/.test(before.slice(-12)) &&
      // "2M tasks a day, each ~500 ms": each of the things just counted takes that long; "every" is the interval.
      !/[,;(]\s*each\s*(~|about|around|roughly)?\s*$/.test(before)
    )
      return { kind: 'interval', seconds, text };
    if (/^\s*(?:interval|scrape|resolution|polling|poll)\b/.test(rest) || /^\s*-?\s*(?:minute|second)?\s*resolution/.test(rest))
      return { kind: 'interval', seconds, text };
    // Part-time use written as a run length: "only runs nightly for 3 hours", "it's up 4 hours a day on weekdays".
    const daily = /\b(nightly|daily|every (day|night)|each (day|night)|a (day|night)|per (day|night))\s*$/;
    const dailyAfter = /^\s*(?:a|per|each|every) (?:day|night|weekday)\b|^\s*(?:nightly|daily)\b/;
    if (
      seconds >= 1800 &&
      seconds < TIME_SECONDS.day! &&
      /\b(runs?|running|up|online|on|used|active|needed)\b[^,.;]{0,25}$/.test(before) &&
      (daily.test(before.replace(/\s*(for|about|~|only)\s*$/g, '')) || dailyAfter.test(rest))
    )
      return {
        kind: 'schedule',
        hoursPerDay: seconds / 3600,
        daysPerWeek: /\bweekdays?\b/.test(before + rest.slice(0, 24)) ? 5 : 7,
        text: span(u[0].length + (dailyAfter.exec(rest)?.[0].length ?? 0)),
      };
    if (
      /(within|in under|in less than|window( of)?|finish in|done in|complete in|under|no more than|(has|have|gets?|given) (only )?)\s*(~|about)?\s*$/.test(
        before,
      ) ||
      /^\s*(?:-?\s*)?window\b/.test(rest)
    )
      return { kind: 'window', seconds, text };
    if (
      /(keep|kept|keeping|retain|retained|retaining|retention( of| period)?|max[_ .-]?age|ttl|history( of)?|store[ds]? for|stored for|kept for|for|last|archive[ds]? for)\s*[:=]?\s*((locally|on (the )?(box|disk|server|vm))\s*)?(for\s*)?(~|about|only|the last|at least)?\s*$/.test(
        before,
      ) ||
      // "a 30-day TTL", "7 days TTL": what expires after the span is kept for it.
      /^\s*(?:-?\s*)?(?:retention|of history|of data|history|retained|rolling|ttls?|time[- ]to[- ]live|expiry)\b/.test(rest)
    )
      return { kind: 'retention', seconds, text };
    if (
      /^\s*(?:each|per (?:build|video|job|run|item|clip|pipeline|render|test|frame)|avg|average|on average|long)\b/.test(rest) ||
      // "each frame ~3 minutes", "a build takes 12 minutes": the thing, then how long one takes.
      /\b(?:each|per|a|every|one)\s+(?:frame|build|job|run|render|test run|clip|video)\s+(?:takes?|is|lasts?|needs?)?\s*(~|about|around|roughly)?\s*$/.test(
        before,
      ) ||
      /(takes?|taking|each|builds?|avg|average|lasting|runs? for|about|~|around)\s*(~)?\s*$/.test(before) ||
      // "3,000 short clips (2-3 minutes)": the length of each of the things just named.
      /\b(clips?|videos?|episodes?|recordings?|uploads?|calls?|meetings?|jobs?|runs?|builds?|tracks?|songs?)\s*[(,–-]\s*(~|about|around|roughly)?\s*$/.test(
        before,
      )
    )
      return { kind: 'duration-each', seconds, text };
    return { kind: 'duration', seconds, text };
  }
  // Cores: "on 4 cores", "each needs 2 vcpu".
  // "an 8-core box": written as an adjective.
  if ((u = /^\s*-?\s*(?:v?cpus?|vcores?|cores?|threads)\b/.exec(after)))
    return { kind: 'cores-each', cores: value, text: span(u[0].length) };
  // Rates: glued units ("20000 ops/s", "1200 tps", "500/s") or a noun and a period ("300 msgs/min", "400 builds a day").
  // Disk operations a second are what the volume must deliver, not requests the workload serves: "6000 IOPS", "iops: 6000".
  if ((u = /^\s*iops\b/.exec(after))) return { kind: 'iops', iops: value, text: span(u[0].length) };
  if (/\biops\s*(?:[:=]|of|>=|≥|at least|around|about|~)?\s*$/.test(before)) return { kind: 'iops', iops: value, text: `${value} IOPS` };
  // The figure as a rate of `of` over a period of `periodSeconds`, read over the first `length` characters.
  const rate = (of: string, periodSeconds: number, length: number): Quantity => ({
    kind: 'rate',
    perSecond: value / periodSeconds,
    of,
    periodSeconds,
    text: span(length),
  });
  if ((u = /^\s*(tps|qps|rps)\b/.exec(after))) return rate(rateNoun(u[1]!)!, 1, u[0].length);
  // "500/s", and "logins peak maybe 30 per second": the noun named a few words before.
  if ((u = /^\s*(?:\/\s*(?:s|sec|second)|per (?:second|sec))\b/.exec(after))) return rate(bareRateNoun(before), 1, u[0].length);
  const nounRate =
    /^\s*((?:[a-z][a-z'-]*\s+){0,3}?[a-z][a-z'-]*)\s*(?:\/\s*|per\s+|a\s+|an\s+|each\s+|every\s+)(ms|seconds?|secs?|sec|s|minutes?|mins?|min|m|hours?|hrs?|hr|h|days?|d|nights?|weeks?|wk|w|months?|mo|years?|yr|y)\b/.exec(
      after,
    );
  if (nounRate) {
    const noun = rateNoun(nounRate[1]!);
    if (noun) return rate(noun, TIME_SECONDS[nounRate[2]!]!, nounRate[0].length);
  }
  // "we get about 90k a month", "we receive 300 a day": things arriving, named earlier in the text; "files are a few
  // MB each, ~100/day": named earlier in the sentence.
  const bareArrivals = /^\s*(?:\/\s*|(?:a|an|per|each|every)\s+)(day|night|week|month|year)\b/.exec(after);
  const arriving =
    bareArrivals &&
    (/\b(get|gets|receive|receives|ingest|scan|upload|take in)\s*(?:about|around|roughly|~|some)?\s*$/.test(before)
      ? 'records'
      : (rateNounBefore(before, /[.;:(]/, 8) ?? countedBefore(before)));
  if (bareArrivals && arriving) return rate(arriving, TIME_SECONDS[bareArrivals[1]!] ?? TIME_SECONDS.day!, bareArrivals[0].length);
  // "300 orders on a busy Saturday", "2,000 logins on a normal day": a day's count, named by the day.
  const onADay =
    /^\s*((?:[a-z][a-z'-]*\s+){0,2}?[a-z][a-z'-]*)\s+on an? (?:busy |normal |typical |good |peak |quiet |bad |average )?(?:day|weekday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/.exec(
      after,
    );
  if (onADay && rateNoun(onADay[1]!)) return rate(rateNoun(onADay[1]!)!, TIME_SECONDS.day!, onADay[0].length);
  const nounDaily = /^\s*((?:[a-z][a-z'-]*\s+){0,2}?[a-z][a-z'-]*)\s+(daily|nightly|weekly|monthly|hourly)\b/.exec(after);
  if (nounDaily && rateNoun(nounDaily[1]!)) return rate(rateNoun(nounDaily[1]!)!, PER_WORD[nounDaily[2]!]!, nounDaily[0].length);
  // "Daily about 50000 pages", "per day: ~300 uploads": the period first, then the count of what arrives.
  const periodBefore =
    /(?:^|[.;:(]\s*)(daily|nightly|weekly|monthly|hourly|per day|each day|every day|a day)\s*[:,]?\s*(?:~|about|around|roughly|approx\.?|up to)?\s*$/.exec(
      before,
    );
  const countAfter = periodBefore && /^\s*((?:[a-z][a-z'-]*\s+){0,1}?[a-z][a-z'-]*)\b/.exec(after);
  if (periodBefore && countAfter && rateNoun(countAfter[1]!))
    return rate(rateNoun(countAfter[1]!)!, PER_WORD[periodBefore[1]!] ?? TIME_SECONDS.day!, countAfter[0].length);
  // "1200 writes a second and 9000 reads": the second rate shares the first's period.
  const shared =
    /\b\d[\d.]*\s+[a-z]+\s*(?:\/\s*|per\s+|a\s+|an\s+|each\s+|every\s+)(seconds?|secs?|sec|s|minutes?|mins?|min|hours?|hrs?|hr|h|days?|d)\s+(?:and|plus|&|with)\s+(?:~|about|around|roughly)?\s*$/.exec(
      before,
    );
  const sharedNoun = shared && /^\s*([a-z]+)\b/.exec(after);
  if (shared && sharedNoun && rateNoun(sharedNoun[1]!))
    return rate(rateNoun(sharedNoun[1]!)!, TIME_SECONDS[shared[1]!]!, sharedNoun[0].length);
  // People and things: "200k daily active users", "2000 concurrent players", "300 hosts", "5 million customers x 300 columns".
  // The noun is one of the next three words: "150 concurrent users", "1000000 active series", "100000 connected devices".
  const words =
    /^\s*-?\s*([a-z][a-z0-9'_-]*)(?:\s+([a-z0-9][a-z0-9'_-]*))?(?:\s+([a-z0-9][a-z0-9'_-]*))?(?:\s+([a-z0-9][a-z0-9'_-]*))?(?:\s+([a-z0-9][a-z0-9'_-]*))?/.exec(
      after,
    );
  if (words) {
    const list = words.slice(1).filter((w): w is string => !!w);
    for (let i = 0; i < Math.min(4, list.length); i++) {
      const head = list[i]!.replace(/'s?$/, '');
      const isName = head === 'place' && list[i + 1]?.startsWith('name');
      // "10k connected traders", "2,000 online gamers": whoever is connected at once is a user, whatever they are called.
      const connectedPeople =
        i > 0 && /^(concurrent|connected|online|simultaneous|logged-in)$/.test(list[i - 1]!) && /s$/.test(head) && !COUNT_NOUN.test(head);
      // "50,000 smart plugs sending a message every 30 seconds", "2000 scales that report every 5 minutes":
      // whatever sends or reports is a device, whatever it is called.
      const sender =
        /s$/.test(head) &&
        !USER_NOUN.test(head) &&
        !COUNT_NOUN.test(head) &&
        (/^(sending|reporting|publishing|emitting|posting|pushing|streaming|uploading)$/.test(list[i + 1] ?? '') ||
          (/^(that|which|each)$/.test(list[i + 1] ?? '') && /^(send|report|publish|emit|post|push|stream|upload)/.test(list[i + 2] ?? '')));
      if (!USER_NOUN.test(head) && !COUNT_NOUN.test(head) && !isName && !connectedPeople && !sender) {
        // Between the number and its noun only modifiers ("concurrent", "active", "1080p") or one other word.
        const between = list.slice(0, i + 1);
        if (between.filter((w) => !MODIFIER.test(w)).length > 1) break;
        continue;
      }
      // A compound noun counts its last word: "product photos", "customer records".
      const compound = !/s$/.test(head) && COUNT_NOUN.test(list[i + 1] ?? '') && /s$/.test(list[i + 1]!);
      if (compound) continue;
      const adjectives = list.slice(0, i).join(' ');
      const consumed = new RegExp(`^\\s*-?\\s*${list.slice(0, i + 1).join('\\s+')}`).exec(after)?.[0] ?? '';
      const rest = after.slice(consumed.length);
      const around = `${before.slice(-24)} ${adjectives} ${head} ${rest.slice(0, 24)}`;
      // "64 players per match", and "meetings of 6 people": how many share one of them.
      const per =
        /^\s*(?:per|each|in each|a)\s+(match|server|session|room|game|lobby|instance|node)\b/.exec(rest)?.[1] ??
        /\b(match|session|room|game|lobby|meeting|call)(?:es|s)?\s+(?:of|with)\s+(?:up to\s+|about\s+|~\s*)?$/.exec(before)?.[1];
      const within = /^\s*in (?:the first|an|one|1|the) (hour|day|minute)\b/.exec(rest);
      if (within) return rate('visitors', TIME_SECONDS[within[1]!]!, consumed.length + within[0].length);
      // "one member of a 5-node cluster", "3 members in the replica set", a data grid's "3 members": machines, not people.
      const clusterMembers =
        /^members?$/.test(head) &&
        (/^\s*(?:of|in)\s+(?:a|an|the|our)?\s*(?:\d+[- ]node\s+)?(?:cluster|replica set|ring|ensemble|quorum|grid)\b/.test(rest) ||
          /\b(hazelcast|ignite|infinispan|coherence|data grid|replica set|backup[- _]count|backup cop(y|ies))\b/.test(before + rest));
      if ((USER_NOUN.test(head) || connectedPeople) && !clusterMembers) {
        const of =
          /concurrent|ccu|online|at once|simultaneous|connected|connections|live|in-game|slots?|players?|friends?|kids|listeners/.test(
            around,
          )
            ? 'concurrent'
            : /daily|dau|a day|per day|each day/.test(around)
              ? 'daily'
              : /monthly|mau|a month|per month/.test(around)
                ? 'monthly'
                : 'total';
        return { kind: 'users', count: value, of, noun: singular(head), per, text: span(consumed.length) };
      }
      // "1000 series each", "each on 4 leaderboards", "each (4 of them)".
      const each =
        /^\s*(?:each|apiece|per\s+\w+)\b/.test(rest) || /\beach\s+(?:on|in|with)?\s*\(?\s*$|\beach\s*\(?\s*$/.test(before.slice(-12));
      return { kind: 'count', count: value, of: isName ? 'name' : sender ? 'device' : singular(head), each, text: span(consumed.length) };
    }
  }
  return undefined;
}
