import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { PayloadKey } from '../config';
import { PortInUse } from '../stack/stack';
import { SecurityError } from '../security/errors';
import { PayloadEncryptionCodec } from '../security/payload-codec';
import { sameSecret, SessionStore } from '../security/sessions';

/**
 * The remote codec the Temporal Web UI calls to show decrypted payloads:
 * POST /encode and POST /decode with `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`
 * (the UI's JSON form of Payload). Only a viewer who presents the token gets
 * plaintext: as `Authorization: Bearer <token>` (the UI's "pass the user access
 * token"), or as the session cookie POST /session sets, which the UI sends with
 * "include cross-origin credentials" when both are on the same host name.
 */
export interface CodecServerOptions {
  host: string;
  port: number;
  keys: PayloadKey[];
  token: string;
  /** The Web UI's origin, the only one CORS lets read the answers. */
  uiOrigin: string;
  /** How long a sign-in lasts; 8 hours (a working day) unless given. */
  sessionTtlMs?: number;
  /** The clock sessions expire by (tests pass their own). */
  now?: () => number;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const COOKIE = 'mosaic_codec_session';

const jsonPayloads = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.base64({ message: 'expected base64 metadata values' })).nullish(),
      data: z.base64({ message: 'expected base64 data' }).nullish(),
    }),
  ),
});
type JsonPayload = z.infer<typeof jsonPayloads>['payloads'][number];

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});
const toJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(data ?? []).toString('base64'),
});

const SIGN_IN_PAGE = `<!doctype html><title>Mosaic codec server</title>
<form method="post" action="/session"><label>MOSAIC_CODEC_TOKEN <input type="password" name="token" autofocus></label> <button>Sign in</button></form>`;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function serveCodec(opts: CodecServerOptions): Promise<CodecServer> {
  const codec = new PayloadEncryptionCodec(opts.keys);
  const ttl = opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const sessions = new SessionStore<true>(ttl, opts.now);

  const authorise = (req: http.IncomingMessage) => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = (req.headers.cookie ?? '')
      .split(/;\s*/)
      .find((c) => c.startsWith(`${COOKIE}=`))
      ?.slice(COOKIE.length + 1);
    if (bearer === undefined && cookie === undefined) {
      throw new HttpProblem(401, 'a bearer token is required (Authorization: Bearer <MOSAIC_CODEC_TOKEN>)', {
        'www-authenticate': 'Bearer realm="mosaic-codec"',
      });
    }
    if (bearer !== undefined ? !sameSecret(bearer, opts.token) : sessions.get(cookie!) === undefined) {
      throw new HttpProblem(
        403,
        bearer !== undefined
          ? 'the token is not the one this codec server was started with'
          : 'the session has expired or is unknown: sign in again at this codec server',
      );
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const route = req.url?.split('?')[0] ?? '';
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method === 'GET' && route === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(SIGN_IN_PAGE);
    if (!['/encode', '/decode', '/session'].includes(route)) throw new HttpProblem(404, 'not found: POST /encode, /decode or /session');
    if (req.method !== 'POST') throw new HttpProblem(405, `${route} takes POST`, { allow: 'POST, OPTIONS' });
    const body = await readBody(req);
    if (route === '/session') {
      sameOriginOnly(req);
      const token = new URLSearchParams(body).get('token') ?? '';
      if (!sameSecret(token, opts.token)) throw new HttpProblem(403, 'the token is not the one this codec server was started with');
      const cookie = `${COOKIE}=${sessions.signIn(true)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(ttl / 1000)}`;
      res
        .writeHead(200, { 'content-type': 'text/html', 'set-cookie': cookie })
        .end(
          `<p>Signed in. The Web UI at ${opts.uiOrigin} shows decrypted payloads once its codec server setting has "Include cross-origin credentials" on.</p>`,
        );
      return;
    }
    authorise(req);
    let parsed: z.infer<typeof jsonPayloads>;
    try {
      parsed = jsonPayloads.parse(JSON.parse(body));
    } catch (err) {
      const detail =
        err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') : 'not JSON';
      throw new HttpProblem(400, `expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}: ${detail}`);
    }
    const payloads = parsed.payloads.map(fromJson);
    const out = route === '/encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
  };

  const server = http.createServer((req, res) => {
    if (req.headers.origin === opts.uiOrigin) {
      res.setHeader('access-control-allow-origin', opts.uiOrigin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'authorization, authorization-extras, content-type, x-namespace');
      res.setHeader('access-control-max-age', '600');
    }
    res.setHeader('vary', 'origin');
    handle(req, res).catch((err: Error) => {
      // A key or authentication failure is the payload's problem (422), not the server's.
      const status = err instanceof HttpProblem ? err.status : err instanceof SecurityError ? 422 : 500;
      const headers = err instanceof HttpProblem ? err.headers : {};
      const type = err instanceof SecurityError ? err.type : undefined;
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify({ error: err.message, ...(type ? { type } : {}) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUse(opts.port, '--port') : err));
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Sign-in comes only from this server's own page: a form another site posts
 * here (login CSRF, planting the attacker's session) carries that site's
 * Origin, or a Sec-Fetch-Site other than same-origin. A client that is no
 * browser (curl) sends neither and may sign in.
 */
function sameOriginOnly(req: http.IncomingMessage): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const own = `http://${req.headers.host ?? ''}`;
  if ((origin !== undefined && origin !== own) || (site !== undefined && site !== 'same-origin' && site !== 'none'))
    throw new HttpProblem(403, `sign in from this codec server's own page (${own}/), not from another site`);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the 413 still reaches the caller.
      if (size > MAX_BODY_BYTES) reject(new HttpProblem(413, `a request body may hold at most ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
