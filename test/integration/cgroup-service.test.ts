import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { parse, stringify } from 'yaml';
import type { CompositionRequestInput } from '../../src/composition/request';
import { serviceCostUsd } from '../../src/handlers/cost';
import { LocalProvider } from '../../src/providers/local';
import { ServiceLimits } from '../../src/providers/service-limits';
import { processDirectories, readRecord } from '../../src/stack/daemon';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { registerCommand } from '../harness/governed';
import { applyDefaultPolicy } from '../harness/policies';
import { startTestWorker, type TestWorker } from '../harness/worker';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'policies', 'services.yaml');
// Where this machine lets Mosaic make memory and cpu groups; a machine without them refuses cgroup-service@1.
const cgroups = new ServiceLimits().cgroupsWritable();

/** The example services policy narrowed to one account and to cgroup-service@1 alone, so the test knows what runs. */
function cgroupOnly(): string {
  const doc = parse(fs.readFileSync(EXAMPLE, 'utf8')) as {
    metadata: { name: string };
    spec: { match: string; priority: number; stages: { name: string; candidates: string[]; forbid?: unknown }[] };
  };
  doc.metadata.name = 'services-cgroup-only';
  doc.spec.match = 'request.resourceType == "service" && request.account == "acct-cgroup"';
  doc.spec.priority = 200;
  const provision = doc.spec.stages.find((s) => s.name === 'provision')!;
  provision.candidates = ['cgroup-service@1'];
  delete provision.forbid;
  return stringify(doc);
}

/** The kernel's memory limit of a process's group, from its own /proc entry: v1 memory.limit_in_bytes or v2 memory.max. */
function groupOf(pid: number): { dir: string; memoryLimit: number } {
  const lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  const v1 = /^\d+:memory:(.*)$/m.exec(lines)?.[1];
  const dir = v1?.includes('/mosaic-services/') ? `/sys/fs/cgroup/memory${v1}` : `/sys/fs/cgroup${/^0::(.*)$/m.exec(lines)![1]}`;
  const file = fs.existsSync(path.join(dir, 'memory.max')) ? 'memory.max' : 'memory.limit_in_bytes';
  return { dir, memoryLimit: Number(fs.readFileSync(path.join(dir, file), 'utf8')) };
}

// cgroup-service@1, the second way to run a service: in a group of its own, memory and CPU capped by the kernel.
describe('cgroup-service@1 on the real stack', () => {
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  let notifyStatus = 204;
  let notified: { outputs: Record<string, string> } | undefined;
  let seenAtNotify: { pid: number; group?: { dir: string; memoryLimit: number }; body?: unknown } | undefined;
  const admin = generateKeyPair();
  const notifyServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      void (async () => {
        notified = JSON.parse(body) as { outputs: Record<string, string> };
        // While the composition is still running: the service's process, its group, its answer.
        const record = readRecord(LocalProvider.servicesDir(dataDir), notified.outputs.service!);
        if (record)
          seenAtNotify = {
            pid: record.pid,
            group: cgroups ? groupOf(record.pid) : undefined,
            body: await (await fetch(notified.outputs.endpoint!)).json(),
          };
        res.statusCode = notifyStatus;
        res.end();
      })();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/cgroup_${randomUUID().slice(0, 8)}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-cgroup-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(notifyServer.address() as { port: number }).port}/hook`,
    });
    db = await mongoose.createConnection(uri).asPromise();
    await applyDefaultPolicy(w.client, admin);
    for (const source of [fs.readFileSync(EXAMPLE, 'utf8'), cgroupOnly()])
      await w.client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    notifyServer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const request = (spec: Record<string, unknown>): CompositionRequestInput => ({
    requestId: `cg-${randomUUID().slice(0, 8)}`,
    user: 'alice',
    account: 'acct-cgroup',
    region: 'eu-west-1',
    resourceType: 'service',
    spec: { name: 'capped', ...spec },
  });

  const servicesLeft = () => {
    const services = LocalProvider.servicesDir(dataDir);
    return [...processDirectories().values()].filter((cwd) => cwd.startsWith(services));
  };

  it('is registered beside provision-service@1, for the local provider only', async () => {
    const shown = await w.client.governance.inspect({ kind: 'handler', ref: 'cgroup-service@1' });
    expect(JSON.stringify(shown)).toMatch(/"providers":\["local"\]/);
    expect(JSON.stringify(shown)).toContain('capped by the kernel');
  });

  (cgroups ? it : it.skip)(
    'starts the service in a group of its own at its allocation; it answers; it is priced at that allocation',
    async () => {
      notifyStatus = 204;
      const result = await (await w.client.compose(request({ cpu: 0.25, memoryMb: 96 }))).result();
      const step = result.steps.find((s) => s.ref === 'cgroup-service@1')!;
      expect(step.costUsd).toBe(serviceCostUsd({ cpu: 0.25, memoryGb: 96 / 1024 }));
      const service = result.resources.find((r) => r.kind === 'service')!;
      expect(service.attributes.limits).toMatch(/^cgroup-v[12] .*96MiB.*25000\/100000 \(0\.25 cores\)/);
      expect(seenAtNotify?.body).toEqual({ service: 'capped', ok: true });
      expect(seenAtNotify?.group?.memoryLimit).toBe(96 * 2 ** 20);
      expect(seenAtNotify?.group?.dir).toMatch(new RegExp(`/mosaic-services/${service.id}$`));
      // The service outlives its composition by design; the test stops it as undo would, group and all.
      await new LocalProvider(dataDir, db).stopService(service);
      expect(fs.existsSync(seenAtNotify!.group!.dir)).toBe(false);
      expect(servicesLeft()).toEqual([]);
    },
  );

  (cgroups ? it : it.skip)('undo of a failed composition leaves no process, no group and no working directory', async () => {
    notifyStatus = 400;
    seenAtNotify = undefined;
    try {
      const failure = await failureOf((await w.client.compose(request({}))).result());
      expect(failure.message).toContain('notify@1 failed in stage notify');
      const { pid, group } = seenAtNotify!;
      expect(group?.memoryLimit).toBe(512 * 2 ** 20);
      expect(() => process.kill(pid, 0)).toThrow();
      expect(fs.existsSync(group!.dir)).toBe(false);
      expect(fs.existsSync(path.join(LocalProvider.servicesDir(dataDir), `${notified!.outputs.service}.d`))).toBe(false);
      expect(readRecord(LocalProvider.servicesDir(dataDir), notified!.outputs.service!)).toBeUndefined();
      expect(servicesLeft()).toEqual([]);
    } finally {
      notifyStatus = 204;
    }
  });

  (cgroups ? it : it.skip)('a service over its memory is killed by the kernel; the step fails saying so, nothing is left', async () => {
    const hog = await registerCommand(w.client, admin, [
      process.execPath,
      '-e',
      'const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1));',
    ]);
    const failure = await failureOf((await w.client.compose(request({ command: hog, memoryMb: 48 }))).result());
    expect(failure.message).toMatch(/MemoryLimitExceeded.*killed by the kernel: over its memory limit of 48MiB/);
    expect(servicesLeft()).toEqual([]);
  });

  (cgroups ? it.skip : it)('refuses with CgroupUnavailable where no group can be made, leaving no process', async () => {
    const failure = await failureOf((await w.client.compose(request({}))).result());
    expect(failure.message).toMatch(/CgroupUnavailable.*choose provision-service@1/);
    expect(servicesLeft()).toEqual([]);
  });
});
