import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { MosaicClient } from '../../src/client/mosaic-client';
import { loadConfig } from '../../src/config';
import type { CompositionRequestInput } from '../../src/composition/request';
import { LocalProvider } from '../../src/providers/local';
import { processDirectories } from '../../src/stack/daemon';
import { generateKeyPair } from '../../src/security/keys';
import { failureOf } from '../harness/failures';
import { registerCommand } from '../harness/governed';
import { applyDefaultPolicy } from '../harness/policies';
import { killWorker, startWorkerProcess, waitForPoller } from '../harness/worker-process';

// An attacker who may start workflows sends requests meant to take workers
// down: a service command that does not exist, a file that is not a program,
// a NUL byte the kernel cannot take. Two real `mosaic worker` processes serve
// them, one of them logging to /dev/full (every log write fails with ENOSPC,
// as on a full disk). Each request fails on its own with a typed,
// non-retryable error; both workers are still alive and polling afterwards,
// serve a healthy request, and nothing the poison started is left running.
describe('no request can crash a worker', () => {
  const admin = generateKeyPair();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-poison-'));
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/poison_${randomUUID().slice(0, 8)}`;
  const env = {
    MOSAIC_TASK_QUEUE: `poison-${randomUUID()}`,
    MOSAIC_MONGODB_URI: uri,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
  };
  let client: MosaicClient;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
    workers.push(startWorkerProcess(env, '/dev/full'), startWorkerProcess(env, path.join(dataDir, 'worker.log')));
    await Promise.all(workers.map((w) => waitForPoller(client, w)));
    await applyDefaultPolicy(client, admin);
  }, 330_000);

  afterAll(async () => {
    for (const w of workers) await killWorker(w);
    await client?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // `command` is a registered command's name@version (see registerCommand).
  const service = (command: string): CompositionRequestInput => ({
    requestId: `poison-${randomUUID().slice(0, 8)}`,
    user: 'mallory',
    account: 'acct-poison',
    region: 'us-east-1',
    resourceType: 'service',
    spec: { name: 'poison', command },
  });

  const bothAlive = () => workers.map((w) => ({ pid: w.pid, exitCode: w.exitCode, signal: w.signalCode }));
  const expectedAlive = () => workers.map((w) => ({ pid: w.pid, exitCode: null, signal: null }));

  it('a compose request whose service command does not exist fails (ProviderRejected, ENOENT) at its first attempt; both workers keep running', async () => {
    const poison = await registerCommand(client, admin, ['/nonexistent/mosaic-poison', '--flag']);
    const handles = await Promise.all([1, 2, 3, 4].map(() => client.compose(service(poison))));
    for (const h of handles) {
      const f = await failureOf(h.result());
      expect(f.type).toBe('CompositionFailed');
      expect(f.message).toMatch(
        /startService of poison was rejected \(ENOENT\): could not start "\/nonexistent\/mosaic-poison": no such program/,
      );
      // Non-retryable: no other worker is handed the poison to die on.
      const history = await client.temporal.workflow.getHandle(h.workflowId).fetchHistory();
      const attempts = history.events!.flatMap((e) =>
        e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : [],
      );
      expect(Math.max(...attempts)).toBe(1);
    }
    expect(bothAlive()).toEqual(expectedAlive());
  });

  it('a command that is a file but not a program fails (ProviderRejected, EACCES)', async () => {
    const notAProgram = path.join(dataDir, 'not-a-program.txt');
    fs.writeFileSync(notAProgram, 'hello', { mode: 0o644 });
    const failure = await failureOf((await client.compose(service(await registerCommand(client, admin, [notAProgram])))).result());
    expect(failure.type).toBe('CompositionFailed');
    expect(failure.message).toMatch(/startService of poison was rejected \(EACCES\): .*not executable/);
    expect(bothAlive()).toEqual(expectedAlive());
  });

  it('a NUL byte in a command reference, sent past the client, is refused as InvalidRequest before anything runs', async () => {
    const input = service('sh@1\0; rm -rf /');
    const handle = await client.temporal.workflow.start('composeResource', {
      taskQueue: client.taskQueue,
      workflowId: `compose-${input.requestId}`,
      args: [input],
    });
    const failure = await failureOf(handle.result());
    expect(failure).toMatchObject({ type: 'InvalidRequest' });
    expect(failure.message).toMatch(/^spec\.command: expected a registered command as name@version/);
  });

  it('a snapshot template whose service command does not exist fails the composition and tears it down', async () => {
    const id = `poison_${randomUUID().slice(0, 6)}`;
    await client.snapshots.catalog({
      operation: 'template.create',
      template: {
        id,
        resources: [{ kind: 'service', name: 'ghost', command: await registerCommand(client, admin, ['/nonexistent/ghostd']) }],
      },
    });
    const handle = await client.snapshots.compose({
      name: 'poison',
      sources: [{ type: 'template', id }],
      conflict_resolution: 'FIRST_WIN',
    });
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('ProviderRejected');
    expect(failure.message).toMatch(/startService of ghost was rejected \(ENOENT\)/);
    expect(bothAlive()).toEqual(expectedAlive());
  });

  it('afterwards both workers are still polling, serve a healthy request, and nothing the poison started is left', async () => {
    const since = Date.now() - 1000;
    // Each worker polls continually; a poller seen after the poison proves that process still serves the queue.
    const pollers = await client.pollers();
    for (const w of workers) {
      const seen = pollers.find((p) => p.identity.startsWith(`${w.pid}@`));
      expect(seen?.lastAccessTime?.getTime()).toBeGreaterThanOrEqual(Math.floor(since / 1000) * 1000 - 1000);
    }
    const ok = await (await client.compose({ ...service('unused@1'), resourceType: 'bucket', spec: { name: 'after-poison' } })).result();
    expect(ok).toMatchObject({ resources: [expect.objectContaining({ kind: 'bucket' })] });
    expect(bothAlive()).toEqual(expectedAlive());
    // No run record of a service, no process working in the data directory's resource tree.
    const records = fs.existsSync(LocalProvider.servicesDir(dataDir))
      ? fs.readdirSync(LocalProvider.servicesDir(dataDir)).filter((f) => f.endsWith('.json'))
      : [];
    expect(records).toEqual([]);
    const resources = path.join(dataDir, 'resources');
    expect([...processDirectories().values()].filter((cwd) => cwd.startsWith(resources))).toEqual([]);
  });
});
