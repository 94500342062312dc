/**
 * Operators' shorthand, spelt out before anything reads the text: "mongo 6
 * rs, 400G, 8k ops", "cassandra 9 nodes 3TB/node rf3 50k w/s", "mc server 100
 * players", "neo4j 100M nodes 1B rels". Applied to lower-cased text with its
 * numbers already in digits (numbers.ts). Each rule is narrow: a bare G after
 * a number is a size unless a network generation follows ("5G network").
 */
const RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  // A JVM's heap flag: "-Xmx8g" is an 8 GB heap.
  [/-?\bxmx(\d+)([gm])\b/g, '$1 $2b heap'],
  // Sizes without the B: "400G", "2T".
  [/(\d)\s?([gt])\b(?![\w/-])(?!\s*(?:network|lte|cellular|wi-?fi|mobile|modem|connectivity|coverage))/g, '$1 $2b'],
  // A size per node: "3TB/node".
  [/(\d)\s?(gb|gib|tb|tib)\s?\/\s?(node|server|host|broker)\b/g, '$1 $2 per $3'],
  // Rates as dashboards write them: "w/s", "r/s"; bare "ops" and "gets" after a number are per second.
  [/(\d)\s?w\/s\b/g, '$1 writes/s'],
  [/(\d)\s?r\/s\b/g, '$1 reads/s'],
  // Not "each one gets transcoded": one of something is not a rate.
  [
    /(?<![\d.])(\d+(?:\.\d+)?)\s?(ops|gets|sets)\b(?!\s*(?:\/|per\b|a\b|an\b|each\b|every\b|daily|hourly))/g,
    (m, n, what) => (Number(n) === 1 ? m : `${n} ${what}/s`),
  ],
  // Cores glued to their number: "4cpu", "16vcpu".
  [/(\d)(v?cpus?|vcores?|cores?)\b/g, '$1 $2'],
  // "1B rels", "2B rows": B before a count is a billion, not a byte.
  [
    /(?<![\d.])(\d+(?:\.\d+)?)\s?b\s+(?=(?:rels|relationships|edges|rows|records|events|users|nodes|docs|documents|vectors|keys|items|messages|requests|points|samples)\b)/g,
    (_, v) => `${Number(v) * 1e9} `,
  ],
  // Inline settings: "brokers=3, rf=3", "ClickHouse shard node x4": the machines counted. Not "4 nodes x 8 drives".
  [/\b(nodes|brokers|servers|shards|workers|instances|members)\s?=\s?(\d+)\b/g, '$2 $1'],
  [/(?<!\d\s?)\b(node|broker|server|shard|worker|instance|member)s?\s?[x×](\d+)\b/g, '$2 $1s'],
  // Nicknames.
  [/\bmc (server|world|network)\b/g, 'minecraft $1'],
  [/\brabbit\b(?!mq)/g, 'rabbitmq'],
  [/\bes (?=\d|cluster|nodes?|index)/g, 'elasticsearch '],
  [/\brels\b/g, 'relationships'],
  [/\bppl\b/g, 'people'],
];

export function expandShorthand(text: string): string {
  // Two calls so each picks its overload of replace (a pattern or a function).
  return RULES.reduce((t, [re, to]) => (typeof to === 'string' ? t.replace(re, to) : t.replace(re, to)), text);
}

/** A field that counts things ("nodes: 6", "Peak concurrent sessions: 400", "num_brokers = 3"): its last word is what is counted. */
const COUNTED_FIELD =
  /^(?:(?:number|num|no\.?|count) of |num |n )?([a-z ]*?)\b(nodes|brokers|servers|replicas|shards|workers|instances|partitions|users|members|bookies|historicals|consumers|producers|sensors|devices|sessions|connections|players|clients|agents|runners|hosts|vms)$/;
/** A field whose name is a rate's unit: "qps: ~1500", "peak tps = 3k". */
const RATE_FIELD = /^(peak |avg |average )?(qps|rps|tps|ops|req\/s|requests\/s)$/;
/**
 * A ticket's or a YAML file's field line: "nodes: 6", "events_per_day: ~300M", "avg_event_size_uncompressed: 200B".
 * Its value stops at the line's end, a Windows one (CRLF, as pasted from a ticket) included.
 */
const FIELD_LINE = /^([ \t]*(?:-[ \t]+)?)([A-Za-z][\w .]{0,40}?)[ \t]*[:=][ \t]*(~?[ \t]*\d[^\r\n]*)$/gm;

/**
 * Field lines said the way a sentence says them, before the text is folded
 * into one line: a count after its number ("6 nodes"), a rate with its unit
 * after the number ("~300M events per day"), and other fields' underscores as
 * spaces, a size where a sentence puts it ("avg event size 200B"). Lines of
 * prose are left alone.
 */
export function spellOutFields(text: string): string {
  return text.replace(FIELD_LINE, (whole, indent: string, rawKey: string, commented: string) => {
    // "peak_rps: 150   # total across both": the comment is a sentence of its own, and so is the field (the next line's
    // words are not what its number counts once lines are folded).
    const [value, comment] = commented.split(/[ \t]+#[ \t]*/, 2) as [string, string | undefined];
    const said = spellOutField(whole.slice(0, whole.length - commented.length) + value, indent, rawKey, value);
    return comment ? `${said}. ${comment}.` : said === whole ? said : `${said}.`;
  });
}

function spellOutField(line: string, indent: string, rawKey: string, value: string): string {
  const key = rawKey.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
  const bare = /^(~?[ \t]*[\d.,]+[kKmMbB]?)\b(?![ \t]*[a-zA-Z%])(.*)$/.exec(value);
  // "msgs_per_sec: 8000": "8000 msgs per sec", the period a rate's (before the unit below reads "sec" as the value's).
  const perUnit = /^(.+) per (second|sec|s|minute|min|hour|day|week|month|year)$/.exec(key);
  if (perUnit && bare) return `${indent}${bare[1]} ${key}${bare[2]}`;
  // "avg_cpu_per_request_ms: 40": a unit at the key's end is the value's.
  const unit = /^(.+) (ms|s|sec|gb|gib|mb|mib|tb|tib|kb)$/.exec(key);
  if (unit && /^~?[ \t]*[\d.,]+$/.test(value.trim())) return `${indent}${unit[1]} ${value.trim()} ${unit[2]}`;
  const counted = COUNTED_FIELD.exec(key);
  if (counted && bare) return `${indent}${bare[1]} ${counted[1]}${counted[2]}${bare[2]}`;
  const rate = RATE_FIELD.exec(key);
  if (rate) {
    // "qps: ~1500 read / ~200 write": each figure a rate of what follows it.
    const split = value.replace(
      /(~?[ \t]*[\d.,]+[kKmM]?)[ \t]*(reads?|writes?)\b/g,
      (_, n: string, what: string) => `${n} ${what.replace(/s?$/, 's')} per second`,
    );
    if (split !== value) return `${indent}${split}`;
    // "peak_rps: 150": "peak 150 rps", as a sentence says it.
    if (bare) return `${indent}${rate[1] ?? ''}${bare[1]} ${rate[2]}${bare[2]}`;
  }
  // "avg_event_size_uncompressed: 200B": the size of one, read where a sentence puts it ("event size 200B").
  const sized = /^(.*?\bsize)\b/.exec(key);
  if (sized && rawKey.includes('_')) return `${indent}${sized[1]} ${value}`;
  return rawKey.includes('_') ? `${indent}${key} ${value}` : line;
}
