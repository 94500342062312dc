import type { NegotiationClient } from '../../../../src/client/negotiation';
import { consoleApp } from '../../../../src/operator/console/server';

// Sign-in and roles are decided before any negotiation is read: no Temporal client is reached in these paths.
const unreached = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the client must not be reached');
    },
  },
) as NegotiationClient;
const operator = 'o'.repeat(24);
const viewer = 'v'.repeat(24);
const app = consoleApp({ host: '127.0.0.1', port: 0, negotiations: unreached, webUiUrl: (id) => id, tokens: { operator, viewer } });
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
  body: new URLSearchParams(fields).toString(),
});

describe('console sign-in and roles', () => {
  it('sends a browser without a session to the sign-in page, keeping where it was going', async () => {
    const res = await app.request('/negotiations/shop');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Fnegotiations%2Fshop');
  });
  it('refuses a wrong token and never redirects off the console after sign-in', async () => {
    expect((await app.request('/sign-in', form({ token: 'nope', next: '/' }))).status).toBe(403);
    const ok = await app.request('/sign-in', form({ token: viewer, next: '//evil.example/x' }));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
    expect(ok.headers.get('set-cookie')).not.toContain(viewer);
  });
  it('lets a viewer read but not negotiate', async () => {
    const res = await app.request('/negotiations/shop/accept', {
      ...form({ proposalId: 'r1-p1', updateId: '0b8f2c1e-4d7a-4c1b' }),
      headers: { ...form({}).headers, authorization: `Bearer ${viewer}` },
    });
    expect(res.status).toBe(403);
  });
  it('refuses a form posted from another site even with the operator token', async () => {
    const res = await app.request('/negotiations/shop/accept', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', authorization: `Bearer ${operator}` },
      body: 'proposalId=r1-p1',
    });
    expect(res.status).toBe(403);
  });
});
