// Load with and without faults: two `mosaic worker` processes on a private
// local stack (Temporal dev server + FerretDB on free loopback ports), N bucket
// compositions started at a fixed rate. With --chaos, a worker is SIGKILLed
// (and replaced) at 25%, 50% and 75% of the starts, and FerretDB is down for
// --outage-s seconds from 40%. Reports completed, failed (by reason),
// duplicated side effects and lost outcomes (both must be 0), effects left
// behind by failed compositions, p50/p95/p99 end-to-end latency, throughput
// and the workers' memory at start and end, as one JSON line. Bounded by --count and --max-minutes; loopback only.
//   npm run bench:load -- --count 200 --rate 10 [--chaos]
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { MosaicClient } from '../src/client/mosaic-client';
import { loadConfig } from '../src/config';
import { generateKeyPair } from '../src/security/keys';
import { bucketRequests, countBucketSideEffects, startPrivateStack } from '../test/harness/chaos';
import { applyDefaultPolicy } from '../test/harness/policies';
import { failureOf } from '../test/harness/failures';
import { killWorker, startWorkerProcess, waitForPoller } from '../test/harness/worker-process';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '20' },
    chaos: { type: 'boolean', default: false },
    'outage-s': { type: 'string', default: '30' },
    'max-minutes': { type: 'string', default: '30' },
  },
});
const COUNT = Number(args.count);
const RATE = Number(args.rate);
const OUTAGE_MS = Number(args['outage-s']) * 1000;
const DEADLINE = Date.now() + Number(args['max-minutes']) * 60_000;

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!) : null;
};
const rssMb = (pid: number) => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Math.round(Number(line[1]) / 1024) : null;
};
const log = (message: string) => process.stderr.write(`[load] ${message}\n`);

async function main() {
  const stack = await startPrivateStack(['temporal', 'mongodb']);
  const admin = generateKeyPair();
  const env = { ...stack.env, MOSAIC_TASK_QUEUE: `load-${randomUUID()}`, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem, MOSAIC_LOG_LEVEL: 'error' };
  const client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
  const workers: ChildProcess[] = [];
  const workerLog = path.join(stack.opts.dataDir, 'workers.log');
  // As a supervisor would: a worker that exits before polling (its store is down at start) is started again.
  const startWorker = async (): Promise<ChildProcess> => {
    for (;;) {
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
    log(`${COUNT} compositions at ${RATE}/s on two workers${args.chaos ? `, with chaos (3 worker kills, FerretDB down ${OUTAGE_MS / 1000}s)` : ''}`);

    const requests = bucketRequests(COUNT);
    const latencies: number[] = [];
    const failures = new Map<string, number>();
    const succeeded = new Set<string>();
    const chaos: Promise<void>[] = [];
    const faultAt = new Map<number, () => Promise<void>>(
      args.chaos
        ? [
            [Math.floor(COUNT * 0.25), () => replaceOne()],
            [Math.floor(COUNT * 0.4), () => stack.outage('mongodb', OUTAGE_MS)],
            [Math.floor(COUNT * 0.5), () => replaceOne()],
            [Math.floor(COUNT * 0.75), () => replaceOne()],
          ]
        : [],
    );
    const replaceOne = async () => {
      const victim = workers.find((w) => w.exitCode === null && w.signalCode === null)!;
      log(`SIGKILL worker ${victim.pid}`);
      await killWorker(victim);
      await startWorker();
    };

    const began = Date.now();
    const runs: Promise<void>[] = [];
    for (let i = 0; i < COUNT && Date.now() < DEADLINE; i++) {
      const r = requests[i]!;
      const fault = faultAt.get(i);
      if (fault) chaos.push(fault());
      runs.push(
        (async () => {
          const t0 = Date.now();
          try {
            await (await client.compose(r)).result();
            latencies.push(Date.now() - t0);
            succeeded.add(r.requestId);
          } catch (err) {
            const { type, message } = await failureOf(Promise.reject(err));
            const reason = `${type ?? 'untyped'}: ${message.slice(0, 160)}`;
            failures.set(reason, (failures.get(reason) ?? 0) + 1);
          }
        })(),
      );
      const next = began + ((i + 1) * 1000) / RATE;
      if (next > Date.now()) await new Promise((res) => setTimeout(res, next - Date.now()));
    }
    const started = runs.length;
    await Promise.race([Promise.all([...runs, ...chaos]), new Promise((res) => setTimeout(res, Math.max(0, DEADLINE - Date.now())))]);
    const elapsedS = (Date.now() - began) / 1000;

    const db = await mongoose.createConnection(stack.env.MOSAIC_MONGODB_URI!).asPromise();
    const counts = await countBucketSideEffects(db, stack.opts.dataDir, requests.slice(0, started), succeeded);
    await db.close();
    const live = workers.filter((w) => w.exitCode === null && w.signalCode === null);
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    const result = {
      bench: 'load',
      chaos: args.chaos,
      requested: COUNT,
      started,
      ratePerS: RATE,
      completed: succeeded.size,
      failed,
      failedByReason: Object.fromEntries(failures),
      unfinished: started - succeeded.size - failed,
      duplicatedSideEffects: counts.duplicated.length,
      lostOutcomes: counts.missing.length,
      // Effects of failed compositions that compensation did not remove (the failed step's own, see docs/reliability.md).
      leftBehindSideEffects: counts.leftBehind.length,
      examples: { duplicated: counts.duplicated.slice(0, 5), leftBehind: counts.leftBehind.slice(0, 5), missing: counts.missing.slice(0, 5) },
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) },
      throughputPerS: Math.round((succeeded.size / elapsedS) * 100) / 100,
      elapsedS: Math.round(elapsedS),
      workerRssMb: { start: memoryStart, end: live.map((w) => rssMb(w.pid!)) },
      workerProcesses: workers.length,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const w of workers) await killWorker(w);
    await client.close();
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
