import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

const HANDLERS: Record<string, string> = {
  'tag-bucket': `async function handle(input, host) {
    const ref = await host['provider.createBucket'](input.request.spec.name);
    await host.log('made ' + ref.id);
    return { endpoint: ref.id, madeBy: 'script' };
  }`,
  'loop-forever': 'function handle() { while (true) {} }',
  'memory-bomb': 'function handle() { const a = []; while (true) a.push(new Array(10000).fill("x")); }',
  'reach-process': 'function handle() { return process.env; }',
  'reach-require': 'function handle() { return require("fs").readFileSync("/etc/passwd", "utf8"); }',
  'reach-network': 'async function handle() { return await fetch("http://127.0.0.1:1/"); }',
  'ungranted-host': 'async function handle(input, host) { return await host["provider.createKey"]("k"); }',
  // Escape attempts: reach the host's realm through the API objects, or exhaust it.
  'pollute-host': `async function handle(input, host) {
    const attempts = [
      () => { Object.prototype.polluted = 'yes'; },
      () => { Object.getPrototypeOf(host).polluted = 'yes'; },
      () => { Object.getPrototypeOf(host.log).call = null; },
      () => { host.log.polluted = 'yes'; },
      () => { host.__proto__ = { log: () => 'hijacked' }; },
    ];
    for (const attempt of attempts) { try { attempt(); } catch (e) {} }
    await host.log('polluted');
    return { endpoint: 'inside', saw: String(({}).polluted) };
  }`,
  'constructor-escape': 'function handle(input, host) { return host.log.constructor.constructor("return process")().env; }',
  'deep-recursion': 'function handle() { const f = (n) => f(n + 1) + 1; return f(0); }',
  'huge-allocation': 'function handle() { return { endpoint: "x".repeat(2 ** 28) }; }',
  'flood-host': 'async function handle(input, host) { for (;;) await host.log("again"); }',
};

// User handlers run in QuickJS with only what their registry entry grants;
// every escape attempt ends that handler with SandboxViolation, and the worker
// goes on serving.
describe('sandboxed user handlers inside compositions', () => {
  let w: TestWorker;
  let dataDir: string;
  const admin = generateKeyPair();

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-sandbox-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/sandbox_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    const g = w.client.governance;
    for (const [id, source] of Object.entries(HANDLERS)) {
      const descriptor = {
        id,
        version: '1',
        resourceTypes: ['bucket'],
        requires: ['validated'],
        provides: ['endpoint'],
        undo: true,
        timeoutMs: 5000,
        retry: { maximumAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000 },
        hostCapabilities: id === 'tag-bucket' ? ['provider.createBucket', 'log'] : ['log'],
        code: { kind: 'script', source },
      };
      await g.change({ operation: 'handler.register', descriptor }, admin.privateKeyPem);
      // One policy per handler, chosen by the request's account.
      const policy = stringify({
        apiVersion: 'mosaic/v1',
        kind: 'CompositionPolicy',
        metadata: { name: `use-${id}`, version: 1 },
        spec: {
          match: `request.resourceType == "bucket" && request.account == "${id}"`,
          stages: [
            { name: 'validate', candidates: ['validate-request@1'] },
            { name: 'provision', after: ['validate'], candidates: [`${id}@1`] },
          ],
        },
      });
      await g.change({ operation: 'policy.apply', source: signYaml(policy, admin.privateKeyPem) }, admin.privateKeyPem);
    }
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const compose = (account: string) =>
    w.client.compose({
      requestId: `${account}-${randomUUID().slice(0, 8)}`,
      user: 'u',
      account,
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'scripted' },
    });

  it('runs a granted host function and returns what the script made', async () => {
    const result = await (await compose('tag-bucket')).result();
    expect(result.outputs).toMatchObject({ madeBy: 'script' });
    expect(fs.existsSync(path.join(result.outputs.endpoint!, '.mosaic.json'))).toBe(true);
    expect(result.resources).toEqual([expect.objectContaining({ kind: 'bucket', provider: 'local' })]);
  });

  it.each([
    ['loop-forever', 'timeout'],
    ['memory-bomb', 'memory'],
    ['reach-process', 'forbidden'],
    ['reach-require', 'forbidden'],
    ['reach-network', 'forbidden'],
    ['ungranted-host', 'forbidden'],
    ['constructor-escape', 'forbidden'],
    ['deep-recursion', 'memory'],
    ['huge-allocation', 'memory'],
  ])('ends %s with SandboxViolation (%s) at once, without retrying', async (id, reason) => {
    const handle = await compose(id);
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('CompositionFailed');
    expect(failure.message).toContain(`${id}@1 failed in stage provision: sandbox (${reason}):`);
    const history = await handle.fetchHistory();
    const attempts = history.events!.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes?.attempt;
    expect(attempts).toBe(1);
    const failed = history.events!.map((e) => e.activityTaskFailedEventAttributes?.failure).find(Boolean);
    expect(failed?.applicationFailureInfo).toMatchObject({ type: 'SandboxViolation', nonRetryable: true });
  });

  it('keeps what a handler does to the host API objects inside the sandbox', async () => {
    const result = await (await compose('pollute-host')).result();
    // The guest saw its own pollution; the worker's realm did not get it.
    expect(result.outputs).toMatchObject({ endpoint: 'inside', saw: 'yes' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof Function.prototype.call).toBe('function');
  });

  it('ends a handler that floods the host with calls within its budget, and undoes nothing twice', async () => {
    const handle = await compose('flood-host');
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('CompositionFailed');
    expect(failure.message).toMatch(/flood-host@1 failed in stage provision: (sandbox \(timeout\)|.*timed out|.*timeout)/i);
  }, 60_000);

  it('keeps serving after every violation', async () => {
    expect((await (await compose('tag-bucket')).result()).outputs.madeBy).toBe('script');
  });
});
