import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { removeResources } from '../../src/activities/resources';
import { LocalProvider } from '../../src/providers/local';
import { eventually } from '../harness/eventually';

// What compensation stands on when an attempt failed before reporting what it
// made: the local provider finds every kind of resource by the key it was
// made with, and nothing of another key.
describe('LocalProvider.findByKey and removeResources', () => {
  let dataDir: string;
  let db: Connection;
  let provider: LocalProvider;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-local-provider-'));
    db = await mongoose
      .createConnection(`mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/local_provider_${randomUUID().slice(0, 8)}`)
      .asPromise();
    provider = new LocalProvider(dataDir, db);
  });

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds a bucket, database, service and key by their key, and each delete leaves nothing to find', async () => {
    const step = `compose-${randomUUID()}/provision/step@1`;
    const other = `compose-${randomUUID()}/provision/step@1`;
    const made = [
      await provider.createBucket({ key: step, name: 'found', region: 'local' }),
      await provider.createDatabase({ key: step, name: 'found-db', engine: 'mongodb', sizeGb: 1 }),
      await provider.startService({ key: step, name: 'found-svc', region: 'local' }),
      await provider.createKey({ key: step, alias: 'mosaic/found', region: 'local' }),
    ];
    const otherBucket = await provider.createBucket({ key: other, name: 'found', region: 'local' });

    const found = await provider.findByKey(step);
    expect(found.map((r) => [r.kind, r.id]).sort()).toEqual(made.map((r) => [r.kind, r.id]).sort());
    expect(found.find((r) => r.kind === 'bucket')?.attributes.name).toBe('found');
    expect((await provider.findByKey(other)).map((r) => r.id)).toEqual([otherBucket.id]);

    // The compensation of a failed attempt: no refs reported, everything found by the step's key removed.
    await removeResources({ provider, key: step, request: { region: 'local' } }, []);
    expect(await provider.findByKey(step)).toEqual([]);
    expect(fs.existsSync(made[0]!.id)).toBe(false);
    expect(fs.existsSync(made[1]!.attributes.secretFile!)).toBe(false);
    expect(() => process.kill(Number(made[2]!.attributes.pid), 0)).toThrow();
    await provider.deleteBucket(otherBucket);
  }, 60_000);

  it('observes a workload that really ran (its CPU time, peak memory, I/O calls), never the stand-in', async () => {
    const since = new Date();
    // A workload of its own: holds 64 MiB it has written to, and serves on its port.
    const workload = await provider.startService({
      key: `negotiate-${randomUUID()}/instance`,
      name: 'observed',
      region: 'local',
      command: [
        process.execPath,
        '-e',
        "globalThis.held=Buffer.alloc(64*1024*1024,1);require('node:http').createServer((q,r)=>r.end('ok')).listen(+process.env.PORT,'127.0.0.1')",
      ],
    });
    let standIn: Awaited<ReturnType<LocalProvider['startService']>> | undefined;
    try {
      standIn = await provider.startService({ key: `negotiate-${randomUUID()}/instance`, name: 'stand-in', region: 'local' });
      const window = { since, until: new Date(since.getTime() + 3_600_000) };
      const seen = await provider.observeUsage(workload, window);
      if (!('usage' in seen)) throw new Error(`expected usage, got ${seen.unobserved}`);
      expect(seen.usage.memoryGb).toBeGreaterThanOrEqual(64 / 1024);
      expect(seen.usage.cpu).toBeGreaterThan(0);
      expect(seen.usage.unmeasured).toEqual(['networkGbps']);
      expect(await provider.observeUsage(standIn, window)).toEqual({ unobserved: expect.stringMatching(/stand-in process/) });
    } finally {
      // Stopped even when the stand-in failed to start: a test leaves no process behind.
      await provider.stopService(workload);
      if (standIn) await provider.stopService(standIn);
    }
    expect(await provider.observeUsage(workload, { since, until: new Date() })).toEqual({
      unobserved: expect.stringMatching(/no longer running/),
    });
  }, 60_000);

  it('reports a process that has ended but is not yet reaped (a zombie) as no longer running, not as idle', async () => {
    // `sh` starts `true` and becomes `sleep`, which never waits for it: `true` ends and stays a zombie while sleep lives.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number((await new Promise<Buffer>((resolve) => parent.stdout.once('data', resolve))).toString().trim());
      await eventually(async () => expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /));
      const ref = {
        provider: 'local' as const,
        kind: 'service' as const,
        id: `zombie-${pid}`,
        key: 'zombie',
        attributes: { workload: 'command', pid: String(pid) },
      };
      const now = Date.now();
      expect(await provider.observeUsage(ref, { since: new Date(now - 60_000), until: new Date(now) })).toEqual({
        unobserved: expect.stringMatching(/no longer running/),
      });
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it("reads a workload's CPU peak from samples taken while it ran, not its average over the window", async () => {
    // Samples every second here (a minute as shipped), so that a few intervals pass within the test.
    const sampled = new LocalProvider(dataDir, db, 1);
    const since = new Date();
    const workload = await sampled.startService({
      key: `negotiate-${randomUUID()}/instance`,
      name: 'bursty',
      region: 'local',
      // Busy three tenths of every 0.4 s: about three quarters of a core while it runs.
      command: [
        process.execPath,
        '-e',
        "setInterval(()=>{const t=Date.now();while(Date.now()-t<300);},400);require('node:http').createServer((q,r)=>r.end('ok')).listen(+process.env.PORT,'127.0.0.1')",
      ],
    });
    const samples = path.join(dataDir, 'resources', 'usage', `${workload.id}.samples`);
    try {
      await eventually(async () => expect(fs.readFileSync(samples, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(4), 20_000);
      // Over an hour's window the average of a few seconds' work is near zero; the sampled peak is what it used.
      const seen = await sampled.observeUsage(workload, { since, until: new Date(since.getTime() + 3_600_000) });
      if (!('usage' in seen)) throw new Error(`expected usage, got ${seen.unobserved}`);
      expect(seen.usage.cpu).toBeGreaterThan(0.25);
    } finally {
      await sampled.stopService(workload);
    }
    expect(fs.existsSync(samples)).toBe(false);
  }, 60_000);
});
