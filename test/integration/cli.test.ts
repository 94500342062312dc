import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { StatusReport } from '../../src/client/status';
import type { DoctorReport } from '../../src/operator/doctor';
import type { StoppedService } from '../../src/providers/local-services';
import { LocalProvider } from '../../src/providers/local';
import { LocalWorkspace } from '../../src/providers/local-workspace';
import { resourceSchema, type ServiceResource } from '../../src/snapshot/resources';
import { canConnect, freePort } from '../../src/stack/ports';
import { mosaic } from '../harness/cli';
import { startTestWorker, type TestWorker } from '../harness/worker';

const serviceUserExists = () =>
  fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((l) => l.startsWith('mosaic-svc:'));

describe('mosaic doctor', () => {
  let w: TestWorker;
  beforeAll(async () => {
    // A store of its own: the root-keys check compares the sets of every live worker on the store.
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/doctor_${randomUUID().slice(0, 8)}`,
    });
  });
  afterAll(() => w?.stop());

  it('passes through Temporal, the worker and MongoDB and prints JSON', async () => {
    const { code, stdout } = await mosaic(['doctor', '--json'], { MOSAIC_TASK_QUEUE: w.taskQueue });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.part, c.status])).toEqual([
      ['node', 'ok'],
      ['temporal', 'ok'],
      ['worker', 'ok'],
      ['mongodb', 'ok'],
      ['model', 'ok'],
      ['root-keys', 'ok'],
      // Services run as mosaic-svc only for a root worker on a machine where setup made the user; elsewhere doctor warns.
      ['services', process.getuid?.() === 0 && serviceUserExists() ? 'ok' : 'warn'],
    ]);
    expect(report.checks.find((c) => c.part === 'mongodb')?.detail).toContain('FerretDB v1.24.2');
  }, 90_000);

  it('exits 1 naming the worker when nobody polls the task queue', async () => {
    const { code, stdout } = await mosaic(['doctor'], { MOSAIC_TASK_QUEUE: 'nobody-polls-this' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/worker\s+FAIL\s+no worker polls task queue "nobody-polls-this"\s+mosaic worker --detach/);
    expect(stdout).toContain('Failing: worker');
  }, 90_000);

  it('exits 1 naming Temporal when the server is unreachable', async () => {
    const port = await freePort();
    const { code, stdout } = await mosaic(['doctor', '--json'], { MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(code).toBe(1);
    expect(report.checks.find((c) => c.status === 'fail')).toMatchObject({ part: 'temporal', fix: 'mosaic stack start' });
  }, 90_000);
});

describe('mosaic status', () => {
  it('answers without a worker, saying the handlers and the model are unknown and why, instead of waiting for one', async () => {
    const env = { MOSAIC_TASK_QUEUE: 'nobody-polls-this' };
    const json = await mosaic(['status', '--json'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report).toMatchObject({ workers: [], handlers: [], model: null });
    expect(report.unread).toBe('no worker polls task queue "nobody-polls-this": start one with `mosaic worker --detach`');
    const human = await mosaic(['status'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^MODEL +unknown: no worker polls task queue "nobody-polls-this"/m);
  }, 90_000);
});

describe('mosaic stack start', () => {
  it('refuses a taken port, naming it and the variable that changes it', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await mosaic(['stack', 'start', '--headless'], {
        MOSAIC_DATA_DIR: path.join(process.env.MOSAIC_DATA_DIR!, 'port-clash'),
        MOSAIC_MONGODB_PORT: String(port),
        MOSAIC_TEMPORAL_PORT: String(await freePort()),
      });
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} is already in use`);
      expect(stderr).toContain('MOSAIC_MONGODB_PORT=<port>');
    } finally {
      blocker.close();
      await mosaic(['stack', 'stop'], { MOSAIC_DATA_DIR: path.join(process.env.MOSAIC_DATA_DIR!, 'port-clash') });
    }
  }, 90_000);
});

describe('mosaic stack stop', () => {
  it('also stops the services compositions started, by run record and by working directory, and says which', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-stack-stop-'));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const pids: number[] = [];
    try {
      // A snapshot composition's service, as the snapshot workflow starts it (run record in its workspace).
      const workspace = new LocalWorkspace(dataDir);
      await workspace.materialise('snapshot-demo', [], () => undefined);
      const port = await freePort();
      const web = resourceSchema.parse({ kind: 'service', name: 'web', ports: [port] }) as ServiceResource;
      const snapshotService = await workspace.startService('snapshot-demo', web, {}, 'service:web');
      // A composition's service through the local provider (run record under resources/services; it does not use MongoDB).
      const provider = new LocalProvider(dataDir, mongoose.createConnection());
      const composed = await provider.startService({ key: 'stack-stop-service', name: 'api', region: 'local' });
      // A process working in a workspace tree that no record names, as a retry that overwrote its record leaves.
      const orphanDir = path.join(workspace.dir('snapshot-orphan'), 'fs');
      fs.mkdirSync(orphanDir, { recursive: true });
      const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: orphanDir, detached: true, stdio: 'ignore' });
      orphan.unref();
      pids.push(snapshotService.pid, Number(composed.attributes.pid), orphan.pid!);
      expect(pids.every(alive)).toBe(true);

      const { code, stdout } = await mosaic(['stack', 'stop', '--json'], { MOSAIC_DATA_DIR: dataDir });
      expect(code).toBe(0);
      const result = JSON.parse(stdout) as { components: Record<string, string>; services: StoppedService[] };
      // PostgreSQL is an optional component, listed (and stopped) like the others.
      expect(result.components).toEqual({
        console: 'not-running',
        worker: 'not-running',
        temporal: 'not-running',
        mongodb: 'not-running',
        postgresql: 'not-running',
      });
      expect(result.services.map((s) => [s.pid, s.found]).sort()).toEqual(
        [
          [Number(composed.attributes.pid), 'run-record'],
          [snapshotService.pid, 'run-record'],
          [orphan.pid!, 'working-directory'],
        ].sort(),
      );
      expect(pids.filter(alive)).toEqual([]);
      expect(await canConnect(port)).toBe(false);

      const again = await mosaic(['stack', 'stop'], { MOSAIC_DATA_DIR: dataDir });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('services stopped: 0');
    } finally {
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('mosaic console --detach', () => {
  it('serves in the background, is listed by stack status and ends with stack stop', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-console-detach-'));
    const env = { MOSAIC_DATA_DIR: dataDir, MOSAIC_CONSOLE_OPERATOR_TOKEN: 'demo-operator-token-0123456789' };
    try {
      const refused = await mosaic(['console', '--detach', '--port', '0'], env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('--detach needs a fixed --port');

      const port = await freePort();
      const started = await mosaic(['console', '--detach', '--port', String(port), '--json'], env);
      expect(started.code).toBe(0);
      const { url, pid } = JSON.parse(started.stdout) as { url: string; pid: number };
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${url}/sign-in`)).status).toBe(200);
      // Signed in by token, it lists negotiations; without, it does not.
      expect((await fetch(`${url}/`, { headers: { authorization: `Bearer ${env.MOSAIC_CONSOLE_OPERATOR_TOKEN}` } })).status).toBe(200);
      expect((await fetch(`${url}/`, { redirect: 'manual' })).status).not.toBe(200);

      const again = await mosaic(['console', '--detach', '--port', String(port), '--json'], env);
      expect(JSON.parse(again.stdout)).toMatchObject({ pid });

      const status = await mosaic(['stack', 'status', '--json'], env);
      const rows = JSON.parse(status.stdout) as { component: string; state: string; pid?: number }[];
      expect(rows.find((r) => r.component === 'console')).toMatchObject({ state: 'running', pid });

      const stopped = await mosaic(['stack', 'stop', '--json'], env);
      expect((JSON.parse(stopped.stdout) as { components: Record<string, string> }).components.console).toBe('stopped');
      expect(await canConnect(port)).toBe(false);
    } finally {
      await mosaic(['stack', 'stop'], env);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
