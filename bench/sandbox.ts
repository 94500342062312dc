// Sandbox isolation (issue 16 item 6): how much an unrelated composition is
// delayed while a guest script busy-loops on the same worker. Rounds
// alternate: "quiet" composes bucket requests under the example default
// policy with nothing else running; "busy" composes the same requests while
// one guest (a registered script handler that loops forever, under the
// shipped default limits: a 60 s handler timeout, so a 30 s CPU budget) burns
// its budget, a new guest started whenever the last one is ended. Prints one
// JSON line with p50/p95 of both sides and the ratios (goal: p50 ≤ 1.10).
//   npm run bench:sandbox        (starts its own stack on free ports)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import mongoose from 'mongoose';
import { stringify } from 'yaml';
import { createActivities } from '../src/activities';
import { registerBuiltinHandlers } from '../src/activities/composition';
import { bootstrapAdmin } from '../src/activities/policy-store';
import { anchorTrust } from '../src/activities/root-keys';
import { MosaicClient } from '../src/client/mosaic-client';
import { loadConfig } from '../src/config';
import { createLogger, temporalLogger } from '../src/logger';
import { generateKeyPair } from '../src/security/keys';
import { signYaml } from '../src/security/policy-signature';
import { freePort } from '../src/stack/ports';
import { startStack, stopStack } from '../src/stack/stack';
import { benchActivities } from './activities';

const ROUNDS = 3;
const PER_ROUND = 15;
const EXAMPLES = path.resolve(__dirname, '..', 'examples', 'policies');

const rootMessage = (err: Error): string => {
  let e: Error | undefined = err;
  while ((e as { cause?: Error } | undefined)?.cause) e = (e as { cause?: Error }).cause;
  return e?.message ?? String(err);
};

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
};

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-bench-sandbox-'));
  const [temporalPort, mongoPort] = [await freePort(), await freePort()];
  // The bench's admin is this worker's root key, as `mosaic admin init` would make it.
  const admin = generateKeyPair();
  const config = loadConfig({
    ...process.env,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_TEMPORAL_PORT: String(temporalPort),
    MOSAIC_MONGODB_PORT: String(mongoPort),
    MOSAIC_TASK_QUEUE: `bench-sandbox-${randomUUID()}`,
    MOSAIC_LOG_LEVEL: 'error',
    MOSAIC_ROOT_KEYS: admin.publicKeyPem,
  });
  process.stderr.write(`starting a private stack in ${dataDir}\n`);
  await startStack({ dataDir, cacheDir: config.cacheDir, temporalPort, uiPort: 0, mongoPort, headless: true });
  Runtime.install({ logger: temporalLogger(createLogger('error', 'bench')), shutdownSignals: [] });
  const mongo = await mongoose.createConnection(config.mongodb.uri).asPromise();
  try {
    await registerBuiltinHandlers(mongo);
    anchorTrust(mongo, config.rootKeys);
    await bootstrapAdmin(mongo, admin.publicKeyPem);
    const quiet = () => {};
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: config.temporal.address }),
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('./workflows'),
        logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
      }),
      activities: { ...createActivities({ connection: mongo, config }), ...benchActivities },
    });
    const running = worker.run();
    const client = await MosaicClient.connect(config);
    try {
      const sign = (source: string) =>
        client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);
      await sign(fs.readFileSync(path.join(EXAMPLES, 'default-composition.yaml'), 'utf8'));
      // The guest: shipped default limits (no timeoutMs, no memory setting in the descriptor).
      await client.governance.change(
        {
          operation: 'handler.register',
          descriptor: {
            id: 'burn',
            version: '1',
            resourceTypes: ['bucket'],
            requires: ['validated'],
            provides: ['endpoint'],
            code: { kind: 'script', source: 'function handle() { for (;;) {} }' },
          },
        },
        admin.privateKeyPem,
      );
      await sign(
        stringify({
          apiVersion: 'mosaic/v1',
          kind: 'CompositionPolicy',
          metadata: { name: 'bench-burn', version: 1 },
          spec: {
            match: 'request.account == "burn"',
            priority: 100,
            stages: [
              { name: 'validate', candidates: ['validate-request@1'] },
              { name: 'burn', after: ['validate'], candidates: ['burn@1'] },
            ],
          },
        }),
      );

      const compose = (account: string) =>
        client.compose({
          requestId: `${account}-${randomUUID().slice(0, 8)}`,
          user: 'bench',
          account,
          region: 'us-east-1',
          resourceType: 'bucket',
          spec: { name: `b-${randomUUID().slice(0, 8)}` },
        });
      const measure = async () => {
        const ms: number[] = [];
        for (let i = 0; i < PER_ROUND; i++) {
          const t = performance.now();
          // An account of its own each time: the quota (100 resources per account) stays out of the measurement.
          await (await compose(`unrelated-${randomUUID().slice(0, 8)}`)).result();
          ms.push(performance.now() - t);
        }
        return ms;
      };
      /** Keeps one guest burning until stop() is called and the last one has ended. */
      const burner = async () => {
        let busy = true;
        let started = 0;
        let onBurning = () => {};
        const burning = new Promise<void>((r) => (onBurning = r));
        const loop = (async () => {
          while (busy) {
            const handle = await compose('burn');
            started++;
            // Burning once the guest's step runs (its activity started on the worker).
            for (;;) {
              const progress = await handle.progress().catch(() => undefined);
              const step = progress?.steps.find((s) => s.ref === 'burn@1');
              if (step?.status === 'running' || progress?.state === 'failed' || progress?.state === 'succeeded') break;
              await new Promise((r) => setTimeout(r, 50));
            }
            onBurning();
            // Ends as SandboxViolation at the guest's budget: that failure is the expected outcome, and said.
            const t = performance.now();
            const ended = await handle.result().then(
              () => 'succeeded',
              (err: Error) => rootMessage(err),
            );
            process.stderr.write(`  guest ${started} ended after ${Math.round(performance.now() - t)} ms: ${ended.slice(0, 160)}\n`);
          }
        })();
        await burning;
        return {
          started: () => started,
          stop: async () => {
            busy = false;
            await loop;
          },
        };
      };

      process.stderr.write('warm-up\n');
      await measure();
      const quietMs: number[] = [];
      const busyMs: number[] = [];
      let guests = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        process.stderr.write(`round ${round}/${ROUNDS}: quiet, then with a guest busy-looping (${PER_ROUND} compositions each)\n`);
        quietMs.push(...(await measure()));
        const b = await burner();
        busyMs.push(...(await measure()));
        await b.stop();
        guests += b.started();
      }
      const result = {
        bench: 'sandbox-isolation',
        rounds: ROUNDS,
        compositionsPerSide: quietMs.length,
        guestsBurned: guests,
        quiet: { p50Ms: percentile(quietMs, 0.5), p95Ms: percentile(quietMs, 0.95) },
        busy: { p50Ms: percentile(busyMs, 0.5), p95Ms: percentile(busyMs, 0.95) },
        p50Ratio: Math.round((percentile(busyMs, 0.5) / percentile(quietMs, 0.5)) * 100) / 100,
        p95Ratio: Math.round((percentile(busyMs, 0.95) / percentile(quietMs, 0.95)) * 100) / 100,
        cores: os.cpus().length,
        loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
        targets: { p50Ratio: '<= 1.10' },
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
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

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
