import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { serveCodec, type CodecServer } from '../../src/operator/codec-server';
import { bucketRequest, startComposingWorker } from '../harness/composing-worker';
import { findChromium } from '../harness/chromium';
import type { TestWorker } from '../harness/worker';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const TOKEN = randomBytes(24).toString('hex');
const executablePath = findChromium();
if (!executablePath) {
  process.stderr.write(
    "[web-ui-codec] SKIPPED: no Chromium found (looked for chromium, chromium-browser on PATH); install Debian's `chromium` (scripts/setup.sh does, as root)\n",
  );
}
const describeWithChromium = executablePath ? describe : describe.skip;

describeWithChromium('the Temporal Web UI with the codec server, driven in headless Chromium', () => {
  let w: TestWorker;
  let browser: Browser;
  let codec: CodecServer;
  let codecUrl: string;

  beforeAll(async () => {
    w = await startComposingWorker({ MOSAIC_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}` });
    codec = await serveCodec({
      host: '127.0.0.1',
      port: 0,
      keys: w.config.payloadKeys,
      token: TOKEN,
      uiOrigin: new URL(w.config.temporal.webUiUrl).origin,
    });
    // The same host name as the UI (localhost), so the session cookie is same-site.
    codecUrl = codec.url.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await codec?.close();
    await w?.stop();
  });

  /** A browser profile whose UI uses the codec server with cross-origin credentials, as its settings dialog stores it. */
  async function viewer(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // The machine is shared: the UI's first load can take longer than Playwright's 30 s default.
    context.setDefaultTimeout(90_000);
    const settings = { endpoint: JSON.stringify(codecUrl), includeCredentials: 'true', overrideRemoteCodecConfiguration: 'true' };
    await context.addInitScript(
      Object.entries(settings)
        .map(([key, value]) => `localStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
        .join('\n'),
    );
    return context;
  }

  it('shows the decrypted result to a viewer signed in with the token, and none to one without', async () => {
    const handle = await w.client.compose(bucketRequest());
    const result = await handle.result();
    const workflowPage = `${w.config.temporal.webUiUrl}/namespaces/${w.config.temporal.namespace}/workflows/${handle.workflowId}`;

    const stranger = await viewer();
    try {
      const page = await stranger.newPage();
      const refused = page.waitForResponse((r) => r.url().startsWith(`${codecUrl}/decode`) && r.request().method() === 'POST');
      await page.goto(workflowPage);
      expect((await refused).status()).toBe(401);
    } finally {
      await stranger.close();
    }

    const signedIn = await viewer();
    try {
      const page = await signedIn.newPage();
      await page.goto(`${codecUrl}/`);
      await page.locator('input[name=token]').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Signed in').waitFor();

      const decoded = page.waitForResponse((r) => r.url().startsWith(`${codecUrl}/decode`) && r.status() === 200);
      await page.goto(workflowPage);
      await decoded;
      await page.locator('body').getByText(result.outputs.endpoint!).first().waitFor();
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'web-ui-codec-decoded.png'), fullPage: true });
    } finally {
      await signedIn.close();
    }
  }, 240_000);
});
