import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { negotiationDemo } from '../../src/client/demo/negotiation';
import { mosaic } from '../harness/cli';
import { recordLatest } from '../harness/histories';
import { stopLocalServices } from '../harness/services';
import { startTestWorker, type TestWorker } from '../harness/worker';

const ROOT = path.resolve(__dirname, '..', '..');

// What `mosaic demo` shows for negotiation, and the persona marketplace, typed as a user would.
describe('mosaic negotiate and persona from the command line', () => {
  let w: TestWorker;
  let env: NodeJS.ProcessEnv;
  // A data dir of its own: the instances it agrees on are stopped with it, nobody else's.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-negcli-'));
  const account = `acct-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    w = await startTestWorker({
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/negcli_${randomUUID().slice(0, 8)}`,
    });
    env = { MOSAIC_TASK_QUEUE: w.taskQueue };
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    await stopLocalServices(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the demo: two rounds of feedback through the CLI, then an automated negotiation', async () => {
    const { workflowId, outcome } = await negotiationDemo(w.client, randomUUID().slice(0, 8));
    expect(outcome).toMatch(
      /^by CLI: \d proposals from \$[\d.]+, rejected their families → \d from \$[\d.]+, "no burstable types" → accepted \S+ \$[\d.]+\/month after 3 rounds \(completed\); by policy: r6[ig]\.\S+ \$[\d.]+\/month after \d rounds \(completed\)$/,
    );
    const shown = await mosaic(['negotiate', 'show', workflowId, '--json'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).history.map((h: { event: string }) => h.event)).toEqual([
      'proposed',
      'rejected',
      'constrained',
      'accepted',
      'provisioned',
      'reviewed',
    ]);
    const human = await mosaic(['negotiate', 'show', workflowId], env);
    expect(human.stdout).toMatch(/completed, round 3/);
    expect(human.stdout).toMatch(/r3 accepted by /);

    // Feedback after the end fails with exit 1 and says why; a bad option is a usage error.
    const late = await mosaic(['negotiate', 'reject', workflowId], env);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/has ended \(completed\); it no longer takes feedback/);
    expect((await mosaic(['negotiate', 'reject', workflowId, '--because', 'vibes'], env)).code).toBe(2);
    expect((await mosaic(['negotiate', 'modify', workflowId, 'r1-p1', '--storage-gb', '-3'], env)).code).toBe(2);
  }, 180_000);

  it('creates, lists, shows and publishes a persona; versions are immutable and numbered', async () => {
    const who = ['--account', account, '--user', 'dana'];
    const file = path.join(ROOT, 'examples', 'personas', 'shop-frontend.yaml');
    const created = await mosaic(['persona', 'create', file, ...who, '--json'], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'shop-frontend', version: 1, visibility: 'private', account });
    expect(JSON.parse((await mosaic(['persona', 'create', file, ...who, '--json'], env)).stdout)).toMatchObject({ version: 2 });

    // Someone in another account sees the built-ins, not the private persona; after publishing, they see it too.
    const other = ['--account', 'elsewhere', '--user', 'erin'];
    const before = JSON.parse((await mosaic(['persona', 'list', '--role', 'web-server', ...other, '--json'], env)).stdout) as {
      ref: string;
    }[];
    expect(before.map((r) => r.ref)).toEqual(['payments-api@1', 'web-server@1']);
    const published = await mosaic(['persona', 'publish', 'shop-frontend@2', ...who], env);
    expect(published.stdout).toContain('shop-frontend@2 is public');
    const after = JSON.parse((await mosaic(['persona', 'list', '--search', 'storefront', ...other, '--json'], env)).stdout) as {
      ref: string;
    }[];
    expect(after.map((r) => r.ref)).toEqual(['shop-frontend@2']);
    const shown = JSON.parse((await mosaic(['persona', 'show', 'shop-frontend', ...other, '--json'], env)).stdout);
    expect(shown).toMatchObject({ name: 'shop-frontend', version: 2, creator: 'dana', usage: { timesUsed: 0 } });

    const unknown = await mosaic(['persona', 'show', 'nobody-here', ...other], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/UnknownPersona: persona nobody-here does not exist or is not visible/);
    const invalid = await mosaic(
      ['persona', 'create', path.join(ROOT, 'examples', 'negotiations', 'automated-database.json'), ...who],
      env,
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/InvalidPersona: .*name/);
    await recordLatest(w.client.temporal, w.taskQueue, 'managePersonas', 'refused');
  }, 120_000);
});
