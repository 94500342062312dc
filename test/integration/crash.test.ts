import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../../src/config';
import { MosaicClient } from '../../src/client/mosaic-client';
import { inventoryModel } from '../../src/models/inventory';
import { outcomeModel } from '../../src/models/outcome';
import { generateKeyPair } from '../../src/security/keys';
import { startWorkerProcess, waitForPoller } from '../harness/worker-process';
import { applyDefaultPolicy } from '../harness/policies';

describe('a worker killed in the middle of a pipeline', () => {
  let env: NodeJS.ProcessEnv;
  let client: MosaicClient;
  let db: Connection;
  let dataDir: string;
  const workers: ChildProcess[] = [];
  const calls: string[] = [];
  let inNotify: () => void = () => {};
  // The notify step is slow, so the worker dies while a step is in flight.
  const receiver = http.createServer((req, res) => {
    calls.push(String(req.headers['idempotency-key']));
    inNotify();
    setTimeout(() => res.end(), 1500);
  });

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-crash-'));
    const admin = generateKeyPair();
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/crash_${randomUUID().slice(0, 8)}`;
    env = {
      MOSAIC_TASK_QUEUE: `crash-${randomUUID()}`,
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_NOTIFY_URL: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`,
    };
    client = await MosaicClient.connect(loadConfig({ ...process.env, ...env }));
    db = await mongoose.createConnection(uri).asPromise();
    const first = startWorkerProcess(env);
    workers.push(first);
    await waitForPoller(client, first);
    await applyDefaultPolicy(client, admin);
  }, 180_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await client?.close();
    await db?.close();
    receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is finished by another worker, with every side effect exactly once', async () => {
    const request = {
      requestId: `crash-${randomUUID().slice(0, 8)}`,
      user: 'alice',
      account: `acct-${randomUUID().slice(0, 6)}`,
      region: 'us-east-1',
      resourceType: 'bucket' as const,
      spec: { name: 'survivor' },
    };
    const reachedNotify = new Promise<void>((r) => (inNotify = r));
    const handle = await client.compose(request);
    await reachedNotify;
    workers[0]!.kill('SIGKILL');

    const second = startWorkerProcess(env);
    workers.push(second);
    const result = await handle.result();

    expect(result.steps.every((s) => s.status === 'succeeded')).toBe(true);
    const buckets = fs.readdirSync(path.join(dataDir, 'resources', 'buckets')).filter((d) => d.startsWith('survivor-'));
    expect(buckets).toHaveLength(1);
    expect(await inventoryModel(db).countDocuments({ account: request.account })).toBe(1);
    expect(await db.collection('network_policies').countDocuments({ account: request.account })).toBe(1);
    expect(await outcomeModel(db).countDocuments({ workflowId: handle.workflowId })).toBe(1);
    // The interrupted notification is delivered again, with the same idempotency key for the receiver to deduplicate.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls)).toEqual(new Set([`${handle.workflowId}/notify/notify@1`]));
  }, 120_000);
});
