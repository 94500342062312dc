import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bucketRequest, startComposingWorker } from '../harness/composing-worker';
import { findChromium } from '../harness/chromium';
import type { TestWorker } from '../harness/worker';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const executablePath = findChromium();
if (!executablePath) {
  process.stderr.write(
    "[web-ui] SKIPPED: no Chromium found (looked for chromium, chromium-browser on PATH); install Debian's `chromium` (scripts/setup.sh does, as root)\n",
  );
}
const describeWithChromium = executablePath ? describe : describe.skip;

describeWithChromium('the Temporal Web UI, driven in headless Chromium', () => {
  let w: TestWorker;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    w = await startComposingWorker();
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await w?.stop();
  });

  it('finds a composition by MosaicKind, shows its handler activities and its result', async () => {
    const request = bucketRequest();
    const handle = await w.client.compose(request);
    const result = await handle.result();

    await page.goto(`${w.config.temporal.webUiUrl}/namespaces/${w.config.temporal.namespace}/workflows`);
    // The list shows every kind (other test files run workflows on this server too) until it is filtered.
    await page
      .getByRole('link', { name: /^(policy-apply|compose|health|inspect|snapshot)-/ })
      .first()
      .waitFor();
    await page.getByTestId('toggle-manual-query').click();
    // By kind, and by this test's account so the row is ours among other files' compositions.
    await page.getByTestId('workflow-manual-search-input').fill(`MosaicKind = "compose" AND MosaicAccount = "${request.account}"`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/query=/);
    await page.getByRole('link', { name: handle.workflowId, exact: true }).waitFor();
    await expect(page.getByRole('link', { name: /^policy-apply-/ })).toHaveCount(0);

    await page.getByRole('link', { name: handle.workflowId, exact: true }).click();
    await page.waitForURL(new RegExp(`/workflows/${handle.workflowId}/`));
    const body = page.locator('body');
    await body.getByText('composeResource').first().waitFor();
    for (const step of result.steps) await body.getByText(`${step.stage}: ${step.ref}`).first().waitFor();
    await body.getByText(result.outputs.endpoint!).first().waitFor();

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-composition.png'), fullPage: true });
  }, 120_000);
});

/** Playwright's locator assertions without @playwright/test: poll until the count matches. */
function expect(locator: ReturnType<Page['locator']>) {
  return {
    async toHaveCount(n: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let count = await locator.count();
      while (count !== n && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        count = await locator.count();
      }
      if (count !== n) throw new Error(`expected ${n} of ${String(locator)}, found ${count}`);
    },
  };
}
