import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { connectClient } from '../../src/client/connection';
import { serveCodec, type CodecServer } from '../../src/security/codec-server';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/security/payload-codec';
import { bucketRequest, startComposingWorker } from '../harness/composing-worker';
import type { TestWorker } from '../harness/worker';

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

  beforeAll(async () => {
    w = await startComposingWorker({ MOSAIC_PAYLOAD_KEYS: `k1:${KEY}` });
    plain = await connectClient({ ...w.config, payloadKeys: [] });
    codecServer = await serveCodec({ host: '127.0.0.1', port: 0, keys: w.config.payloadKeys, token: TOKEN, uiOrigin: 'http://localhost:8233' });
  }, 120_000);

  afterAll(async () => {
    await codecServer?.close();
    await plain?.connection.close();
    await w?.stop();
  });

  it('stores a composition\'s input, activity payloads, memo and result as ciphertext; the client with the key round-trips the result', async () => {
    const request = bucketRequest();
    const handle = await w.client.compose(request);
    const result = await handle.result();
    expect(result.resources.length).toBeGreaterThan(0);

    const { events } = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
    const found = (events ?? []).flatMap((event, i) => payloadsOf(event, `event ${i + 1}`));
    const kinds = (events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k]));
    expect(kinds).toEqual(expect.arrayContaining(['workflowExecutionStartedEventAttributes', 'activityTaskCompletedEventAttributes', 'workflowExecutionCompletedEventAttributes']));
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
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toMatchObject({ requestId: request.requestId, account: request.account, spec: request.spec });

    expect((await decode({})).status).toBe(401);
    const forbidden = await decode({ authorization: `Bearer ${randomBytes(24).toString('hex')}` });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).not.toContain(request.account);
  }, 120_000);
});
