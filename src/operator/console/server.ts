import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { NegotiationClosed, type NegotiationClient } from '../../client/negotiation';
import { MosaicWorkflowError } from '../../client/workflow-errors';
import { sameSecret, SessionStore } from '../../security/sessions';
import { PortInUse } from '../../stack/stack';
import type { NegotiationView } from '../../contract/negotiate';
import { loadAssets } from './assets';
import { ACTIONS, fieldOf, parseAction, type Action, type ActionBody } from './forms';
import { fingerprint } from './model';
import { listPage, negotiationBody, negotiationPage, problemPage, signInPage, type FormState, type Role, type Session } from './pages';

/**
 * `mosaic console`: a small web application over the negotiation client.
 * Pages are rendered here; every action is one Temporal update with the
 * update id the form carried, so a form sent twice is applied once.
 */
export interface ConsoleOptions {
  host: string;
  port: number;
  negotiations: NegotiationClient;
  /** Web UI link of a workflow. */
  webUiUrl: (workflowId: string) => string;
  tokens: { operator?: string; viewer?: string };
  sessionTtlMs?: number;
}

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_CONSOLE_SESSION_TTL_MS = 8 * 3600_000;
const COOKIE = 'mosaic_console_session';
const MAX_BODY_BYTES = 64 * 1024;
const LIST_LIMIT = 200;
const NEGOTIATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const MAX_FILTER = 100;

type Env = { Variables: { session: Session } };

export function consoleApp(opts: ConsoleOptions): Hono<Env> {
  const sessions = new SessionStore<Session>(opts.sessionTtlMs ?? DEFAULT_CONSOLE_SESSION_TTL_MS);
  const assets = loadAssets();
  const app = new Hono<Env>();
  const roleOf = (token: string): Role | undefined =>
    opts.tokens.operator && sameSecret(token, opts.tokens.operator)
      ? 'operator'
      : opts.tokens.viewer && sameSecret(token, opts.tokens.viewer)
        ? 'viewer'
        : undefined;

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  // Forms posted from another site are refused (Origin / Sec-Fetch-Site): the cookie alone never authorises a change.
  app.use(csrf());
  app.use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text(`a form may hold at most ${MAX_BODY_BYTES} bytes`, 413) }));

  app.get('/assets/:name', (c) => {
    const asset = assets[c.req.param('name')];
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' });
  });
  app.get('/sign-in', (c) => c.html(signInPage(safeNext(c.req.query('next')))));
  app.post('/sign-in', async (c) => {
    const form = await formOf(c);
    const next = safeNext(form.next);
    const role = roleOf(form.token ?? '');
    if (!role) return c.html(signInPage(next, 'That token is not one this console was started with.'), 403);
    const name = (form.name ?? '').trim().slice(0, 60) || role;
    setCookie(c, COOKIE, sessions.signIn({ role, name }), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(sessions.ttlMs / 1000),
    });
    return c.redirect(next, 303);
  });
  app.post('/sign-out', (c) => {
    const id = getCookie(c, COOKIE);
    if (id) sessions.signOut(id);
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/sign-in', 303);
  });

  // Everything else needs a session (or a bearer token, for scripts).
  app.use('*', async (c, next) => {
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const role = bearer !== undefined ? roleOf(bearer) : undefined;
    const session = role ? { role, name: role } : sessions.get(getCookie(c, COOKIE) ?? '');
    if (!session) {
      if (c.req.method === 'GET' && !c.req.header('hx-request')) return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      return c.text('sign in first: the session has expired or is unknown', 401, { 'hx-redirect': '/sign-in' });
    }
    c.set('session', session);
    await next();
  });

  app.get('/', async (c) => {
    const session = c.get('session');
    const filters = {
      q: (c.req.query('q') ?? '').slice(0, MAX_FILTER).trim(),
      state: (c.req.query('state') ?? '').slice(0, MAX_FILTER) || undefined,
      account: (c.req.query('account') ?? '').slice(0, MAX_FILTER).trim() || undefined,
    };
    try {
      const rows = await opts.negotiations.list({ state: filters.state, account: filters.account, limit: LIST_LIMIT });
      const q = filters.q.toLowerCase();
      const shown = q
        ? rows.filter((r) => [r.negotiationId, r.summary ?? '', r.agreed?.instanceType ?? ''].some((s) => s.toLowerCase().includes(q)))
        : rows;
      return c.html(listPage(session, shown, filters));
    } catch (err) {
      return c.html(listPage(session, [], filters, `Temporal visibility did not answer: ${(err as Error).message}`), 502);
    }
  });

  const negotiationId = (c: Context<Env>) => {
    const id = c.req.param('id') ?? '';
    return NEGOTIATION_ID.test(id) ? id : undefined;
  };
  const render = (c: Context<Env>, view: NegotiationView, extra: { form?: FormState; notice?: string } = {}, status = 200) => {
    const session = c.get('session');
    const o = { newUpdateId: randomUUID, webUiUrl: opts.webUiUrl(view.negotiationId), ...extra };
    return c.html(c.req.header('hx-request') ? negotiationBody(view, session, o) : negotiationPage(view, session, o), status as 200);
  };
  const show = async (c: Context<Env>, id: string): Promise<NegotiationView | Response> => {
    try {
      return await opts.negotiations.show(id);
    } catch (err) {
      const missing = (err as Error).name === 'WorkflowNotFoundError';
      return c.html(
        problemPage(
          c.get('session'),
          missing ? 'No such negotiation' : 'Temporal did not answer',
          missing ? `There is no negotiation ${id}.` : (err as Error).message,
        ),
        missing ? 404 : 502,
      );
    }
  };

  app.get('/negotiations/:id', async (c) => {
    const id = negotiationId(c);
    if (!id) return c.html(problemPage(c.get('session'), 'No such negotiation', 'A negotiation id is letters, digits, and . _ : -'), 404);
    const view = await show(c, id);
    return view instanceof Response ? view : render(c, view);
  });
  // The page polls with what it shows; "nothing new" (204) leaves the page, and whatever is typed in it, alone.
  app.get('/negotiations/:id/live', async (c) => {
    const id = negotiationId(c);
    if (!id) return c.body(null, 404);
    const view = await show(c, id);
    if (view instanceof Response) return view;
    return fingerprint(view) === c.req.query('since') ? c.body(null, 204) : render(c, view);
  });

  for (const action of ACTIONS) {
    app.post(`/negotiations/:id/${action}`, async (c) => {
      const session = c.get('session');
      const id = negotiationId(c);
      if (!id) return c.html(problemPage(session, 'No such negotiation', 'A negotiation id is letters, digits, and . _ : -'), 404);
      if (session.role !== 'operator')
        return c.html(problemPage(session, 'Viewers read only', 'Sign in with the operator token to negotiate.'), 403);
      const form = await formOf(c);
      const parsed = parseAction(action, form);
      const refused = async (errors: Record<string, string>) => {
        const view = await show(c, id);
        if (view instanceof Response) return view;
        return render(c, view, { form: { action, proposalId: form.proposalId, values: form, errors } }, 422);
      };
      if (!parsed.ok) return refused(parsed.errors);
      try {
        const view = await send(opts.negotiations, id, parsed.value, session.name, parsed.updateId);
        return render(c, view, { notice: noticeOf(parsed.value, view) });
      } catch (err) {
        if (err instanceof NegotiationClosed) return refused({ general: err.message });
        // Refusals of the workflow (typed failures from the client) go next to the field they name.
        const message = (err as Error).message;
        if (err instanceof MosaicWorkflowError) return refused({ [fieldOf(action, message)]: message });
        throw err;
      }
    });
  }

  app.notFound((c) => c.text('not found', 404));
  app.onError((err, c) => {
    // Refusals of the middleware (a cross-site form: 403) are answers, not failures.
    if (err instanceof HTTPException) return err.getResponse();
    // The page says what went wrong; the stack stays in the server's log.
    process.stderr.write(`mosaic console: ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}\n`);
    return c.text(`the console could not do that: ${err.message}`, 500);
  });
  return app;
}

function send(client: NegotiationClient, id: string, action: ActionBody, by: string, updateId: string): Promise<NegotiationView> {
  switch (action.action) {
    case 'accept':
      return client.feedback(id, 'accept', { ...action.body, by }, updateId);
    case 'reject':
      return client.feedback(id, 'reject', { ...action.body, by }, updateId);
    case 'modify':
      return client.feedback(id, 'modify', { ...action.body, by }, updateId);
    case 'constrain':
      return client.feedback(id, 'addConstraints', { ...action.body, by }, updateId);
    case 'answer':
      return client.answerQuestions(id, action.body.answers, by, updateId);
  }
}

function noticeOf(action: ActionBody, view: NegotiationView): string {
  const last = view.history[view.history.length - 1];
  const done: Record<Action, string> = {
    accept: 'Accepted',
    reject: 'Rejected',
    modify: 'Modified',
    constrain: 'Constraints added',
    answer: 'Answered',
  };
  return `${done[action.action]}${last ? `: ${last.detail}` : ''}`;
}

async function formOf(c: Context<Env>): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
}

/** Only a path of this console: a sign-in link cannot send someone elsewhere. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[A-Za-z0-9/._:%-]*$/.test(next) ? next : '/';
}

export async function serveConsole(opts: ConsoleOptions): Promise<ConsoleServer> {
  const app = consoleApp(opts);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUse(opts.port, '--port') : err));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
