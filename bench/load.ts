// Load with and without faults: two `mosaic worker` processes on a private
// local stack (Temporal dev server + FerretDB on free loopback ports), --count
// bucket compositions and --negotiations negotiations started interleaved at
// --rate starts per second; each negotiation is driven to its end through the
// typed client (bench/drive-negotiation.ts) and its instance (a local service
// process) stopped once counted. With --chaos, a worker is SIGKILLed (and
// replaced) at 25%, 50% and 75% of the starts, and FerretDB is down for
// --outage-s seconds from 40%. Reports per family completed, failed (by
// reason), duplicated side effects and lost outcomes (both must be 0), effects
// left behind by failed ones, p50/p95/p99 end-to-end latency; throughput; and
// the workers' memory at start, each quarter and end against a bound (largest
// at the first quarter + --rss-growth-mb), as one JSON line. Bounded by the counts and --max-minutes, which
// covers the whole run: at the deadline it stops waiting, terminates what has not finished (reported as
// `unfinished`, with sample ids; the checks cover what finished), stops the workers, counts, and exits 1.
// With --profile production the stack is the production profile's cluster
// (PostgreSQL, the Temporal server as separate frontend, history ×2, matching
// ×2 and worker processes) with FerretDB; --profile both runs dev, then
// production, and prints production ÷ dev ratios. Each run also reports the
// CPU per completed workflow of each part (server processes, PostgreSQL,
// FerretDB, workers; from /proc). Loopback only.
//   npm run bench:load -- --count 200 --negotiations 20 --rate 10 [--chaos] [--profile dev|production|both]
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { MosaicClient } from '../src/client/mosaic-client';
import { loadConfig } from '../src/config';
import { generateKeyPair } from '../src/security/keys';
import {
  bucketRequests,
  countBucketSideEffects,
  countNegotiationSideEffects,
  negotiatedServices,
  negotiationRequests,
  startPrivateProductionStack,
  startPrivateStack,
} from '../test/harness/chaos';
import { applyDefaultPolicy } from '../test/harness/policies';
import { untilAnswered } from '../test/harness/answered';
import { failureOf } from '../test/harness/failures';
import { killWorker, startWorkerProcess, waitForPoller } from '../test/harness/worker-process';
import { driveNegotiation } from './drive-negotiation';
import { cpuByPart, cpuMsPerWorkflow, cpuSeconds } from './stack-cpu';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    negotiations: { type: 'string', default: '200' },
    'rss-growth-mb': { type: 'string', default: '256' },
    rate: { type: 'string', default: '5' },
    chaos: { type: 'boolean', default: false },
    'outage-s': { type: 'string', default: '30' },
    'max-minutes': { type: 'string', default: '30' },
    profile: { type: 'string', default: 'dev' },
  },
});
if (!['dev', 'production', 'both'].includes(args.profile)) throw new Error(`--profile is dev, production or both, not ${args.profile}`);
type Profile = 'dev' | 'production';
const COUNT = Number(args.count);
const NEGOTIATIONS = Number(args.negotiations);
const TOTAL = COUNT + NEGOTIATIONS;
const RSS_GROWTH_MB = Number(args['rss-growth-mb']);
const RATE = Number(args.rate);
const OUTAGE_MS = Number(args['outage-s']) * 1000;
const MAX_MS = Number(args['max-minutes']) * 60_000;

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!) : null;
};
const rssMb = (pid: number) => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Math.round(Number(line[1]) / 1024) : null;
};
/** SIGTERM to a process that may have ended since it was seen. */
const stopProcess = (pid: number) => {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
const log = (message: string) => process.stderr.write(`[load] ${message}\n`);
/** The cleanup after the deadline (terminating, counting, stopping) gets this long per step, so the run ends. */
const CLEANUP_STEP_MS = 60_000;
const bounded = <T>(what: string, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${CLEANUP_STEP_MS / 1000} s`)), CLEANUP_STEP_MS).unref(),
    ),
  ]);

async function runLoad(profile: Profile) {
  // --max-minutes bounds each profile's run.
  const DEADLINE = Date.now() + MAX_MS;
  const stack = profile === 'production' ? await startPrivateProductionStack() : await startPrivateStack(['temporal', 'mongodb']);
  const admin = generateKeyPair();
  const env = {
    ...stack.env,
    MOSAIC_TASK_QUEUE: `load-${randomUUID()}`,
    MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    MOSAIC_LOG_LEVEL: 'error',
    MOSAIC_METRICS_PORT: '0',
  };
  const client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
  const workers: ChildProcess[] = [];
  let leftRunning = false;
  const workerLog = path.join(stack.opts.dataDir, 'workers.log');
  // As a supervisor would: a worker that exits before polling (its store is down at start) is started again.
  const startWorker = async (): Promise<ChildProcess> => {
    for (;;) {
      if (Date.now() > DEADLINE) throw new Error('--max-minutes reached: no replacement worker started');
      const w = startWorkerProcess(env, workerLog);
      workers.push(w);
      try {
        await waitForPoller(client, w, 120_000);
        return w;
      } catch (err) {
        log(`${(err as Error).message}; starting another`);
        await killWorker(w);
        if (Date.now() > DEADLINE) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  try {
    const initial = await Promise.all([startWorker(), startWorker()]);
    const memoryStart = initial.map((w) => rssMb(w.pid!));
    await applyDefaultPolicy(client, admin);
    log(
      `${COUNT} compositions and ${NEGOTIATIONS} negotiations at ${RATE} starts/s on two workers${args.chaos ? `, with chaos (3 worker kills, FerretDB down ${OUTAGE_MS / 1000}s)` : ''}`,
    );

    const requests = bucketRequests(COUNT);
    const negotiations = negotiationRequests(NEGOTIATIONS);
    const family = () => ({ latencies: [] as number[], failures: new Map<string, number>(), started: 0 });
    const failedCount = (f: ReturnType<typeof family>) => [...f.failures.values()].reduce((a, b) => a + b, 0);
    const compositions = family();
    const negotiated = family();
    const succeeded = new Set<string>();
    const ended: { workflowId: string; agreed: boolean; failed: boolean }[] = [];
    const instances = new Map<string, number>();
    // Started and not yet ended, by workflow id: what the deadline leaves unfinished.
    const pending = new Set<string>();
    const tracked = (workflowId: string, run: Promise<void>) => {
      pending.add(workflowId);
      return run.finally(() => pending.delete(workflowId));
    };
    const failedWith = (f: ReturnType<typeof family>) => async (err: unknown) => {
      const { type, message } = await failureOf(Promise.reject(err));
      const reason = `${type ?? 'untyped'}: ${message.slice(0, 160)}`;
      f.failures.set(reason, (f.failures.get(reason) ?? 0) + 1);
    };
    const chaos: Promise<void>[] = [];
    const faultAt = new Map<number, () => Promise<void>>(
      args.chaos
        ? [
            [Math.floor(TOTAL * 0.25), () => replaceOne()],
            [Math.floor(TOTAL * 0.4), () => stack.outage('mongodb', OUTAGE_MS)],
            [Math.floor(TOTAL * 0.5), () => replaceOne()],
            [Math.floor(TOTAL * 0.75), () => replaceOne()],
          ]
        : [],
    );
    const replaceOne = async () => {
      const victim = workers.find((w) => w.exitCode === null && w.signalCode === null)!;
      log(`SIGKILL worker ${victim.pid}`);
      retiredWorkersCpu += cpuSeconds(victim.pid!);
      await killWorker(victim);
      await startWorker();
    };
    const compose = async (r: (typeof requests)[number]) => {
      const t0 = Date.now();
      // A start or wait that fails untyped (the server's long poll timed out under load) is no failure of the
      // composition: as an application would, it is made again (the start is idempotent by the workflow id).
      const handle = await untilAnswered(() => client.compose(r), DEADLINE);
      await untilAnswered(() => handle.result(), DEADLINE);
      compositions.latencies.push(Date.now() - t0);
      succeeded.add(r.requestId);
    };
    const negotiate = async (r: (typeof negotiations)[number]) => {
      const t0 = Date.now();
      const workflowId = `negotiate-${r.negotiationId}`;
      try {
        const view = await driveNegotiation(client, r, DEADLINE);
        if (view.status !== 'completed') throw new Error(`ended ${view.status}: ${view.reason ?? ''}`);
        negotiated.latencies.push(Date.now() - t0);
        ended.push({ workflowId, agreed: true, failed: false });
      } catch (err) {
        ended.push({ workflowId, agreed: false, failed: true });
        throw err;
      } finally {
        // Counted when it ends, then stopped: two hundred idle service processes would weigh on the run.
        const pids = negotiatedServices(stack.opts.dataDir).get(workflowId) ?? [];
        instances.set(workflowId, pids.length);
        for (const pid of pids) stopProcess(pid);
      }
    };

    // Memory at each quarter of the starts: growth that levels off (caches filling) reads differently from a leak.
    const memorySamples: (number | null)[][] = [];
    const liveWorkers = () => workers.filter((w) => w.exitCode === null && w.signalCode === null);
    // CPU by part over the starts and the wait; a killed worker's is read just before it is killed.
    const namedWorkers = () => liveWorkers().map((w, i) => ({ name: `worker-${i + 1}`, pid: w.pid! }));
    let retiredWorkersCpu = 0;
    const cpuBefore = cpuByPart(stack.opts.dataDir, namedWorkers());
    const began = Date.now();
    const runs: Promise<void>[] = [];
    const progress = setInterval(
      () =>
        log(
          `${Math.round((Date.now() - began) / 1000)} s: ${compositions.started + negotiated.started}/${TOTAL} started, ${pending.size} open; ` +
            `compositions ${compositions.latencies.length} completed, ${failedCount(compositions)} failed; negotiations ${negotiated.latencies.length} completed, ${failedCount(negotiated)} failed`,
        ),
      30_000,
    ).unref();
    for (let k = 0; k < TOTAL && Date.now() < DEADLINE; k++) {
      const fault = faultAt.get(k);
      if (fault) chaos.push(fault());
      if (k > 0 && k % Math.ceil(TOTAL / 4) === 0) memorySamples.push(liveWorkers().map((w) => rssMb(w.pid!)));
      // Negotiations spread evenly among the compositions.
      const isNegotiation = Math.floor(((k + 1) * NEGOTIATIONS) / TOTAL) > Math.floor((k * NEGOTIATIONS) / TOTAL);
      if (isNegotiation) {
        const r = negotiations[negotiated.started++]!;
        runs.push(tracked(`negotiate-${r.negotiationId}`, negotiate(r).catch(failedWith(negotiated))));
      } else {
        const r = requests[compositions.started++]!;
        runs.push(tracked(`compose-${r.requestId}`, compose(r).catch(failedWith(compositions))));
      }
      const next = began + ((k + 1) * 1000) / RATE;
      if (next > Date.now()) await new Promise((res) => setTimeout(res, next - Date.now()));
    }
    let deadlineHit = false;
    await Promise.race([
      Promise.all([...runs, ...chaos]),
      new Promise<void>((res) => setTimeout(() => res(void (deadlineHit = true)), Math.max(0, DEADLINE - Date.now())).unref()),
    ]);
    clearInterval(progress);
    const elapsedS = (Date.now() - began) / 1000;
    // What ends after this moment is not counted: the figures below are of this instant.
    const unfinished = [...pending];
    const finishedCompositions = requests.slice(0, compositions.started).filter((r) => !pending.has(`compose-${r.requestId}`));
    const endedNegotiations = [...ended];
    const stillSucceeded = new Set(succeeded);
    const freeze = (f: ReturnType<typeof family>) => ({ ...f, latencies: [...f.latencies], failures: new Map(f.failures) });
    const [compositionsAt, negotiatedAt] = [freeze(compositions), freeze(negotiated)];
    const memoryEnd = liveWorkers().map((w) => rssMb(w.pid!));
    const cpuAfter = cpuByPart(stack.opts.dataDir, namedWorkers());
    cpuAfter.set('mosaic workers', (cpuAfter.get('mosaic workers') ?? 0) + retiredWorkersCpu);
    if (deadlineHit) log(`--max-minutes reached: ${unfinished.length} unfinished; terminating them and stopping the workers`);
    if (unfinished.length > 0) {
      const terminated = await bounded(
        'terminating the unfinished workflows',
        Promise.allSettled(unfinished.map((id) => client.temporal.workflow.getHandle(id).terminate('bench:load --max-minutes reached'))),
      );
      log(
        `terminated ${terminated.filter((t) => t.status === 'fulfilled').length} of ${unfinished.length} (the rest had ended or never started)`,
      );
    }
    // Stopped before counting, so the store answers the counts instead of the backlog.
    for (const w of workers) await killWorker(w);

    const db = await bounded('connecting to FerretDB to count', mongoose.createConnection(stack.env.MOSAIC_MONGODB_URI!).asPromise());
    const bucketCounts = await bounded(
      'counting composition side effects',
      countBucketSideEffects(db, stack.opts.dataDir, finishedCompositions, stillSucceeded),
    );
    const negotiationCounts = await bounded(
      'counting negotiation side effects',
      countNegotiationSideEffects(db, endedNegotiations, instances),
    );
    await db.close();
    const summary = (f: ReturnType<typeof family>, completed: number, counts: typeof bucketCounts) => {
      const failed = failedCount(f);
      return {
        started: f.started,
        completed,
        failed,
        failedByReason: Object.fromEntries(f.failures),
        unfinished: f.started - completed - failed,
        duplicatedSideEffects: counts.duplicated.length,
        lostOutcomes: counts.missing.length,
        // Effects of failed ones that compensation did not remove (the failed step's own, see docs/reliability.md).
        leftBehindSideEffects: counts.leftBehind.length,
        examples: {
          duplicated: counts.duplicated.slice(0, 5),
          leftBehind: counts.leftBehind.slice(0, 5),
          missing: counts.missing.slice(0, 5),
        },
        latencyMs: { p50: percentile(f.latencies, 0.5), p95: percentile(f.latencies, 0.95), p99: percentile(f.latencies, 0.99) },
        throughputPerS: Math.round((completed / elapsedS) * 100) / 100,
      };
    };
    const families = {
      compositions: summary(compositionsAt, stillSucceeded.size, bucketCounts),
      negotiations: summary(negotiatedAt, negotiatedAt.latencies.length, negotiationCounts),
    };
    // The bound starts from the first quarter: at its first poll a worker has not yet bundled, cached or
    // warmed anything (a fresh replacement grows from ~100 MB to ~700 MB in its first minute of work).
    const warm = memorySamples[0] ?? memoryStart;
    const boundMb = Math.max(...warm.map((m) => m ?? 0)) + RSS_GROWTH_MB;
    const result = {
      bench: 'load',
      profile,
      chaos: args.chaos,
      requested: { compositions: COUNT, negotiations: NEGOTIATIONS },
      ratePerS: RATE,
      duplicatedSideEffects: families.compositions.duplicatedSideEffects + families.negotiations.duplicatedSideEffects,
      lostOutcomes: families.compositions.lostOutcomes + families.negotiations.lostOutcomes,
      // Started, neither completed nor failed when --max-minutes ran out (terminated then); not in the checks.
      unfinished: { count: unfinished.length, examples: unfinished.slice(0, 10) },
      families,
      throughputPerS: Math.round(((families.compositions.completed + families.negotiations.completed) / elapsedS) * 100) / 100,
      elapsedS: Math.round(elapsedS),
      workerRssMb: {
        start: memoryStart,
        byQuarter: memorySamples,
        end: memoryEnd,
        boundMb,
        withinBound: memoryEnd.every((m) => m !== null && m <= boundMb),
      },
      workerProcesses: workers.length,
      // Per completed workflow (a negotiation counts as one), of everything each part did in the run.
      cpuMsPerWorkflow: cpuMsPerWorkflow(
        cpuBefore,
        cpuAfter,
        Math.max(1, families.compositions.completed + families.negotiations.completed),
      ),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    leftRunning = unfinished.length > 0;
    return { result, allFinished: !leftRunning };
  } finally {
    for (const w of workers) await killWorker(w);
    for (const pids of negotiatedServices(stack.opts.dataDir).values()) for (const pid of pids) stopProcess(pid);
    // Calls of unfinished drivers still retry on the client's channel; closing it under them throws from
    // their retry timers and ends the process before the next profile. The process exit closes it then.
    if (!leftRunning) await client.close();
    await stack.close();
  }
}

type LoadResult = Awaited<ReturnType<typeof runLoad>>['result'];

/** Production ÷ dev, two decimals; null where the baseline is 0 or missing. */
function ratios(dev: LoadResult, production: LoadResult) {
  const r = (p: number | null | undefined, d: number | null | undefined) => (p != null && d ? Math.round((p / d) * 100) / 100 : null);
  const server = (x: LoadResult) =>
    Object.entries(x.cpuMsPerWorkflow)
      .filter(([k]) => k.startsWith('temporal') || k === 'postgresql')
      .reduce((sum, [, v]) => sum + v, 0);
  const latency = (x: LoadResult, f: 'compositions' | 'negotiations', q: 'p50' | 'p95' | 'p99') => x.families[f].latencyMs[q];
  return {
    throughput: r(production.throughputPerS, dev.throughputPerS),
    compositionLatency: Object.fromEntries(
      (['p50', 'p95', 'p99'] as const).map((q) => [q, r(latency(production, 'compositions', q), latency(dev, 'compositions', q))]),
    ),
    negotiationLatency: Object.fromEntries(
      (['p50', 'p95', 'p99'] as const).map((q) => [q, r(latency(production, 'negotiations', q), latency(dev, 'negotiations', q))]),
    ),
    serverAndStoreCpuPerWorkflow: r(server(production), server(dev)),
    workersCpuPerWorkflow: r(production.cpuMsPerWorkflow['mosaic workers'], dev.cpuMsPerWorkflow['mosaic workers']),
    ferretdbCpuPerWorkflow: r(production.cpuMsPerWorkflow.mongodb, dev.cpuMsPerWorkflow.mongodb),
  };
}

async function main(): Promise<boolean> {
  const profiles: Profile[] = args.profile === 'both' ? ['dev', 'production'] : [args.profile as Profile];
  const runs: Awaited<ReturnType<typeof runLoad>>[] = [];
  for (const profile of profiles) {
    log(`profile ${profile}`);
    runs.push(await runLoad(profile));
  }
  if (runs.length === 2)
    process.stdout.write(`${JSON.stringify({ bench: 'load', ratiosProductionToDev: ratios(runs[0]!.result, runs[1]!.result) })}\n`);
  return runs.every((r) => r.allFinished);
}

main().then(
  (allFinished) => process.exit(allFinished ? 0 : 1),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
