import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { connectClient } from '../../src/client/connection';
import { MosaicClient } from '../../src/client/mosaic-client';
import { serveCodec, type CodecServer } from '../../src/operator/codec-server';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/security/payload-codec';
import { generateKeyPair } from '../../src/security/keys';
import { bucketRequest } from '../harness/composing-worker';
import { applyDefaultPolicy } from '../harness/policies';
import { startTestWorker, type TestWorker } from '../harness/worker';

const KEY = randomBytes(32).toString('base64');
const TOKEN = randomBytes(24).toString('hex');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/**
 * Every payload an event carries, except two kinds that never pass through a
 * codec: search attributes (plain by design so visibility can index them:
 * MosaicAccount, MosaicKind, …) and the SDK's own bookkeeping in a local
 * activity marker (`details.data`: seq, attempt, activity type and times;
 * the marker's `details.result` is the activity's result and is checked).
 */
function payloadsOf(value: unknown, where = ''): { where: string; payload: Payload }[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  const record = value as Record<string, unknown>;
  if ('metadata' in record && 'data' in record) return [{ where, payload: record as Payload }];
  return Object.entries(record)
    .filter(([key]) => key !== 'searchAttributes' && !(key === 'data' && where.endsWith('markerRecordedEventAttributes.details')))
    .flatMap(([key, child]) => payloadsOf(child, `${where}.${key}`));
}

describe('payload encryption on the real stack', () => {
  let w: TestWorker;
  let plain: Client;
  let codecServer: CodecServer;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-encrypted-'));
  const admin = generateKeyPair();
  const env = {
    MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/encrypted_${randomUUID().slice(0, 8)}`,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    MOSAIC_PAYLOAD_KEYS: `k1:${KEY}`,
  };

  beforeAll(async () => {
    w = await startTestWorker(env);
    // The policy itself goes through the governance workflow: encrypted too.
    await applyDefaultPolicy(w.client, admin);
    plain = await connectClient({ ...w.config, payloadKeys: [] });
    codecServer = await serveCodec({
      host: '127.0.0.1',
      port: 0,
      keys: w.config.payloadKeys,
      token: TOKEN,
      uiOrigin: 'http://localhost:8233',
    });
  }, 120_000);

  afterAll(async () => {
    await codecServer?.close();
    await plain?.connection.close();
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores a composition's input, activity payloads, memo and result as ciphertext; the client with the key round-trips the result", async () => {
    const request = bucketRequest();
    const handle = await w.client.compose(request);
    const result = await handle.result();
    expect(result.resources.length).toBeGreaterThan(0);

    const { events } = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
    const found = (events ?? []).flatMap((event, i) => payloadsOf(event, `event ${i + 1}`));
    const kinds = (events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]));
    expect(kinds).toEqual(
      expect.arrayContaining([
        'workflowExecutionStartedEventAttributes',
        'activityTaskCompletedEventAttributes',
        'workflowExecutionCompletedEventAttributes',
      ]),
    );
    expect(found.length).toBeGreaterThan(10);
    for (const { where, payload } of found) {
      expect([where, text(payload.metadata?.encoding)]).toEqual([where, ENCRYPTED_ENCODING]);
      expect(text(payload.metadata?.[KEY_ID_METADATA])).toBe('k1');
      for (const secret of [request.spec.name as string, request.account, request.requestId, 'alice', 'json/plain']) {
        expect([where, text(payload.data).includes(secret)]).toEqual([where, false]);
      }
    }
    const started = events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!;
    expect(started.memo?.fields?.summary).toBeDefined();

    // Without the key the result is unreadable; with it, the same value the worker returned.
    await expect(plain.workflow.getHandle(handle.workflowId).result()).rejects.toThrow(/binary\/encrypted/);
    expect(await w.client.temporal.workflow.getHandle(handle.workflowId).result()).toEqual(result);
  }, 120_000);

  it('the codec server shows the stored input in plaintext to a viewer with the token only', async () => {
    const request = bucketRequest();
    const handle = await w.client.compose(request);
    await handle.result();
    const { events } = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
    const input = events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const body = JSON.stringify({
      payloads: input.map((p: temporal.api.common.v1.IPayload) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data ?? []).toString('base64'),
      })),
    });
    const decode = (headers: Record<string, string>) =>
      fetch(`${codecServer.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const res = await decode({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    const { payloads } = (await res.json()) as { payloads: { data: string }[] };
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toMatchObject({
      requestId: request.requestId,
      account: request.account,
      spec: request.spec,
    });

    expect((await decode({})).status).toBe(401);
    const forbidden = await decode({ authorization: `Bearer ${randomBytes(24).toString('hex')}` });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).not.toContain(request.account);
  }, 120_000);

  it('a client that rotated before the worker: the worker refuses the task naming the key and keeps serving; once it has the key the run finishes', async () => {
    const k2 = { id: 'k2', key: randomBytes(32) };
    const rotated = new MosaicClient(await connectClient({ ...w.config, payloadKeys: [k2, ...w.config.payloadKeys] }), w.config);
    try {
      const early = await rotated.compose(bucketRequest());
      const failedTask = async () => {
        const { events } = await plain.workflow.getHandle(early.workflowId).fetchHistory();
        return events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message;
      };
      let message: string | null | undefined;
      while (!(message = await failedTask())) await new Promise((r) => setTimeout(r, 200));
      expect(message).toMatch(/key "k2", which is not configured \(configured: k1\).*MOSAIC_PAYLOAD_KEYS/);

      // The same worker still serves clients on the old key.
      const request = bucketRequest();
      expect((await (await w.client.compose(request)).result()).resources.length).toBeGreaterThan(0);

      // A worker given k2 (after k1, so it still encrypts with k1) picks the stuck run up.
      const upgraded = await startTestWorker({
        ...env,
        MOSAIC_TASK_QUEUE: w.config.temporal.taskQueue,
        MOSAIC_PAYLOAD_KEYS: `k1:${KEY},k2:${k2.key.toString('base64')}`,
      });
      try {
        await w.stop();
        expect((await early.result()).resources.length).toBeGreaterThan(0);
      } finally {
        w = upgraded;
      }
    } finally {
      await rotated.close();
    }
  }, 180_000);
});
