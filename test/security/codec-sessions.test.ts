import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { serveCodec, type CodecServer } from '../../src/operator/codec-server';
import { PayloadEncryptionCodec } from '../../src/security/payload-codec';

const TOKEN = 'viewer-token-0123456789';
const UI = 'http://localhost:8233';
const HOUR = 3600_000;

// The codec server turns a cookie into plaintext payloads, so its sessions
// are what an attacker goes for: a cookie stolen once must not work forever,
// a session id must not be predictable or fixed, and another site must not
// be able to sign a victim's browser in (login CSRF).
describe('codec server sessions', () => {
  let server: CodecServer;
  let clock = Date.parse('2026-12-03T09:00:00Z');
  let sealed: Payload;
  const keys = [{ id: 'k1', key: randomBytes(32) }];

  beforeAll(async () => {
    server = await serveCodec({ host: '127.0.0.1', port: 0, keys, token: TOKEN, uiOrigin: UI, sessionTtlMs: 2 * HOUR, now: () => clock });
    [sealed] = (await new PayloadEncryptionCodec(keys).encode([defaultPayloadConverter.toPayload({ secret: 'plan' })])) as [Payload];
  });
  afterAll(() => server.close());

  const signIn = (headers: Record<string, string>) =>
    fetch(`${server.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: `token=${TOKEN}`,
      redirect: 'manual',
    });
  const decodeWith = (cookie: string) =>
    fetch(`${server.url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: UI, cookie },
      body: JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
            data: Buffer.from(sealed.data!).toString('base64'),
          },
        ],
      }),
    });
  const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

  it('a new session id at every sign-in, with an expiry the browser is told', async () => {
    const first = await signIn({ origin: server.url });
    const second = await signIn({ origin: server.url });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(cookieOf(first)).toMatch(/^mosaic_codec_session=[A-Za-z0-9_-]{43}$/);
    expect(cookieOf(second)).not.toBe(cookieOf(first));
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Max-Age=7200/);
    expect((await decodeWith(cookieOf(first))).status).toBe(200);
  });

  it('a session stops working once it expires: a stolen cookie is not good forever', async () => {
    const cookie = cookieOf(await signIn({ origin: server.url }));
    clock += 2 * HOUR - 1000;
    expect((await decodeWith(cookie)).status).toBe(200);
    clock += 2000;
    const expired = await decodeWith(cookie);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: string }).error).toMatch(/session has expired or is unknown: sign in again/);
  });

  it('refuses a sign-in posted by another site, and sets no cookie', async () => {
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: UI }, // even the Web UI's own origin: sign-in happens on the codec server's page
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of attempts) {
      const res = await signIn(headers);
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('a forged or made-up session id is refused', async () => {
    expect((await decodeWith('mosaic_codec_session=forged')).status).toBe(403);
    expect((await decodeWith(`mosaic_codec_session=${randomBytes(32).toString('base64url')}`)).status).toBe(403);
  });
});
