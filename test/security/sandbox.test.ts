import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { eventually } from '../harness/eventually';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

const tag = randomUUID().slice(0, 8);
// A credential of the worker's user, outside anything a step made: what a hostile script would have a later step read and delete.
const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-victim-'));
const secret = path.join(secretDir, 'id_ed25519');

// Registered user handlers written as an attacker would: each tries to get
// the host to act outside the step's own resources, or to outlast its budget.
const HANDLERS: Record<string, { source: string; timeoutMs?: number }> = {
  'name-paths': {
    source: `async function handle(input, host) {
      const names = ['../../../../../../tmp/escape-${tag}', '/tmp/escape-${tag}', 'ok/../../escape-${tag}', '..', '.', 'x'.repeat(5000),
        'Escape-${tag}', 'nul\\u0000${tag}', '', 'a\\\\..\\\\b', ' spaced ', 'tab\\tname'];
      const answers = [];
      for (const name of names) {
        try { await host['provider.createBucket'](name); answers.push('made'); }
        catch (e) { answers.push(e.message.includes('a name, never a path') ? 'refused' : 'other'); }
      }
      try { await host['provider.createBucket']('fine-name', '/etc'); answers.push('made'); } catch (e) { answers.push('refused'); }
      return { answers: answers.join(',') };
    }`,
  },
  'secret-file': {
    source: `function handle() { return { endpoint: 'here', secretFile: ${JSON.stringify(secret)} } }`,
  },
  'climb-out': {
    source: `async function handle(input, host) {
      const ref = await host['provider.createBucket']('climber-${tag}');
      return { endpoint: ref.id + '/../../secrets/anything.json' };
    }`,
  },
  'huge-output': { source: `function handle() { return { endpoint: 'x'.repeat(6e6) } }` },
  'make-then-throw': {
    source: `async function handle(input, host) {
      for (const n of ['made-1', 'made-2', 'made-3']) await host['provider.createBucket'](n + '-${tag}');
      throw new Error('changed my mind');
    }`,
  },
  'flood-buckets': {
    source: `async function handle(input, host) { for (let i = 0; ; i++) await host['provider.createBucket']('flood-' + i + '-${tag}'); }`,
  },
  'keep-then-later-fails': {
    source: `async function handle(input, host) { const ref = await host['provider.createBucket']('kept-${tag}'); return { endpoint: ref.id } }`,
  },
  'fail-later': { source: `function handle() { throw new Error('the later stage fails') }` },
  burn: {
    source: `async function handle(input, host) { await host['provider.createBucket']('burning-${tag}'); for (;;) {} }`,
    timeoutMs: 10_000,
  },
};

// Which handlers each account's policy runs, after validate-request.
const PIPELINES: Record<string, string[]> = {
  'name-paths': ['name-paths@1'],
  'secret-file': ['secret-file@1', 'encrypt-at-rest@1'],
  'climb-out': ['climb-out@1', 'encrypt-at-rest@1'],
  'huge-output': ['huge-output@1'],
  'make-then-throw': ['make-then-throw@1'],
  'flood-buckets': ['flood-buckets@1'],
  'later-fails': ['keep-then-later-fails@1', 'fail-later@1'],
  burn: ['burn@1'],
  unrelated: ['provision-bucket@1'],
};

describe('the sandbox holds against a hostile handler', () => {
  let w: TestWorker;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-sandbox-attack-'));
  const buckets = path.join(dataDir, 'resources', 'buckets');
  const admin = generateKeyPair();
  const secretText = `-----BEGIN OPENSSH PRIVATE KEY----- ${randomUUID()}`;

  beforeAll(async () => {
    fs.writeFileSync(secret, secretText, { mode: 0o600 });
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/sandbox_attack_${tag}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    const g = w.client.governance;
    for (const [id, { source, timeoutMs = 5000 }] of Object.entries(HANDLERS)) {
      const descriptor = {
        id,
        version: '1',
        resourceTypes: ['bucket'],
        requires: id === 'fail-later' ? ['endpoint'] : ['validated'],
        provides: id === 'fail-later' ? ['finished'] : ['endpoint'],
        undo: true,
        timeoutMs,
        retry: { maximumAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000 },
        hostCapabilities: ['provider.createBucket', 'log'],
        code: { kind: 'script', source },
      };
      await g.change({ operation: 'handler.register', descriptor }, admin.privateKeyPem);
    }
    for (const [account, handlers] of Object.entries(PIPELINES)) {
      const stages = [{ name: 'validate', candidates: ['validate-request@1'] }];
      handlers.forEach((ref, i) => stages.push({ name: `step${i}`, after: [i ? `step${i - 1}` : 'validate'], candidates: [ref] } as never));
      const policy = stringify({
        apiVersion: 'mosaic/v1',
        kind: 'CompositionPolicy',
        metadata: { name: `attack-${account}`, version: 1 },
        spec: { match: `request.resourceType == "bucket" && request.account == "${account}"`, stages },
      });
      await g.change({ operation: 'policy.apply', source: signYaml(policy, admin.privateKeyPem) }, admin.privateKeyPem);
    }
  }, 240_000);

  afterAll(async () => {
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(secretDir, { recursive: true, force: true });
  });

  const compose = (account: string) =>
    w.client.compose({
      requestId: `${account}-${randomUUID().slice(0, 8)}`,
      user: 'mallory',
      account,
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: `for-${account}` },
    });
  const bucketsLeft = (prefix: string) => (fs.existsSync(buckets) ? fs.readdirSync(buckets).filter((b) => b.startsWith(prefix)) : []);
  const escaped = () =>
    [os.tmpdir(), dataDir, path.join(dataDir, 'resources'), '/']
      .filter((dir) => fs.existsSync(dir))
      .flatMap((dir) => fs.readdirSync(dir).filter((e) => e.includes(`scape-${tag}`)));

  it('refuses every bucket name that is not an identifier, and nothing lands anywhere', async () => {
    const result = await (await compose('name-paths')).result();
    expect(result.outputs.answers).toBe(Array(13).fill('refused').join(','));
    expect(escaped()).toEqual([]);
    expect(bucketsLeft('')).toEqual([]);
  });

  it.each([
    ['secret-file', 'secretFile'],
    ['climb-out', 'endpoint'],
  ])(
    'refuses an output (%s) that names a file outside what the step made; the file is untouched and what it made is removed',
    async (account, field) => {
      const failure = await failureOf((await compose(account)).result());
      expect(failure.message).toContain(
        `failed in stage step0: sandbox (invalid-output): the output names files outside what this step made: ${field} (`,
      );
      expect(fs.readFileSync(secret, 'utf8')).toBe(secretText);
      expect(fs.readdirSync(secretDir)).toEqual(['id_ed25519']);
      expect(bucketsLeft('climber-')).toEqual([]);
    },
  );

  it('refuses a 6 MB output before the worker handles it, and serves on', async () => {
    const failure = await failureOf((await compose('huge-output')).result());
    expect(failure.message).toContain(
      'sandbox (invalid-output): the handler returned 6000015 characters of JSON, more than the 262144 bytes',
    );
    expect((await (await compose('unrelated')).result()).outputs.endpoint).toContain(buckets);
  });

  it('removes what a script made when the script fails', async () => {
    const failure = await failureOf((await compose('make-then-throw')).result());
    expect(failure.message).toContain('sandbox (error): changed my mind');
    expect(bucketsLeft('made-')).toEqual([]);
  });

  it('stops a flood of resources at the bound and removes the lot', async () => {
    const failure = await failureOf((await compose('flood-buckets')).result());
    expect(failure.message).toContain('sandbox (error): provider.createBucket: a script may make at most 16 resources in one step');
    expect(bucketsLeft('flood-')).toEqual([]);
  });

  it('removes what a script made when a later stage fails', async () => {
    const handle = await compose('later-fails');
    const failure = await failureOf(handle.result());
    expect(failure.message).toContain('fail-later@1 failed in stage step1: sandbox (error): the later stage fails');
    expect(bucketsLeft('kept-')).toEqual([]);
    expect((await handle.progress()).steps.find((s) => s.ref === 'keep-then-later-fails@1')?.status).toBe('compensated');
  });

  it('serves an unrelated composition to the end while a guest burns its budget, then ends the guest as a violation', async () => {
    const burning = await compose('burn');
    // The guest made its marker and is in its loop.
    await eventually(async () => expect(bucketsLeft('burning-')).toHaveLength(1), 60_000);
    const unrelated = await (await compose('unrelated')).result();
    expect(unrelated.outputs.endpoint).toContain(buckets);
    expect((await burning.describe()).status.name).toBe('RUNNING');

    const failure = await failureOf(burning.result());
    expect(failure.message).toContain('burn@1 failed in stage step0: sandbox (timeout)');
    const history = await burning.fetchHistory();
    const failed = history.events!.map((e) => e.activityTaskFailedEventAttributes?.failure).find(Boolean);
    expect(failed?.applicationFailureInfo).toMatchObject({ type: 'SandboxViolation', nonRetryable: true });
    expect(bucketsLeft('burning-')).toEqual([]);
  }, 90_000);
});
