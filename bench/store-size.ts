// What the production profile's stores keep per 1,000 negotiations, measured,
// with compositions as the baseline. On a private production-profile cluster
// (PostgreSQL, the Temporal server as separate processes, FerretDB, two Mosaic
// workers) it runs --count bucket compositions to their end, then --count
// negotiations driven as an application drives them (a rejection and an
// acceptance, each an update with its id, then the observed usage reported,
// which ends the shipped default observation window of 1 day), and reads after
// each batch: the size of PostgreSQL's `temporal` and `temporal_visibility`
// databases (pg_database_size after a CHECKPOINT), the PostgreSQL directory
// on disk (with its WAL), and FerretDB's directory on disk. Nothing is removed
// during the run: the figures are what the stores hold per 1,000 until the
// namespace's retention (docker/temporal/cluster.env) deletes closed histories.
// The cluster writes on its own too (membership heartbeats, shard and queue
// metadata, and the dead row versions those leave until autovacuum): an idle
// interval as long as the two batches is measured after them, and its growth per
// second is taken off each batch's growth.
//   npm run bench:store-size -- [--count 50]
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MosaicClient } from '../src/client/mosaic-client';
import { loadConfig, postgresPasswordFile } from '../src/config';
import type { NegotiationRequestInput } from '../src/negotiation/request';
import { generateKeyPair } from '../src/security/keys';
import { TEMPORAL_DATABASE, VISIBILITY_DATABASE } from '../src/stack/cluster-config';
import { POSTGRES_BIN, POSTGRES_USER } from '../src/stack/postgresql';
import { productionInstalled, type ProductionOptions } from '../src/stack/production';
import { untilAnswered } from '../test/harness/answered';
import { bucketRequests, negotiatedServices, startPrivateProductionStack, type PrivateStack } from '../test/harness/chaos';
import { applyDefaultPolicy } from '../test/harness/policies';
import { killWorker, startWorkerProcess, waitForPoller } from '../test/harness/worker-process';
import { driveNegotiation } from './drive-negotiation';

const { values: args } = parseArgs({
  options: { count: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '10' } },
});
const COUNT = Number(args.count);
const CONCURRENCY = Number(args.concurrency);
/** Each batch must end within this: a stuck run is a finding, not a hang. */
const BATCH_MS = 30 * 60_000;

const log = (message: string) => process.stderr.write(`[store-size] ${message}\n`);
const du = (dir: string) => (fs.existsSync(dir) ? Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]) : 0);

type Sizes = Record<'temporal' | 'visibility' | 'postgresql on disk' | 'ferretdb on disk', number>;

function sizes(stack: PrivateStack): Sizes {
  const { dataDir, postgresPort } = stack.opts as ProductionOptions;
  const sql = (query: string) =>
    execFileSync(
      path.join(POSTGRES_BIN, 'psql'),
      ['-h', '127.0.0.1', '-p', String(postgresPort), '-U', POSTGRES_USER, '-d', TEMPORAL_DATABASE, '-At', '-c', query],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: fs.readFileSync(postgresPasswordFile(dataDir), 'utf8').trim() } },
    ).trim();
  // Dirty pages reach the relation files at a checkpoint; without one a size reads low by what shared buffers hold.
  sql('CHECKPOINT');
  return {
    temporal: Number(sql(`SELECT pg_database_size('${TEMPORAL_DATABASE}')`)),
    visibility: Number(sql(`SELECT pg_database_size('${VISIBILITY_DATABASE}')`)),
    'postgresql on disk': du(path.join(dataDir, 'data', 'postgresql')),
    'ferretdb on disk': du(path.join(dataDir, 'data', 'ferretdb')),
  };
}

/** Runs each item through work, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const STORES = ['temporal', 'visibility', 'postgresql on disk', 'ferretdb on disk'] as const;

interface Batch {
  before: Sizes;
  after: Sizes;
  seconds: number;
}

/** A batch's growth per 1,000 workflows, less what the idle cluster wrote in as long. */
const per1000 = (batch: Batch, idle: Batch, count: number) =>
  Object.fromEntries(
    STORES.map((k) => {
      const idlePerSecond = (idle.after[k] - idle.before[k]) / idle.seconds;
      return [k, Math.round(((batch.after[k] - batch.before[k] - idlePerSecond * batch.seconds) / count) * 1000)];
    }),
  ) as Sizes;

/** Sizes before and after work, and how long it took. */
async function measured(stack: PrivateStack, work: () => Promise<void>): Promise<Batch> {
  const before = sizes(stack);
  const t0 = Date.now();
  await work();
  const seconds = (Date.now() - t0) / 1000;
  return { before, after: sizes(stack), seconds };
}

/** Negotiations on the shipped defaults: no `observe` or `limits` given, so the window is the default 1 day. */
function negotiationRequests(count: number, tag: string): NegotiationRequestInput[] {
  const roles = ['web-server', 'database', 'cache'] as const;
  return Array.from({ length: count }, (_, i) => ({
    negotiationId: `size-${tag}-${i}`,
    user: 'bench',
    account: `acct-${tag}-n${i}`,
    workload: { kind: 'structured' as const, workload: { role: roles[i % roles.length]!, requestsPerSecond: 50 + (i % 7) * 40 } },
  }));
}

async function main() {
  if (!productionInstalled(loadConfig().cacheDir))
    throw new Error('install the production profile first: npm run setup -- --profile production');
  const stack = await startPrivateProductionStack();
  const admin = generateKeyPair();
  const env = {
    ...stack.env,
    MOSAIC_TASK_QUEUE: `size-${randomUUID()}`,
    MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    MOSAIC_LOG_LEVEL: 'error',
    MOSAIC_METRICS_PORT: '0',
  };
  const client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
  const workers: ChildProcess[] = [];
  const stopInstances = () => {
    for (const pids of negotiatedServices(stack.opts.dataDir).values())
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
  };
  try {
    for (let i = 0; i < 2; i++) workers.push(startWorkerProcess(env, path.join(stack.opts.dataDir, 'workers.log')));
    await Promise.all(workers.map((w) => waitForPoller(client, w)));
    await applyDefaultPolicy(client, admin);
    const tag = randomUUID().slice(0, 6);
    const compose = async (r: ReturnType<typeof bucketRequests>[number], deadline: number) => {
      const handle = await untilAnswered(() => client.compose(r), deadline);
      await untilAnswered(() => handle.result(), deadline);
    };
    const negotiate = async (r: NegotiationRequestInput, deadline: number) => {
      const view = await driveNegotiation(client, r, deadline);
      if (view.status !== 'completed') throw new Error(`${r.negotiationId} ended ${view.status}: ${view.reason ?? ''}`);
    };
    // Warm-up: the first policy read, persona and model rows are made once per store, not per workflow.
    const warm = Date.now() + BATCH_MS;
    await compose(bucketRequests(1, `${tag}w`)[0]!, warm);
    await negotiate(negotiationRequests(1, `${tag}w`)[0]!, warm);
    stopInstances();

    log(`${COUNT} compositions, ${CONCURRENCY} at a time`);
    const composing = await measured(stack, async () => {
      const deadline = Date.now() + BATCH_MS;
      await pool(bucketRequests(COUNT, tag), CONCURRENCY, (r) => compose(r, deadline));
    });
    log(`${COUNT} negotiations, ${CONCURRENCY} at a time`);
    const negotiating = await measured(stack, async () => {
      const deadline = Date.now() + BATCH_MS;
      await pool(negotiationRequests(COUNT, tag), CONCURRENCY, async (r) => {
        await negotiate(r, deadline);
        // Its instance (a local service process) is stopped once counted: idle processes would weigh on the run.
        stopInstances();
      });
    });
    const idleSeconds = Math.max(30, composing.seconds + negotiating.seconds);
    log(`the cluster idle for ${Math.round(idleSeconds)} s (its own writes)`);
    const idle = await measured(stack, () => new Promise((r) => setTimeout(r, idleSeconds * 1000)));

    const compositions = per1000(composing, idle, COUNT);
    const negotiations = per1000(negotiating, idle, COUNT);
    const mb = (b: number) => Math.round((b / 1e6) * 10) / 10;
    console.table(
      STORES.map((store) => ({
        store,
        'MB per 1,000 compositions': mb(compositions[store]),
        'MB per 1,000 negotiations': mb(negotiations[store]),
        'negotiation ÷ composition': (negotiations[store] / compositions[store]).toFixed(2),
        'idle MB per hour': mb(((idle.after[store] - idle.before[store]) / idle.seconds) * 3600),
      })),
    );
    console.log(JSON.stringify({ count: COUNT, composing, negotiating, idle }));
  } finally {
    stopInstances();
    for (const w of workers) await killWorker(w);
    await client.close();
    await stack.close();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
