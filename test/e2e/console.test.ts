import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveConsole, type ConsoleServer } from '../../src/operator/console/server';
import type { NegotiationView } from '../../src/contract/negotiate';
import { findChromium } from '../harness/chromium';
import { eventually } from '../harness/eventually';
import { stopLocalServices } from '../harness/services';
import { startTestWorker, type TestWorker } from '../harness/worker';

/** Written by this test so the pictures in docs/negotiation.md stay current. */
const IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');
const OPERATOR = `operator-${randomUUID()}`;
const VIEWER = `viewer-${randomUUID()}`;

const executablePath = findChromium();
if (!executablePath) {
  process.stderr.write(
    "[console] SKIPPED: no Chromium found (looked for chromium, chromium-browser on PATH); install Debian's `chromium` (scripts/setup.sh does, as root)\n",
  );
}
const describeWithChromium = executablePath ? describe : describe.skip;

// A person negotiates through the page alone: every click below is what someone in a browser does.
describeWithChromium('the negotiation console, driven in headless Chromium', () => {
  let w: TestWorker;
  let dataDir: string;
  let server: ConsoleServer;
  let browser: Browser;
  let operator: BrowserContext;
  let viewer: BrowserContext;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-console-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/console_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
    });
    server = await serveConsole({
      host: '127.0.0.1',
      port: 0,
      negotiations: w.client.negotiations,
      webUiUrl: (id) => w.client.url(id),
      tokens: { operator: OPERATOR, viewer: VIEWER },
    });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    operator = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    viewer = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await w?.stop();
    if (dataDir) {
      await stopLocalServices(dataDir);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const signIn = async (context: BrowserContext, token: string, name: string, next: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${server.url}${next}`);
    // Not signed in: the console sends the person to its sign-in page and back.
    await page.waitForURL(/\/sign-in\?next=/);
    await page.locator('input[name=token]').fill(token);
    await page.locator('input[name=name]').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}${next}`);
    return page;
  };
  const shown = (page: Page) => page.locator('#negotiation');
  /** Both charts are Chart.js charts over the round shown (after a swap as well as on first load). */
  // In the page's own words (a string): this file compiles without the DOM's types.
  const chartsDrawn = (page: Page) =>
    page.waitForFunction(`(() => {
      const canvases = [...document.querySelectorAll('canvas[data-chart]')];
      return canvases.length === 2 && canvases.every((c) => (Chart.getChart(c)?.data.datasets.length ?? 0) > 0);
    })()`);
  const roundOf = async (page: Page) => Number(await shown(page).getAttribute('data-round'));
  /** Click, then wait until the page shows `round` (new proposals); the time between, measured in the page. */
  const clickForRound = async (page: Page, click: () => Promise<void>, round: number, ids: RegExp): Promise<number> => {
    const t0 = await page.evaluate(() => performance.now());
    await click();
    await page.locator(`#negotiation[data-round="${round}"]`).waitFor();
    await page.locator('table.proposals th[scope=col]', { hasText: ids }).first().waitFor();
    return (await page.evaluate(() => performance.now())) - t0;
  };

  it('reject, add a constraint, modify and accept through the page; provisioned once; viewers read only', async () => {
    const negotiationId = `console-${randomUUID().slice(0, 8)}`;
    const { workflowId, consoleUrl } = await w.client.negotiations.start({
      negotiationId,
      user: 'alice',
      account: `acct-${randomUUID().slice(0, 8)}`,
      workload: { kind: 'text', text: 'run a medium-sized e-commerce website with a nightly report' },
      limits: { roundTimeout: '1 hour', deadline: '7 days', maxRounds: 20, roundsPerRun: 10 },
      observe: { window: '1 day', threshold: 0.3 },
    });
    const pagePath = new URL(consoleUrl).pathname;
    expect(pagePath).toBe(`/negotiations/${negotiationId}`);
    const first = await eventually(async () => {
      const v = await w.client.negotiations.show(workflowId);
      if (v.status !== 'awaiting-feedback') throw new Error(`still ${v.status}`);
      return v;
    }, 60_000);

    const page = await signIn(operator, OPERATOR, 'dana', pagePath);
    // What the page's scripts get wrong shows here: a script error, or something the CSP had to refuse.
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => {
      // The refused form below is answered 422 on purpose (its errors are in that answer).
      if (m.type() === 'error' && !/favicon/.test(m.location().url) && !/status of 422/.test(m.text()))
        problems.push(`${m.text()} (${m.location().url})`);
    });
    const paint = await page.evaluate<{ fcp?: number; response: number; loaded: number }>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { fcp: fcp?.startTime, response: nav.responseEnd - nav.requestStart, loaded: nav.loadEventEnd - nav.startTime };
    })()`);
    // The page shows the round's proposals side by side, with the Accept buttons and both charts drawn.
    for (const p of first.proposals) await page.locator('table.proposals th[scope=col]', { hasText: p.id }).waitFor();
    await chartsDrawn(page);

    // 1. Reject: a structured reason and the words together.
    await page.locator('#reject-form input[name=because][value=cost]').check();
    await page.locator('#reject-form textarea[name=reason]').fill('too expensive for a shop this size');
    const rejectMs = await clickForRound(page, () => page.locator('#reject-form button').click(), 2, /^r2-p/);
    await page.locator('p.notice[role=status]', { hasText: 'Rejected' }).waitFor();
    await page.locator('section.changes', { hasText: 'since round 1' }).waitFor();
    await chartsDrawn(page);
    fs.mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: path.join(IMAGES, 'console-negotiation.png'), fullPage: false });
    await page.locator('section.charts').screenshot({ path: path.join(IMAGES, 'console-charts.png') });

    // 2. A constraint, in words Mosaic offers as suggestions.
    await page.locator('#constrain-form input[name=constraints]').fill('no burstable instances');
    const constrainMs = await clickForRound(page, () => page.locator('#constrain-form button').click(), 3, /^r3-p/);
    await page.locator('p.notice[role=status]', { hasText: 'Constraints added' }).waitFor();

    // 3. Modify: first a size nobody can buy, which is refused next to its field with what was typed kept.
    await page.locator('#modify-form select[name=proposalId]').selectOption('r3-p1');
    await page.locator('#modify-form input[name=storageGb]').fill('lots');
    await page.locator('#modify-form button').click();
    const fieldError = page.locator('#modify-form .error[data-field=storageGb]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/whole number of GiB/);
    // Next to the field: directly after the storage size's label, in the modify form.
    expect(await fieldError.evaluate((el) => el.previousElementSibling?.querySelector('input')?.name)).toBe('storageGb');
    expect(await page.locator('#modify-form input[name=storageGb]').inputValue()).toBe('lots');
    expect(await roundOf(page)).toBe(3);
    await page.locator('#modify-form').screenshot({ path: path.join(IMAGES, 'console-field-error.png') });

    await page.locator('#modify-form input[name=storageGb]').fill('120');
    await page.locator('#modify-form select[name=security]').selectOption('kms');
    await page.locator('#modify-form button').click();
    await page.locator('p.notice[role=status]', { hasText: 'Modified: r3-p1' }).waitFor();
    const modified = await w.client.negotiations.show(workflowId);
    expect(modified.proposals.find((p) => p.id === 'r3-p1')).toMatchObject({ security: { level: 'kms' } });

    // The viewer sees the same round, without a single form, and cannot act by posting one either.
    const watching = await signIn(viewer, VIEWER, 'vic', pagePath);
    await watching.locator('#negotiation[data-round="3"]').waitFor();
    expect(await watching.locator('form[action$="/accept"], #reject-form, #modify-form, #constrain-form').count()).toBe(0);
    const viewerPost = await watching.evaluate(
      async ([url]) =>
        (await fetch(url!, { method: 'POST', body: new URLSearchParams({ updateId: crypto.randomUUID(), proposalId: 'r3-p1' }) })).status,
      [`${pagePath}/accept`],
    );
    expect(viewerPost).toBe(403);

    // 4. Accept with a double click; then the browser retries the very same form (same update id).
    const acceptForm = page.locator('form[action$="/accept"]', { has: page.locator('[data-accept="r3-p1"]') });
    // The form's own fields, read in the page (this file compiles without the DOM's types).
    const sent = await acceptForm.evaluate((f) =>
      Object.fromEntries(
        [...f.querySelectorAll('input')].map((i) => [i.getAttribute('name') ?? '', (i as unknown as { value: string }).value]),
      ),
    );
    await page.locator('[data-accept="r3-p1"]').dblclick();
    await page.locator('p.notice[role=status]', { hasText: 'Accepted: r3-p1' }).waitFor();
    const retried = await page.evaluate(
      async ([url, body]) => {
        const r = await fetch(url as string, { method: 'POST', body: new URLSearchParams(body as Record<string, string>) });
        return { status: r.status, text: await r.text() };
      },
      [`${pagePath}/accept`, sent] as const,
    );
    expect(retried.status).toBe(200);
    expect(retried.text).toContain('Accepted: r3-p1');

    // Live refresh carries the page on to the provisioned instance without a click.
    await page.locator('#negotiation[data-status="observing"]').waitFor({ timeout: 60_000 });
    const done: NegotiationView = await w.client.negotiations.show(workflowId);
    expect(done.agreed?.id).toBe('r3-p1');
    expect(done.history.filter((h) => h.event === 'accepted')).toHaveLength(1);
    const history = await w.client.temporal.workflow.getHandle(workflowId).fetchHistory();
    const provisioning = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'provisionInstance',
    );
    expect(provisioning).toHaveLength(1);
    expect(done.history.filter((h) => h.event === 'provisioned')).toHaveLength(1);

    expect(problems).toEqual([]);
    process.stderr.write(
      `[console] first contentful paint ${paint.fcp?.toFixed(0)} ms (response ${paint.response.toFixed(0)} ms, load ${paint.loaded.toFixed(0)} ms; target < 300 ms); ` +
        `click to new proposals: reject ${rejectMs.toFixed(0)} ms, constraint ${constrainMs.toFixed(0)} ms (target < 1000 ms)\n`,
    );
  }, 180_000);
});
