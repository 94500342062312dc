import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import YAML from 'yaml';
import { mosaicSearchAttributes } from '../contract/search-attributes';
import {
  parseEnvFile,
  planProcesses,
  serverConfig,
  TEMPORAL_DATABASE,
  VISIBILITY_DATABASE,
  MAX_MEMBERSHIP_PORT,
  type ClusterContext,
  type ServerProcess,
} from './cluster-config';
import { isRunning, readRecord, sleep, startDaemon, stopDaemon, tailLog, type DaemonRecord } from './daemon';
import { freePort, isPortFree } from './ports';
import { initPostgres, POSTGRES_USER, postgresInstalled, postgresReady, startPostgres, type PostgresRun } from './postgresql';
import { prometheusConfig } from './prometheus-config';
import { logDir, runDir, StackStartFailed, startComponent, waitUntilReady, type StackOptions } from './stack';

const run = promisify(execFile);

/** Shared with docker/compose.yaml: the one copy of what both run (docker/temporal/). */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', 'docker');

/** Where setup builds the server, its SQL tool and the Web UI server (`scripts/setup.sh --profile production`). */
export const clusterBinDir = (cacheDir: string) => path.join(cacheDir, 'temporal-server', 'bin');
export const PROMETHEUS_BIN = '/usr/bin/prometheus';

export interface ProductionOptions extends StackOptions {
  postgresPort: number;
  prometheusPort: number;
  /** How often Prometheus scrapes; compose's interval unless a test wants data sooner. */
  scrapeInterval?: string;
}

export const PROFILE_FILE = (dataDir: string) => path.join(runDir(dataDir), 'profile');

/** The profile the data directory's stack was started with: `dev` unless production left its mark. */
export function stackProfile(dataDir: string): 'dev' | 'production' {
  try {
    return fs.readFileSync(PROFILE_FILE(dataDir), 'utf8').trim() === 'production' ? 'production' : 'dev';
  } catch {
    return 'dev';
  }
}

export class MissingProductionBinary extends StackStartFailed {
  constructor(what: string, looked: string) {
    super('production profile', `${what} is not installed (looked for ${looked}); run \`npm run setup -- --profile production\``, '');
  }
}

export function productionBinaries(cacheDir: string) {
  const bin = clusterBinDir(cacheDir);
  const binaries = {
    server: path.join(bin, 'temporal-server'),
    sqlTool: path.join(bin, 'temporal-sql-tool'),
    ui: path.join(bin, 'temporal-ui-server'),
    prometheus: PROMETHEUS_BIN,
  };
  return binaries;
}

/** True when every binary the profile needs is on this machine: the test suite runs the profile only then. */
export function productionInstalled(cacheDir: string): boolean {
  return Object.values(productionBinaries(cacheDir)).every((f) => fs.existsSync(f)) && postgresInstalled();
}

function requireBinaries(cacheDir: string) {
  const binaries = productionBinaries(cacheDir);
  for (const [what, file] of Object.entries(binaries)) if (!fs.existsSync(file)) throw new MissingProductionBinary(what, file);
  return binaries;
}

const clusterDir = (dataDir: string) => path.join(dataDir, 'temporal-cluster');

/** Ports not handed out before in this plan: the OS may offer the same free port twice in a row. */
function portSource() {
  const taken = new Set<number>();
  const claim = (port: number) => (taken.has(port) ? undefined : (taken.add(port), port));
  return {
    async ephemeral(): Promise<number> {
      for (;;) {
        const port = claim(await freePort());
        if (port !== undefined) return port;
      }
    },
    /** Free ports at or below MAX_MEMBERSHIP_PORT, probed upward from a random start so two stacks rarely collide. */
    async low(): Promise<number> {
      const start = 20000 + Math.floor(Math.random() * 10000);
      for (let port = start; port <= MAX_MEMBERSHIP_PORT; port++) {
        if (!taken.has(port) && (await isPortFree(port)) && claim(port) !== undefined) return port;
      }
      throw new StackStartFailed('temporal', `no free port between ${start} and ${MAX_MEMBERSHIP_PORT} for membership`, '');
    },
  };
}

interface ClusterPlan {
  processes: ServerProcess[];
  uiPort: number;
}

/**
 * The plan is made once and kept beside the cluster: a process restarted
 * (by `stack start`, or after a fault) must come back on the ports its peers
 * and Prometheus know.
 */
async function clusterPlan(opts: ProductionOptions): Promise<ClusterPlan> {
  const file = path.join(clusterDir(opts.dataDir), 'plan.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterPlan;
  const ports = portSource();
  const plan = { processes: await planProcesses(opts.temporalPort, ports.ephemeral, ports.low), uiPort: opts.uiPort };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(plan, null, 2));
  return plan;
}

function clusterSettings(): { numHistoryShards: number; retention: string } {
  const env = parseEnvFile(fs.readFileSync(path.join(SHARED_DIR, 'temporal', 'cluster.env'), 'utf8'));
  return { numHistoryShards: Number(env.NUM_HISTORY_SHARDS ?? 4), retention: env.DEFAULT_NAMESPACE_RETENTION ?? '72h' };
}

/** Creates both databases and brings their schemas to the version this server ships (embedded in the SQL tool). */
async function applySchemas(sqlTool: string, pg: PostgresRun, dataDir: string, progress: (m: string) => void) {
  const marker = path.join(clusterDir(dataDir), 'schema-applied');
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pg.port), '-u', POSTGRES_USER];
  for (const [db, schema] of [
    [TEMPORAL_DATABASE, 'postgresql/v12/temporal'],
    [VISIBILITY_DATABASE, 'postgresql/v12/visibility'],
  ] as const) {
    const tool = async (...args: string[]) => {
      try {
        await run(sqlTool, [...base, '--db', db, ...args], { env, timeout: 120_000 });
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new StackStartFailed('temporal schema', `temporal-sql-tool ${args[0]} on ${db} failed`, (e.stderr ?? e.message).slice(-2000));
      }
    };
    if (!fs.existsSync(marker)) {
      progress(`temporal: creating database ${db}`);
      await tool('create-database');
      await tool('setup-schema', '-v', '0.0');
    }
    // Idempotent: a newer server build moves an existing store forward.
    await tool('update-schema', '--schema-name', schema);
  }
  fs.writeFileSync(marker, new Date().toISOString());
}

async function frontendReady(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

const { IndexedValueType } = temporal.api.enums.v1;
const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The namespace and Mosaic's search attributes: a cluster starts with neither (the dev server's flags did this). */
async function registerNamespace(address: string, namespace: string, retention: string, progress: (m: string) => void) {
  const connection = await Connection.connect({ address });
  try {
    const known = await connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!known) {
      const hours = Number(/^(\d+)h$/.exec(retention)?.[1] ?? 72);
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(hours * 3_600_000) });
      progress(`temporal: namespace ${namespace} registered (retention ${retention})`);
    }
    // A new namespace reaches the services' caches a few seconds after it is registered.
    const deadline = Date.now() + 60_000;
    let existing: temporal.api.operatorservice.v1.IListSearchAttributesResponse;
    for (;;) {
      try {
        existing = await connection.operatorService.listSearchAttributes({ namespace });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
    const missing = mosaicSearchAttributes.filter((key) => !(key.name in (existing.customAttributes ?? {})));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED[key.type]!])),
      });
      progress(`temporal: search attributes ${missing.map((k) => k.name).join(', ')} registered`);
    }
  } finally {
    await connection.close();
  }
}

async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
  return res.ok;
}

function alreadyRunning(dataDir: string, name: string): DaemonRecord | undefined {
  const record = readRecord(runDir(dataDir), name);
  return record && isRunning(record) ? record : undefined;
}

/** Starts one server process unless it runs: its config is written beside the cluster, owner-only (it holds the store's password). */
export async function startServerProcess(
  opts: ProductionOptions,
  p: ServerProcess,
  plan: ServerProcess[],
  ctx: ClusterContext,
  server: string,
): Promise<DaemonRecord> {
  const running = alreadyRunning(opts.dataDir, p.name);
  if (running) return running;
  const file = path.join(clusterDir(opts.dataDir), `${p.name}.yaml`);
  fs.writeFileSync(file, YAML.stringify(serverConfig(p, plan, ctx)), { mode: 0o600 });
  return startDaemon({
    runDir: runDir(opts.dataDir),
    logDir: logDir(opts.dataDir),
    name: p.name,
    executable: server,
    args: ['--config-file', file, '--allow-no-auth', 'start', '--service', p.role],
    ports: { grpc: p.grpcPort, membership: p.membershipPort, metrics: p.metricsPort, ...(p.httpPort ? { http: p.httpPort } : {}) },
  });
}

export interface ProductionStack {
  processes: ServerProcess[];
  postgresPort: number;
  prometheusPort: number;
  uiPort: number;
  context: ClusterContext;
}

/** Everything but the Mosaic workers (the CLI starts those, as `worker --detach` does), in dependency order. */
export async function startProductionStack(opts: ProductionOptions): Promise<ProductionStack> {
  const progress = opts.onProgress ?? (() => {});
  const binaries = requireBinaries(opts.cacheDir);
  const dev = readRecord(runDir(opts.dataDir), 'temporal');
  if (dev && isRunning(dev)) {
    throw new StackStartFailed(
      'production profile',
      `the dev server runs from this data directory (pid ${dev.pid}); stop it with \`mosaic stack stop\` first`,
      '',
    );
  }
  fs.mkdirSync(clusterDir(opts.dataDir), { recursive: true, mode: 0o700 });
  fs.mkdirSync(runDir(opts.dataDir), { recursive: true });
  fs.writeFileSync(PROFILE_FILE(opts.dataDir), 'production\n');
  const common = { runDir: runDir(opts.dataDir), logDir: logDir(opts.dataDir) };

  // The document store does not depend on the cluster: it starts while PostgreSQL and the schemas come up.
  const mongo = startComponent('mongodb', opts);

  const pg = initPostgres(opts.dataDir, opts.postgresPort);
  const pgRecord = alreadyRunning(opts.dataDir, 'postgresql') ?? (await startPostgres(pg, common));
  await waitUntilReady('postgresql', pgRecord, () => postgresReady(pg), 60_000);
  progress(`postgresql: ready on 127.0.0.1:${pg.port} (pid ${pgRecord.pid})`);
  await applySchemas(binaries.sqlTool, pg, opts.dataDir, progress);

  const { numHistoryShards, retention } = clusterSettings();
  const plan = await clusterPlan(opts);
  const frontendAddress = `127.0.0.1:${opts.temporalPort}`;
  const context: ClusterContext = {
    postgres: { port: pg.port, user: POSTGRES_USER, password: pg.password },
    numHistoryShards,
    frontendAddress,
    dynamicConfigPath: path.join(SHARED_DIR, 'temporal', 'dynamicconfig.yaml'),
    logLevel: 'warn',
  };
  // The frontend first, alone: on a new store each process writes the cluster's metadata at start, and
  // the losers of that race exit with a duplicate key. The rest then start together.
  const [first, ...rest] = [...plan.processes].sort((a, b) => Number(b.role === 'frontend') - Number(a.role === 'frontend'));
  const frontend = await startServerProcess(opts, first!, plan.processes, context, binaries.server);
  await waitUntilReady('temporal-frontend', frontend, () => frontendReady(frontendAddress), 120_000, 500);
  const others = await Promise.all(rest.map((p) => startServerProcess(opts, p, plan.processes, context, binaries.server)));
  // A process that cannot join (a port taken since the plan was made) fails here, not later in a workflow.
  await sleep(1500);
  for (const record of others) {
    if (!isRunning(record)) throw new StackStartFailed(record.name, 'the process exited', tailLog(record.log));
  }
  progress(`temporal: ${plan.processes.length} server processes up (frontend ${frontendAddress})`);
  await registerNamespace(frontendAddress, opts.namespace ?? 'default', retention, progress);

  if (!opts.headless) {
    const uiRecord = alreadyRunning(opts.dataDir, 'temporal-ui') ?? (await startUi(opts, plan.uiPort, frontendAddress, binaries.ui));
    await waitUntilReady('temporal-ui', uiRecord, () => httpReady(`http://127.0.0.1:${plan.uiPort}/`), 60_000, 300);
    progress(`temporal-ui: http://127.0.0.1:${plan.uiPort}`);
  }
  await mongo;
  return { processes: plan.processes, postgresPort: pg.port, prometheusPort: opts.prometheusPort, uiPort: plan.uiPort, context };
}

async function startUi(opts: ProductionOptions, port: number, frontendAddress: string, ui: string): Promise<DaemonRecord> {
  const root = path.join(clusterDir(opts.dataDir), 'ui');
  fs.mkdirSync(path.join(root, 'config'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'config', 'production.yaml'),
    YAML.stringify({
      temporalGrpcAddress: frontendAddress,
      host: '127.0.0.1',
      port,
      enableUi: true,
      defaultNamespace: opts.namespace ?? 'default',
      cors: { allowOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`] },
      auth: { enabled: false },
    }),
  );
  return startDaemon({
    runDir: runDir(opts.dataDir),
    logDir: logDir(opts.dataDir),
    name: 'temporal-ui',
    executable: ui,
    args: ['--root', root, '--env', 'production', 'start'],
    ports: { ui: port },
  });
}

/** Prometheus scraping every server process and every worker recorded in runDir; restarted when the targets change. */
export async function startPrometheus(
  opts: ProductionOptions,
  stack: ProductionStack,
  workerMetricsPorts: number[],
): Promise<DaemonRecord> {
  const progress = opts.onProgress ?? (() => {});
  const dir = path.join(opts.dataDir, 'data', 'prometheus');
  fs.mkdirSync(dir, { recursive: true });
  const config = prometheusConfig(
    fs.readFileSync(path.join(SHARED_DIR, 'prometheus.yml'), 'utf8'),
    {
      'mosaic-worker': workerMetricsPorts.map((p) => `127.0.0.1:${p}`),
      temporal: stack.processes.map((p) => `127.0.0.1:${p.metricsPort}`),
    },
    opts.scrapeInterval,
  );
  const file = path.join(clusterDir(opts.dataDir), 'prometheus.yml');
  const changed = !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== config;
  fs.writeFileSync(file, config);
  const running = alreadyRunning(opts.dataDir, 'prometheus');
  if (running && !changed) return running;
  if (running) await stopDaemon(runDir(opts.dataDir), 'prometheus');
  const record = await startDaemon({
    runDir: runDir(opts.dataDir),
    logDir: logDir(opts.dataDir),
    name: 'prometheus',
    executable: PROMETHEUS_BIN,
    args: [
      `--config.file=${file}`,
      `--storage.tsdb.path=${dir}`,
      `--web.listen-address=127.0.0.1:${opts.prometheusPort}`,
      '--log.level=warn',
    ],
    ports: { http: opts.prometheusPort },
  });
  await waitUntilReady('prometheus', record, () => httpReady(`http://127.0.0.1:${opts.prometheusPort}/-/ready`), 60_000, 300);
  progress(
    `prometheus: http://127.0.0.1:${opts.prometheusPort} scraping ${stack.processes.length} server processes and ${workerMetricsPorts.length} workers`,
  );
  return record;
}

/**
 * Stop order: workers first (they would spin on a vanished frontend), then the
 * cluster's services, the UI and Prometheus, the document store, and the SQL
 * store last, so no server loses its database mid-write.
 */
export function productionStopOrder(recorded: string[]): string[] {
  const rank = (name: string) =>
    name.startsWith('worker') || name === 'console'
      ? 0
      : name === 'temporal-frontend'
        ? 1
        : name.startsWith('temporal-')
          ? 2
          : name === 'postgresql'
            ? 4
            : 3;
  return [...recorded].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function recordedNames(dataDir: string): string[] {
  const dir = runDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length));
}
