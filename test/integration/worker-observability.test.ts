import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEFAULT_EXPLORATION } from '../../src/learning/decide';
import { loadConfig } from '../../src/config';
import { MosaicClient } from '../../src/client/mosaic-client';
import { freePort } from '../../src/stack/ports';
import { mosaic } from '../harness/cli';
import { bucketRequest } from '../harness/composing-worker';

const ROOT = path.resolve(__dirname, '..', '..');

/** The value of one sample line `name{labels} value` in a Prometheus exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

// A real `mosaic worker` process, as an operator runs it: its /metrics is
// scraped after a composition, and everything it and the CLI logged at trace
// level is searched for the key that signed the policy.
describe('a worker process: Prometheus metrics and logs without secrets', () => {
  let worker: ChildProcess;
  let client: MosaicClient;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let metricsUrl: string;
  let workerLog = '';
  let cliLog = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-observe-'));
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    env = {
      MOSAIC_TASK_QUEUE: `observe-${randomUUID()}`,
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/observe_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dir,
      MOSAIC_METRICS_PORT: String(metricsPort),
      MOSAIC_LOG_LEVEL: 'trace',
    };
    const keys = await mosaic(['keys', 'generate', '--out', path.join(dir, 'admin')], env);
    expect(keys.code).toBe(0);
    worker = spawn(process.execPath, [path.join(ROOT, 'bin', 'mosaic.js'), 'worker'], {
      env: { ...process.env, ...env, MOSAIC_BOOTSTRAP_ADMIN_KEY: fs.readFileSync(path.join(dir, 'admin.pub'), 'utf8') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    worker.stderr!.on('data', (chunk) => (workerLog += String(chunk)));
    client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
    const deadline = Date.now() + 60_000;
    while (!(await client.pollers()).some((p) => p.identity.startsWith(`${worker.pid}@`))) {
      if (Date.now() > deadline) throw new Error(`worker never polled; its log:\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const policy = path.join(dir, 'policy.yaml');
    fs.copyFileSync(path.join(ROOT, 'examples', 'policies', 'default-composition.yaml'), policy);
    for (const args of [
      ['policy', 'sign', policy],
      ['policy', 'apply', policy],
    ]) {
      const run = await mosaic([...args, '--key', path.join(dir, 'admin.key')], env);
      expect(run.code).toBe(0);
      cliLog += run.stderr;
    }
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await client?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves handler latency by version, decisions by strategy, outcomes and the Temporal SDK metrics on /metrics', async () => {
    const handle = await client.compose(bucketRequest());
    const result = await handle.result();

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const step of result.steps) {
      const [handler, version] = step.ref.split('@') as [string, string];
      expect(sample(text, 'mosaic_handler_latency_seconds_count', { handler, version, result: 'succeeded' })).toBe(1);
    }
    expect(sample(text, 'mosaic_outcomes_total', { kind: 'compose', result: 'succeeded' })).toBe(1);
    expect(sample(text, 'mosaic_decisions_total', { kind: 'compose', strategy: DEFAULT_EXPLORATION.strategy })).toBeGreaterThanOrEqual(1);
    // The SDK runtime's own exporter, served through the same scrape target.
    expect(text).toMatch(/^temporal_workflow_completed\{/m);
    expect(text).toMatch(/^temporal_activity_execution_latency_bucket\{/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('never logs the private key, even at trace level', () => {
    const keyLines = fs
      .readFileSync(path.join(dir, 'admin.key'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'));
    expect(workerLog.length).toBeGreaterThan(0);
    for (const line of keyLines) {
      expect(workerLog).not.toContain(line);
      expect(cliLog).not.toContain(line);
    }
    // One JSON object per line, and the SDK's lines carry the workflow they belong to.
    const records = workerLog
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => typeof r.workflowId === 'string' && typeof r.runId === 'string')).toBe(true);
  });
});
