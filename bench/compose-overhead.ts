// composeResource's overhead: 200 workflows at concurrency 20, each a pipeline
// of 5 no-op handlers, against a bare workflow running 5 no-op activities in
// sequence; same worker, same stack, same run, in alternating rounds. Prints
// one JSON line with p50/p95 latency, throughput, CPU per workflow by process
// and the ratios, then the cost of planComposition with 50 policies and 100 handler versions.
//   npx tsx bench/compose-overhead.ts        (starts its own stack on free ports)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import mongoose from 'mongoose';
import { stringify } from 'yaml';
import { createActivities } from '../src/activities';
import { createCompositionActivities, registerBuiltinHandlers } from '../src/activities/composition';
import { anchorTrust } from '../src/activities/root-keys';
import { bootstrapAdmin } from '../src/activities/policy-store';
import { MosaicClient } from '../src/client/mosaic-client';
import { loadConfig } from '../src/config';
import { createLogger, temporalLogger } from '../src/logger';
import { LocalProvider } from '../src/providers/local';
import { generateKeyPair } from '../src/security/keys';
import { signYaml } from '../src/security/policy-signature';
import { freePort } from '../src/stack/ports';
import { startStack, stopStack } from '../src/stack/stack';
import { benchActivities } from './activities';

const WORKFLOWS = 200;
const CONCURRENCY = 20;
const ROUNDS = 4;

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
};

// CPU time per workflow by process: on a 2-core machine the server, FerretDB
// and the worker share the CPU, so CPU per workflow is what bounds throughput.
const TICKS_PER_SEC = 100;
function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SEC;
}
type Processes = Record<string, () => number>;
let processes: Processes = {};
const cpuSnapshot = () => Object.fromEntries(Object.entries(processes).map(([name, read]) => [name, read()]));

async function measure(count: number, run: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  const cpuBefore = cpuSnapshot();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await run(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSnapshot();
  const cpuMsPerWorkflow = Object.fromEntries(
    Object.keys(cpuAfter).map((k) => [k, Math.round(((cpuAfter[k]! - cpuBefore[k]!) / count) * 10) / 10]),
  );
  return {
    cpuMsPerWorkflow,
    p50Ms: Math.round(percentile(latencies, 0.5)),
    p95Ms: Math.round(percentile(latencies, 0.95)),
    throughputPerSec: Math.round((count / seconds) * 10) / 10,
  };
}

/** Issue 21's goals for composition against the bare workflow. */
const TARGETS = { p50Ratio: 1.2, throughputRatio: 0.85 };

function policy(name: string, priority: number, match: string, stages: string[][]) {
  return stringify({
    apiVersion: 'mosaic/v1',
    kind: 'CompositionPolicy',
    metadata: { name, version: 1 },
    spec: {
      match,
      priority,
      stages: stages.map((candidates, i) => ({ name: `s${i}`, candidates, ...(i ? { after: [`s${i - 1}`] } : {}) })),
    },
  });
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-bench-'));
  const [temporalPort, mongoPort] = [await freePort(), await freePort()];
  // The bench's admin is this worker's root key, as `mosaic admin init` would make it.
  const admin = generateKeyPair();
  const config = loadConfig({
    ...process.env,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_TEMPORAL_PORT: String(temporalPort),
    MOSAIC_MONGODB_PORT: String(mongoPort),
    MOSAIC_TASK_QUEUE: `bench-${randomUUID()}`,
    MOSAIC_LOG_LEVEL: 'error',
    MOSAIC_ROOT_KEYS: admin.publicKeyPem,
  });
  process.stderr.write(`starting a private stack in ${dataDir}\n`);
  const stack = await startStack({ dataDir, cacheDir: config.cacheDir, temporalPort, uiPort: 0, mongoPort, headless: true });
  processes = {
    temporal: () => cpuMsOf(stack.temporal.pid),
    ferretdb: () => cpuMsOf(stack.mongodb.pid),
    'worker+client': () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
  };
  Runtime.install({ logger: temporalLogger(createLogger('error', 'bench')), shutdownSignals: [] });
  const mongo = await mongoose.createConnection(config.mongodb.uri).asPromise();
  try {
    await registerBuiltinHandlers(mongo);
    anchorTrust(mongo, config.rootKeys);
    await bootstrapAdmin(mongo, admin.publicKeyPem);

    const worker = await Worker.create({
      connection: await (await import('@temporalio/worker')).NativeConnection.connect({ address: config.temporal.address }),
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: createLoggerShim() }),
      activities: { ...createActivities({ connection: mongo, config }), ...benchActivities },
    });
    const running = worker.run();
    const client = await MosaicClient.connect(config);
    try {
      // Five no-op handler versions, and 95 more so the registry has 100: signed registrations, as the worker checks each on load.
      for (let v = 1; v <= 100; v += 10) {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            client.governance.change(
              {
                operation: 'handler.register',
                descriptor: { id: 'noop', version: String(v + i), resourceTypes: ['bucket'], code: { kind: 'builtin' }, timeoutMs: 10_000 },
              },
              admin.privateKeyPem,
            ),
          ),
        );
      }
      // The measured pipeline, and 49 policies for other resource types and regions beside it.
      const sources = [
        policy('bench-five-noops', 10, 'request.resourceType == "bucket"', [['noop@1'], ['noop@2'], ['noop@3'], ['noop@4'], ['noop@5']]),
      ];
      for (let i = 0; i < 49; i++)
        sources.push(
          policy(`other-${i}`, i, `request.resourceType == "bucket" && request.region == "xx-none-${i}"`, [[`noop@${(i % 100) + 1}`]]),
        );
      for (const source of sources)
        await client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);

      const baseline = (i: number) =>
        client.temporal.workflow.execute('baselineFiveSteps', {
          taskQueue: config.temporal.taskQueue,
          workflowId: `baseline-${i}-${randomUUID()}`,
        });
      const compose = (i: number) =>
        client
          .compose({
            requestId: `bench-${i}-${randomUUID().slice(0, 8)}`,
            user: 'bench',
            account: 'bench',
            region: 'us-east-1',
            resourceType: 'bucket',
            spec: { name: 'bench' },
          })
          .then((h) => h.result());

      process.stderr.write('warm-up\n');
      await measure(40, baseline);
      await measure(40, compose);
      const rounds: { baseline: Awaited<ReturnType<typeof measure>>; compose: Awaited<ReturnType<typeof measure>> }[] = [];
      // Short alternating rounds: whatever else the machine does weighs on both sides alike.
      for (let round = 0; round < ROUNDS; round++) {
        process.stderr.write(`round ${round + 1}/${ROUNDS}: baseline, then compose (${WORKFLOWS / ROUNDS} each)\n`);
        rounds.push({ baseline: await measure(WORKFLOWS / ROUNDS, baseline), compose: await measure(WORKFLOWS / ROUNDS, compose) });
      }
      const avg = (k: 'baseline' | 'compose', f: 'p50Ms' | 'p95Ms' | 'throughputPerSec') =>
        Math.round((rounds.reduce((a, r) => a + r[k][f], 0) / rounds.length) * 100) / 100;
      const cpu = (k: 'baseline' | 'compose') =>
        Object.fromEntries(
          Object.keys(rounds[0]![k].cpuMsPerWorkflow).map((p) => [
            p,
            Math.round((rounds.reduce((a, r) => a + r[k].cpuMsPerWorkflow[p]!, 0) / rounds.length) * 10) / 10,
          ]),
        );
      const result = {
        bench: 'compose-overhead',
        workflows: WORKFLOWS,
        concurrency: CONCURRENCY,
        baseline: {
          p50Ms: avg('baseline', 'p50Ms'),
          p95Ms: avg('baseline', 'p95Ms'),
          throughputPerSec: avg('baseline', 'throughputPerSec'),
          cpuMsPerWorkflow: cpu('baseline'),
        },
        compose: {
          p50Ms: avg('compose', 'p50Ms'),
          p95Ms: avg('compose', 'p95Ms'),
          throughputPerSec: avg('compose', 'throughputPerSec'),
          cpuMsPerWorkflow: cpu('compose'),
        },
        p50Ratio: Math.round((avg('compose', 'p50Ms') / avg('baseline', 'p50Ms')) * 100) / 100,
        throughputRatio: Math.round((avg('compose', 'throughputPerSec') / avg('baseline', 'throughputPerSec')) * 100) / 100,
        // Issue 21's goals, with a real choice between alternatives in the decision path.
        targets: { p50Ratio: `<= ${TARGETS.p50Ratio}`, throughputRatio: `>= ${TARGETS.throughputRatio}` },
      };
      const meetsTargets = result.p50Ratio <= TARGETS.p50Ratio && result.throughputRatio >= TARGETS.throughputRatio;

      // planComposition alone: 50 active policies, 100+ handler versions, called directly.
      const plan = createCompositionActivities({
        connection: mongo,
        providers: { local: new LocalProvider(dataDir, mongo) },
        settings: config.composition,
      }).planComposition;
      const request = {
        requestId: 'plan-bench',
        user: 'bench',
        account: 'bench',
        region: 'us-east-1',
        resourceType: 'bucket',
        spec: { name: 'bench' },
      };
      for (let i = 0; i < 20; i++) await plan(request);
      const planMs: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        await plan(request);
        planMs.push(performance.now() - t);
      }
      process.stdout.write(
        `${JSON.stringify({ ...result, meetsTargets, planComposition: { policies: 50, handlerVersions: 109, p50Ms: percentile(planMs, 0.5), p95Ms: percentile(planMs, 0.95) } })}\n`,
      );
    } finally {
      await client.close();
      worker.shutdown();
      await running;
    }
  } finally {
    await mongo.close();
    await stopStack(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function createLoggerShim() {
  const quiet = () => {};
  return { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
