import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../src/config';
import type { CompositionRequestInput } from '../../src/composition/request';
import { inventoryModel } from '../../src/models/inventory';
import { outcomeModel } from '../../src/models/outcome';
import { personaModel, personaUsageModel } from '../../src/models/persona';
import { captureModel, compositionModel } from '../../src/models/snapshot';
import type { NegotiationView } from '../../src/contract/negotiate';
import type { NegotiationRequestInput } from '../../src/negotiation/request';
import { KEY_TAG } from '../../src/providers/aws';
import { LocalWorkspace } from '../../src/providers/local-workspace';
import { isRunning, processDirectories, readRecord, stopDaemon } from '../../src/stack/daemon';
import { canConnect, freePort } from '../../src/stack/ports';
import { productionStopOrder, recordedNames, startProductionStack, type ProductionOptions } from '../../src/stack/production';
import { runDir, startComponent, type Component, type StackOptions } from '../../src/stack/stack';
import { MOTO_CREDENTIALS } from './moto';

/**
 * A Temporal dev server and/or FerretDB of one test's (or one benchmark's)
 * own, on free ports in a temporary directory, so stopping and restarting
 * them disturbs nobody else. Both keep their SQLite files across a restart.
 */
export interface PrivateStack {
  opts: StackOptions;
  /** What a worker or client of this stack needs in its environment. */
  env: NodeJS.ProcessEnv;
  stop(component: Component): Promise<void>;
  start(component: Component): Promise<void>;
  /** Stops the component, keeps it down for downMs, starts it again on the same port and files. */
  outage(component: Component, downMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateStack(components: Component[], database = `chaos_${randomUUID().slice(0, 8)}`): Promise<PrivateStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-chaos-'));
  const opts: StackOptions = {
    dataDir,
    cacheDir: loadConfig().cacheDir,
    temporalPort: components.includes('temporal') ? await freePort() : Number(process.env.MOSAIC_TEMPORAL_PORT),
    uiPort: 0,
    mongoPort: components.includes('mongodb') ? await freePort() : Number(process.env.MOSAIC_MONGODB_PORT),
    headless: true,
  };
  const start = async (c: Component) => void (await startComponent(c, opts));
  const stop = async (c: Component) => void (await stopDaemon(runDir(dataDir), c, 5000));
  await Promise.all(components.map(start));
  return privateStack(opts, database, start, stop, async () => {
    for (const c of components) await stop(c);
  });
}

/** A started stack as a test drives it: stop and start one part, an outage of it, and a close that leaves nothing. */
function privateStack(
  opts: StackOptions,
  database: string,
  start: (c: Component) => Promise<void>,
  stop: (c: Component) => Promise<void>,
  stopAll: () => Promise<void>,
): PrivateStack {
  return {
    opts,
    env: {
      MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${opts.temporalPort}`,
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${opts.mongoPort}/${database}`,
      MOSAIC_DATA_DIR: opts.dataDir,
    },
    start,
    stop,
    async outage(c, downMs) {
      await stop(c);
      await new Promise((r) => setTimeout(r, downMs));
      await start(c);
    },
    async close() {
      await stopAll();
      fs.rmSync(opts.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The production profile's cluster (PostgreSQL, the Temporal server as
 * separate frontend, history ×2, matching ×2 and worker processes) and
 * FerretDB of one benchmark's own, headless and without Prometheus (the
 * benchmark reads CPU from /proc). `temporal` is the whole cluster: started,
 * it brings back whatever server process is down.
 */
export async function startPrivateProductionStack(database = `load_${randomUUID().slice(0, 8)}`): Promise<PrivateStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-load-production-'));
  const opts: ProductionOptions = {
    dataDir,
    cacheDir: loadConfig().cacheDir,
    temporalPort: await freePort(),
    uiPort: 0,
    mongoPort: await freePort(),
    postgresPort: await freePort(),
    prometheusPort: await freePort(),
    headless: true,
  };
  const cluster = () => recordedNames(dataDir).filter((n) => n.startsWith('temporal-') || n === 'postgresql');
  const start = async (c: Component) => void (c === 'temporal' ? await startProductionStack(opts) : await startComponent(c, opts));
  const stop = async (c: Component) => {
    for (const name of c === 'temporal' ? productionStopOrder(cluster()) : [c]) await stopDaemon(runDir(dataDir), name, 5000);
  };
  await startProductionStack(opts);
  return privateStack(opts, database, start, stop, async () => {
    for (const name of productionStopOrder(recordedNames(dataDir))) await stopDaemon(runDir(dataDir), name, 5000);
  });
}

/** Bucket requests each with its own account and name, so every side effect can be traced to one request. */
export function bucketRequests(count: number, tag = randomUUID().slice(0, 6)): CompositionRequestInput[] {
  return Array.from({ length: count }, (_, i) => ({
    requestId: `${tag}-${i}`,
    user: 'chaos',
    account: `acct-${tag}-${i}`,
    region: 'us-east-1',
    resourceType: 'bucket' as const,
    spec: { name: `b${i}-${tag}` },
  }));
}

/** How often each value occurs. */
const tallyOf = (values: unknown[]) =>
  values.reduce<Map<string, number>>((m, v) => m.set(String(v), (m.get(String(v)) ?? 0) + 1), new Map());

export interface SideEffectCount {
  /** Requests with some side effect made more than once, and what. */
  duplicated: string[];
  /** Failed requests with a side effect left behind (not compensated), and what. */
  leftBehind: string[];
  /** Requests that succeeded with some side effect or outcome missing, and what. */
  missing: string[];
}

/**
 * Counts, per bucket request, what its composition made: the bucket's
 * directory, its inventory entry, its network policy and its outcome. A
 * succeeded composition has each exactly once; a failed one has its outcome
 * once and nothing else left behind (compensation).
 */
export async function countBucketSideEffects(
  db: Connection,
  dataDir: string,
  requests: CompositionRequestInput[],
  succeeded: Set<string>,
): Promise<SideEffectCount> {
  const bucketsDir = path.join(dataDir, 'resources', 'buckets');
  const dirs = fs.existsSync(bucketsDir) ? fs.readdirSync(bucketsDir) : [];
  // One read per collection, counted here: thousands of per-request counts would load FerretDB more than the run did.
  const inventory = tallyOf((await inventoryModel(db).find({}, { workflowId: 1 }).lean()).map((d) => d.workflowId));
  const policies = tallyOf(
    (
      await db
        .collection('network_policies')
        .find({}, { projection: { account: 1 } })
        .toArray()
    ).map((d) => d.account),
  );
  const outcomes = tallyOf((await outcomeModel(db).find({}, { workflowId: 1 }).lean()).map((d) => d.workflowId));
  const duplicated: string[] = [];
  const leftBehind: string[] = [];
  const missing: string[] = [];
  for (const r of requests) {
    const workflowId = `compose-${r.requestId}`;
    const counts = {
      bucket: dirs.filter((d) => d.startsWith(`${String(r.spec.name)}-`)).length,
      inventory: inventory.get(workflowId) ?? 0,
      networkPolicy: policies.get(r.account) ?? 0,
      outcome: outcomes.get(workflowId) ?? 0,
    };
    const expected = succeeded.has(r.requestId)
      ? { bucket: 1, inventory: 1, networkPolicy: 1, outcome: 1 }
      : { bucket: 0, inventory: 0, networkPolicy: 0, outcome: 1 };
    for (const [what, n] of Object.entries(counts)) {
      const want = expected[what as keyof typeof expected];
      if (n > want) (n > 1 ? duplicated : leftBehind).push(`${r.requestId}: ${what} x${n}`);
      if (n < want) missing.push(`${r.requestId}: ${what} x${n}`);
    }
  }
  return { duplicated, leftBehind, missing };
}

/**
 * Processes on this machine by working directory (only our own user's are readable: those are the ones we
 * start). A process whose directory was removed under it still counts (as it would if left behind by a teardown).
 */
export function processesIn(dirs: string[]): Map<string, number> {
  const wanted = new Set(dirs);
  const counts = new Map<string, number>();
  for (const cwd of processDirectories().values()) if (wanted.has(cwd)) counts.set(cwd, (counts.get(cwd) ?? 0) + 1);
  return counts;
}

const runningRecords = (runDir: string) =>
  fs.existsSync(runDir)
    ? fs.readdirSync(runDir).filter((f) => f.endsWith('.json') && isRunning(readRecord(runDir, f.slice(0, -'.json'.length))!)).length
    : 0;

/** What one snapshot composition of a chaos test is expected to hold once running: its services (each with one port) and volumes. */
export interface SnapshotExpectation {
  workflowId: string;
  services: number;
  volumes: number;
  sources: number;
}

/**
 * Counts, per snapshot composition, what it made: its workspace directory,
 * the volumes in it, the service processes running in its tree (by their
 * working directory, so a process a killed attempt started and a retry
 * started again would count twice), the ports its services hold, its stored
 * captures and its composition record. `running`: each as expected;
 * otherwise (torn down): no workspace, no process, the record once.
 */
export async function countSnapshotSideEffects(
  db: Connection,
  dataDir: string,
  expected: SnapshotExpectation[],
  running: boolean,
): Promise<SideEffectCount> {
  const workspace = new LocalWorkspace(dataDir);
  const root = path.join(dataDir, 'resources', 'snapshots');
  const dirs = new Set(fs.existsSync(root) ? fs.readdirSync(root).map((d) => path.join(root, d)) : []);
  const processes = processesIn(expected.map((e) => path.join(workspace.dir(e.workflowId), 'fs')));
  const rows = await compositionModel(db).find({}, { workflowId: 1, services: 1 }).lean();
  const captures = await captureModel(db).find({}, { workflowId: 1 }).lean();
  const ports = rows.flatMap((r) => r.services.flatMap((s) => (s.port === undefined ? [] : [s.port])));
  const duplicated: string[] = [];
  const leftBehind: string[] = [];
  const missing: string[] = [];
  for (const e of expected) {
    const ws = workspace.dir(e.workflowId);
    const row = rows.filter((r) => r.workflowId === e.workflowId);
    const volumesDir = path.join(ws, 'volumes');
    const counts = {
      workspace: dirs.has(ws) ? 1 : 0,
      volumes: fs.existsSync(volumesDir) ? fs.readdirSync(volumesDir).length : 0,
      processes: processes.get(path.join(ws, 'fs')) ?? 0,
      // The run records teardown stops by: each naming a live process of ours.
      records: runningRecords(path.join(ws, 'run')),
      // A port of this composition's services held by no other composition and answering.
      ports: (
        await Promise.all(
          (row[0]?.services ?? []).map(
            async (s) => s.port !== undefined && ports.filter((p) => p === s.port).length === 1 && (await canConnect(s.port)),
          ),
        )
      ).filter(Boolean).length,
      captures: captures.filter((c) => c.workflowId === e.workflowId).length,
      record: row.length,
    };
    const want = running
      ? { workspace: 1, volumes: e.volumes, processes: e.services, records: e.services, ports: e.services, captures: e.sources, record: 1 }
      : { workspace: 0, volumes: 0, processes: 0, records: 0, ports: 0, captures: e.sources, record: 1 };
    for (const [what, n] of Object.entries(counts)) {
      const w = want[what as keyof typeof want];
      if (n > w) (running ? duplicated : leftBehind).push(`${e.workflowId}: ${what} x${n}`);
      if (n < w) missing.push(`${e.workflowId}: ${what} x${n}`);
    }
  }
  return { duplicated, leftBehind, missing };
}

/** EC2 instances (not terminated) per Mosaic key tag, on an endpoint such as moto. */
export async function ec2InstancesByKey(endpoint: string, region: string, keys: string[]): Promise<Map<string, number>> {
  const ec2 = new EC2Client({ region, endpoint, credentials: MOTO_CREDENTIALS });
  try {
    const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${KEY_TAG}`, Values: keys }] }));
    const live = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => i.State?.Name !== 'terminated');
    return tallyOf(live.map((i) => i.Tags?.find((t) => t.Key === KEY_TAG)?.Value));
  } finally {
    ec2.destroy();
  }
}

export interface Fault {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FaultProxy {
  endpoint: string;
  /** Requests answered with a fault so far. */
  injected: number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of a real endpoint (moto): a request for
 * which `faultFor` returns a fault gets that answer instead of the endpoint's.
 */
export async function startFaultProxy(target: string, faultFor: (req: http.IncomingMessage) => Fault | undefined): Promise<FaultProxy> {
  const state = { injected: 0 };
  const server = http.createServer((req, res) => {
    const fault = faultFor(req);
    if (fault) {
      state.injected++;
      req.resume();
      res.writeHead(fault.status, fault.headers).end(fault.body);
      return;
    }
    const upstream = http.request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    get injected() {
      return state.injected;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What S3 answers when it sheds load. */
export const S3_SLOW_DOWN: Fault = {
  status: 503,
  headers: { 'content-type': 'application/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};

/** What S3 answers a caller its policy does not allow the operation. */
export const S3_ACCESS_DENIED: Fault = {
  status: 403,
  headers: { 'content-type': 'application/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
};

/** What KMS (a JSON protocol) answers when throttled: a 400, recognisable by name only. */
export const KMS_THROTTLED: Fault = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
};

/** Negotiation requests each with its own id and account, driven to an agreement by the load benchmark. */
export function negotiationRequests(count: number, tag = randomUUID().slice(0, 6)): NegotiationRequestInput[] {
  const roles = ['web-server', 'database', 'cache'] as const;
  return Array.from({ length: count }, (_, i) => ({
    negotiationId: `n-${tag}-${i}`,
    user: 'chaos',
    account: `acct-${tag}-n${i}`,
    region: 'us-east-1',
    workload: { kind: 'structured' as const, workload: { role: roles[i % roles.length]!, requestsPerSecond: 50 + (i % 7) * 40 } },
    observe: { window: '1 minute' },
  }));
}

/**
 * The live service processes the local provider started for agreed
 * negotiations of this data directory (`negotiated-<workflow id>`), by
 * workflow id: read from each process's environment (its service name) and
 * its output files (under the data directory), so a second process started
 * for one negotiation is seen even if its run record was overwritten.
 */
/** Whether a process writes its output into this data directory (the local provider logs each service in its run directory). */
function inDataDir(pid: string, dataDir: string): boolean {
  try {
    const root = fs.realpathSync(dataDir);
    return ['1', '2'].some((fd) => fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`${root}/`));
  } catch {
    return false;
  }
}

/**
 * A negotiation rejected once, then accepted, whatever failed meanwhile: each
 * step of its history exactly once (continue-as-new aside), none repeated.
 */
export function expectRejectedThenAgreedOnce(done: NegotiationView[]): void {
  for (const v of done)
    expect(v.history.map((h) => h.event).filter((e) => e !== 'continued')).toEqual([
      'proposed',
      'rejected',
      'accepted',
      'provisioned',
      'reviewed',
    ]);
}

export function negotiatedServices(dataDir: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue; // gone, or not ours
    }
    const vars = environ.split('\0');
    const service = vars.find((v) => v.startsWith('MOSAIC_SERVICE_NAME=negotiated-'));
    // Services get no MOSAIC_* of the worker's (least privilege): their log files say which data directory they belong to.
    if (!service || !inDataDir(entry, dataDir)) continue;
    const workflowId = service.slice('MOSAIC_SERVICE_NAME=negotiated-'.length);
    found.set(workflowId, [...(found.get(workflowId) ?? []), Number(entry)]);
  }
  return found;
}

/**
 * Counts, per negotiation, what it did: its instance (`instances`, by
 * workflow id: service processes seen when it ended, or EC2 instances), the
 * persona use and conclusion it counted (rows of the usage ledger: the use
 * under the request's id at analysis, the conclusion under the workflow's)
 * and the persona versions its review proposed. An agreed negotiation has one
 * instance, one use, one conclusion and at most one proposed version; one that
 * ended without agreement has no instance; one that failed may lack its
 * conclusion but has nothing twice.
 */
export async function countNegotiationSideEffects(
  db: Connection,
  ended: { workflowId: string; agreed: boolean; failed: boolean }[],
  instances: Map<string, number>,
): Promise<SideEffectCount> {
  const applied = tallyOf((await personaUsageModel(db).find({}, { _id: 1 }).lean()).map((u) => u._id));
  const derived = tallyOf(
    (
      await personaModel(db)
        .find({ derivedFrom: { $exists: true } }, { derivedFrom: 1 })
        .lean()
    ).map((p) => p.derivedFrom!),
  );
  const duplicated: string[] = [];
  const leftBehind: string[] = [];
  const missing: string[] = [];
  for (const n of ended) {
    const counts = {
      instance: instances.get(n.workflowId) ?? 0,
      use: applied.get(`${n.workflowId.replace(/^negotiate-/, '')}/used`) ?? 0,
      outcome: applied.get(`${n.workflowId}/concluded`) ?? 0,
      personaVersion: derived.get(n.workflowId) ?? 0,
    };
    for (const [what, c] of Object.entries(counts)) if (c > 1) duplicated.push(`${n.workflowId}: ${what} x${c}`);
    if (n.agreed && (counts.instance < 1 || counts.use < 1 || counts.outcome < 1))
      missing.push(`${n.workflowId}: ${JSON.stringify(counts)}`);
    if (!n.agreed && counts.instance > 0) leftBehind.push(`${n.workflowId}: instance x${counts.instance}`);
    if (!n.agreed && !n.failed && counts.outcome < 1) missing.push(`${n.workflowId}: outcome x0`);
  }
  return { duplicated, leftBehind, missing };
}
