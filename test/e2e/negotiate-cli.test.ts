import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { negotiationDemo } from '../../src/operator/demo/negotiation';
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

  it('runs the demo: two rounds of feedback through the CLI, an automated negotiation, and one left waiting', async () => {
    const { workflowId, outcome } = await negotiationDemo(w.client, randomUUID().slice(0, 8));
    expect(outcome).toMatch(
      /^by CLI: \d proposals from \$[\d.]+, rejected their families → \d from \$[\d.]+, "no burstable types" → accepted \S+ \$[\d.]+\/month after 3 rounds \(completed\); by policy: r6[ig]\.\S+ \$[\d.]+\/month after \d rounds \(completed\); waiting for your feedback with \d proposals: http:\/\/\S+\/negotiations\/demo-analytics-\S+$/,
    );
    // The third is left for a person in the console: it waits for feedback, in the region its text names.
    const waitingId = outcome.split('/negotiations/')[1]!;
    const waiting = await mosaic(['negotiate', 'show', waitingId, '--json'], env);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ status: 'awaiting-feedback', round: 1 });
    expect(new Set(JSON.parse(waiting.stdout).proposals.map((p: { region: string }) => p.region))).toEqual(new Set(['eu-west-1']));
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

  it('negotiates in plain words: no persona and a budget, a reason, variant phrases, list, usage, end-observation, cancel', async () => {
    const tag = randomUUID().slice(0, 6);
    const n = w.client.negotiations;
    const started = await mosaic(
      ['negotiate', 'start', '--text', 'a small internal wiki for a team of twenty', '--id', `words-${tag}`, '--account', account].concat([
        '--base-persona',
        'none',
        '--max-monthly-usd',
        '900',
      ]),
      env,
    );
    expect(started.code).toBe(0);
    // The first output says which persona terms apply: here none, and the user's own limit.
    expect(started.stdout).toMatch(/no persona \(basePersona "none"\): no cost tolerance/);
    expect(started.stdout).toMatch(/constraints: at most \$900\/month/);

    const rejected = await mosaic(['negotiate', 'reject', `words-${tag}`, '--reason', 'way too pricey'], env);
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toMatch(/rejected by \S+: because of cost \(read from "way too pricey": cost ← "pricey"\)/);
    expect((await mosaic(['negotiate', 'constrain', `words-${tag}`, 'no burstable instances'], env)).stdout).toMatch(
      /constraints: .*no burstable types/,
    );
    const unknown = await mosaic(['negotiate', 'constrain', `words-${tag}`, 'no burstible boxes'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/"no burstible boxes" is not a constraint I know; did you mean "no burstable types"\?/);

    // Set up through the client what the CLI need not repeat: another negotiation, agreed; a third, waiting.
    const other = await n.start({
      negotiationId: `agreed-${tag}`,
      user: 'dana',
      account,
      workload: { kind: 'text', text: 'a small wiki' },
    });
    const dropped = await n.start({
      negotiationId: `dropped-${tag}`,
      user: 'dana',
      account,
      workload: { kind: 'text', text: 'a small wiki' },
    });
    const ready = async (workflowId: string) => {
      for (;;) {
        const v = await n.show(workflowId);
        if (v.status !== 'analysing') return v;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await n.feedback(other.workflowId, 'accept', { proposalId: (await ready(other.workflowId)).proposals[0]!.id });
    await ready(dropped.workflowId);

    const listed = JSON.parse((await mosaic(['negotiate', 'list', '--account', account, '--json'], env)).stdout) as {
      negotiationId: string;
      state: string;
    }[];
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ negotiationId: `words-${tag}`, state: 'awaiting-feedback' }),
        expect.objectContaining({ negotiationId: `dropped-${tag}`, state: 'awaiting-feedback' }),
      ]),
    );

    // Agree, then report usage: the review follows at once rather than after the observe window (a day by default).
    const shown = JSON.parse((await mosaic(['negotiate', 'show', `words-${tag}`, '--json'], env)).stdout);
    expect((await mosaic(['negotiate', 'accept', `words-${tag}`, shown.proposals[0].id], env)).code).toBe(0);
    const usage = await mosaic(['negotiate', 'usage', `words-${tag}`, '--cpu', '0.1', '--memory-gb', '0.2', '--json'], env);
    expect(usage.code).toBe(0);
    expect(JSON.parse(usage.stdout)).toMatchObject({ status: 'completed', review: { observed: { source: 'reported', cpu: 0.1 } } });
    const bad = await mosaic(['negotiate', 'usage', `words-${tag}`, '--cpu', '-1', '--memory-gb', '1'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cpu must be a number ≥ 0/);

    const ended = await mosaic(['negotiate', 'end-observation', `agreed-${tag}`], env);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/completed, round 1/);
    expect(ended.stdout).toMatch(/observation ended by \S+/);

    const cancelled = await mosaic(['negotiate', 'cancel', `dropped-${tag}`, '--reason', 'project dropped'], env);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(/cancelled, round 1 — cancelled by \S+: project dropped/);
    const again = await mosaic(['negotiate', 'cancel', `dropped-${tag}`], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has ended \(completed\); it no longer takes feedback/);
  }, 300_000);

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
