import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { serveCodec, type CodecServer } from '../../../src/operator/codec-server';
import { PayloadEncryptionCodec } from '../../../src/security/payload-codec';

const TOKEN = 'viewer-token-0123456789';
const UI = 'http://localhost:8233';
const keys = [
  { id: 'k2', key: randomBytes(32) },
  { id: 'k1', key: randomBytes(32) },
];

/** The JSON form of payloads the Web UI posts. */
const json = (payloads: Payload[]) => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  })),
});

describe('the codec server the Web UI calls', () => {
  let server: CodecServer;
  let sealed: Payload;

  beforeAll(async () => {
    server = await serveCodec({ host: '127.0.0.1', port: 0, keys, token: TOKEN, uiOrigin: UI });
    [sealed] = (await new PayloadEncryptionCodec(keys.slice(1)).encode([
      defaultPayloadConverter.toPayload({ account: 'acme', name: 'orders' }),
    ])) as [Payload];
  });

  afterAll(() => server.close());

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const bearer = { authorization: `Bearer ${TOKEN}` };

  it('decodes for a viewer with the token: the plaintext JSON the workflow was given', async () => {
    const res = await post('/decode', json([sealed]), bearer);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    const { payloads } = (await res.json()) as ReturnType<typeof json>;
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual({ account: 'acme', name: 'orders' });
  });

  it('encodes with the current key, and what it encodes decodes', async () => {
    const res = await post('/encode', json([defaultPayloadConverter.toPayload('typed in the UI')]), bearer);
    const encoded = (await res.json()) as ReturnType<typeof json>;
    expect(Buffer.from(encoded.payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('k2');
    const decoded = (await (await post('/decode', encoded, bearer)).json()) as ReturnType<typeof json>;
    expect(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()).toBe('"typed in the UI"');
  });

  it('gives no plaintext without the token (401) or with another (403)', async () => {
    const missing = await post('/decode', json([sealed]));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await post('/decode', json([sealed]), { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(403);
    for (const res of [missing, wrong]) expect(await res.text()).not.toContain('acme');
    expect((await post('/decode', json([sealed]), { cookie: 'mosaic_codec_session=forged' })).status).toBe(403);
  });

  it('signs a viewer in with the token as a session cookie that is not the token', async () => {
    // Signed in from the codec server's own page: the form's origin is the server's.
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: server.url };
    expect((await post('/session', `token=wrong-token-0123456789`, form)).status).toBe(403);
    const signIn = await post('/session', `token=${TOKEN}`, form);
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const res = await post('/decode', json([sealed]), { cookie: cookie.split(';')[0]! });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('answers the preflight for the UI origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ui = await preflight(UI);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ui.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses what is not a payload list, naming the field, and tampered or unknown-key payloads as 422', async () => {
    const bad = await post('/decode', { payloads: [{ data: 'not base64!' }] }, bearer);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/payloads\.0\.data: expected base64 data/);
    expect((await post('/decode', 'not json', bearer)).status).toBe(400);
    const body = json([sealed]);
    const data = Buffer.from(body.payloads[0]!.data, 'base64');
    data[data.length - 1]! ^= 1;
    const tampered = await post('/decode', { payloads: [{ ...body.payloads[0], data: data.toString('base64') }] }, bearer);
    expect(tampered.status).toBe(422);
    expect(await tampered.json()).toMatchObject({ type: 'PayloadTampered' });
    const unknown = {
      ...body.payloads[0],
      metadata: { ...body.payloads[0]!.metadata, 'encryption-key-id': Buffer.from('k0').toString('base64') },
    };
    const res = await post('/decode', { payloads: [unknown] }, bearer);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ type: 'PayloadKeyUnknown', error: expect.stringContaining('MOSAIC_PAYLOAD_KEYS') });
  });

  it('refuses bodies over 4 MiB with 413 and unknown routes with 404', async () => {
    expect((await post('/decode', 'x'.repeat(5 * 1024 * 1024), bearer)).status).toBe(413);
    expect((await post('/elsewhere', {}, bearer)).status).toBe(404);
    expect((await fetch(`${server.url}/decode`)).status).toBe(405);
  });
});
