/**
 * Writes src/negotiation/data/workload-corpus.json: labelled workload
 * descriptions for the analyzer's text model. Each description is written
 * from a random structured workload (seeded, so the file is reproducible)
 * through varied phrasings; its label is what the capacity formulas make of
 * that structured workload, so text and structured analysis agree.
 *
 *   npx tsx scripts/gen-workload-corpus.ts [count]
 */
import fs from 'node:fs';
import path from 'node:path';
import { profileFromStructured, type StructuredWorkloadInput } from '../src/negotiation/capacity';
import type { Role as PersonaRole } from '../src/negotiation/persona';

/** The template corpus covers the six original roles; descriptions of the others are read by the workload analyzer. */
type Role = Exclude<PersonaRole, 'search-engine' | 'realtime-server' | 'file-store'>;
import { seededRandom } from '../src/random';

const random = seededRandom(20261123);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const between = (lo: number, hi: number) => lo * (hi / lo) ** random();

const NOUNS: Record<Role, string[]> = {
  'web-server': [
    'e-commerce website',
    'online shop',
    'company website',
    'REST API',
    'web app',
    'customer portal',
    'blog',
    'booking site',
    'SaaS dashboard',
    'marketing site',
    'GraphQL API',
    'news site',
  ],
  database: [
    'PostgreSQL database',
    'MySQL database',
    'relational database',
    'OLTP database',
    'order database',
    'customer database',
    'inventory database',
    'MariaDB server',
    'transactional store',
  ],
  analytics: [
    'analytics engine',
    'data warehouse',
    'Spark cluster node',
    'reporting engine',
    'OLAP cube',
    'BI backend',
    'ClickHouse server',
    'log analytics service',
  ],
  'message-queue': ['message queue', 'Kafka broker', 'RabbitMQ broker', 'event bus', 'pub/sub broker', 'job queue', 'streaming broker'],
  cache: ['Redis cache', 'memcached tier', 'session cache', 'in-memory cache', 'key-value cache', 'page cache'],
  'batch-worker': [
    'batch worker',
    'ETL job runner',
    'nightly import job',
    'video transcoding worker',
    'report generator',
    'data pipeline worker',
    'cron job host',
  ],
};

const SCALES = [
  { words: ['tiny', 'hobby', 'personal', 'very small'], rps: [1, 8] },
  { words: ['small', 'modest', 'low-traffic', 'little'], rps: [8, 60] },
  { words: ['medium-sized', 'mid-sized', 'moderate', 'growing'], rps: [60, 400] },
  { words: ['large', 'busy', 'high-traffic', 'popular'], rps: [400, 2500] },
  { words: ['huge', 'very large', 'massive', 'global'], rps: [2500, 6000] },
] as const;

/** Analytics and batch work do far fewer, far heavier requests than a web server. */
const RPS_SCALE: Record<Role, number> = {
  'web-server': 1,
  database: 2,
  analytics: 0.01,
  'message-queue': 5,
  cache: 10,
  'batch-worker': 0.05,
};

const OPENERS = [
  'run a',
  'I need a',
  'host a',
  'we want to deploy a',
  'set up a',
  'provision a',
  'spin up a',
  'looking for an instance for a',
  'please create a',
  'our team runs a',
];

function describe(role: Role): { text: string; workload: StructuredWorkloadInput } {
  const scaleIndex = Math.floor(random() * SCALES.length);
  const scale = SCALES[scaleIndex]!;
  const rps = between(scale.rps[0], scale.rps[1]) * RPS_SCALE[role];
  const parts: string[] = [`${pick(OPENERS)} ${pick(scale.words)} ${pick(NOUNS[role])}`];
  const workload: StructuredWorkloadInput = {
    role,
    requestsPerSecond: Math.round(rps * 100) / 100,
    datasetGb: Math.round(between(1, 20) * 2 ** scaleIndex),
  };
  const extras = random();
  if (extras < 0.25) {
    workload.batch = { hour: 2, durationHours: pick([1, 2, 3]), millionsOfRecords: Math.round(between(1, 20) * (scaleIndex + 1)) };
    parts.push(
      pick([
        'with a nightly report',
        'plus a nightly batch export',
        'and a nightly ETL job',
        'with reports every night',
        'and an overnight import',
      ]),
    );
  } else if (extras < 0.4) {
    workload.readRatio = 0.3;
    parts.push(pick(['that is write heavy', 'with lots of writes', 'ingesting many writes', 'mostly writes']));
  } else if (extras < 0.55) {
    workload.payloadKb = 512;
    parts.push(pick(['serving large images', 'with big file uploads', 'moving large payloads', 'streaming media files']));
  } else if (extras < 0.7) {
    workload.datasetGb = (workload.datasetGb ?? 10) * 4;
    parts.push(pick(['with a lot of data', 'over a large data set', 'holding terabytes of history', 'with a big working set']));
  } else if (extras < 0.8) {
    workload.peakFactor = 8;
    parts.push(pick(['with sharp traffic spikes', 'that peaks during flash sales', 'with very bursty traffic', 'busy only at lunchtime']));
  }
  if (random() < 0.35) {
    const users = Math.round(rps * pick([20, 50, 100]));
    parts.push(pick([`for about ${users} users`, `(~${users} concurrent users)`, `serving ${users} customers`]));
    workload.concurrency = Math.min(5000, Math.max(1, Math.round(users / 10)));
  }
  let text = parts.join(' ');
  if (random() < 0.5) text = text.replace(/^./, (c) => c.toUpperCase());
  return { text, workload };
}

function main() {
  const count = Number(process.argv[2] ?? 480);
  const roles = Object.keys(NOUNS) as Role[];
  const seen = new Set<string>();
  const examples: { text: string; role: Role; workload: StructuredWorkloadInput; profile: ReturnType<typeof profileFromStructured> }[] = [];
  for (let i = 0; examples.length < count && i < count * 20; i++) {
    const role = roles[examples.length % roles.length]!;
    const { text, workload } = describe(role);
    if (seen.has(text)) continue;
    seen.add(text);
    examples.push({ text, role, workload, profile: profileFromStructured(workload) });
  }
  const out = path.resolve(__dirname, '..', 'src', 'negotiation', 'data', 'workload-corpus.json');
  const corpus = {
    source:
      'generated by scripts/gen-workload-corpus.ts (seed 20261123); labels are the capacity formulas of src/negotiation/capacity.ts applied to each description’s structured workload',
    built: '2026-11-23',
    examples,
  };
  fs.writeFileSync(out, `${JSON.stringify(corpus)}\n`);
  process.stdout.write(`${examples.length} labelled descriptions -> ${path.relative(process.cwd(), out)}\n`);
}

main();
