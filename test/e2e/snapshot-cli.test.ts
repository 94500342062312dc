import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { freePort, isPortFree } from '../../src/stack/ports';
import { generateKeyPair } from '../../src/security/keys';
import { mosaic } from '../harness/cli';
import { startTestWorker, type TestWorker } from '../harness/worker';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'snapshots');

// The README's snapshot walk-through, typed as a user would, on a copy of the
// examples moved to ports that are free on this machine.
describe('mosaic snapshot from the command line', () => {
  let w: TestWorker;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  // An operator's key file: registering a host is a signed change.
  const admin = generateKeyPair();
  let keyFile: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-snapshot-cli-'));
    fs.cpSync(EXAMPLES, dir, { recursive: true });
    let base = 0;
    while (!base) {
      const p = await freePort();
      if (p < 65000 && (await Promise.all([1, 10, 11].map((d) => isPortFree(p + d)))).every(Boolean)) base = p;
    }
    const move = (file: string) =>
      fs.writeFileSync(
        file,
        fs
          .readFileSync(file, 'utf8')
          .replaceAll('18080', String(base))
          .replaceAll('18090', String(base + 10))
          .replaceAll('18091', String(base + 11)),
      );
    for (const f of [
      'template_a.json',
      'template_b.json',
      'production_server_1.host.json',
      'hosts/production_server_1/var/app/config/app.conf',
    ])
      move(path.join(dir, f));
    const dataDir = path.join(dir, 'data');
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/snapcli_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_SNAPSHOT_MONITOR_SECONDS: '1',
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    env = { MOSAIC_TASK_QUEUE: w.taskQueue };
    keyFile = path.join(dir, 'ops.key');
    fs.writeFileSync(keyFile, admin.privateKeyPem, { mode: 0o600 });
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates templates, registers the host, composes the example, shows its status and cancels it', async () => {
    for (const t of ['template_a', 'template_b']) {
      const created = await mosaic(['snapshot', 'template', 'create', path.join(dir, `${t}.json`), '--json'], env);
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toEqual({ id: t, created: true });
    }
    const list = JSON.parse((await mosaic(['snapshot', 'template', 'list', '--json'], env)).stdout);
    expect(list.map((t: { id: string }) => t.id)).toEqual(['template_a', 'template_b']);
    const hostFile = path.join(dir, 'production_server_1.host.json');
    const registered = await mosaic(['snapshot', 'host', 'register', hostFile, '--key', keyFile, '--json'], env);
    expect(JSON.parse(registered.stdout)).toMatchObject({
      operation: 'host.register',
      target: 'host:production_server_1',
      detail: 'host production_server_1 registered on the local provider',
    });
    // Without a key it is refused as bad usage, before anything is sent.
    expect((await mosaic(['snapshot', 'host', 'register', hostFile], env)).code).toBe(2);
    const hosts = JSON.parse((await mosaic(['snapshot', 'host', 'list', '--json'], env)).stdout);
    expect(hosts).toEqual([expect.objectContaining({ name: 'production_server_1', registeredBy: admin.keyId })]);

    const composed = await mosaic(['snapshot', 'compose', path.join(dir, 'custom-environment.json'), '--json'], env);
    expect(composed.code).toBe(0);
    const result = JSON.parse(composed.stdout);
    expect(result).toMatchObject({ state: 'running', manifest: { name: 'Custom Environment', strategy: 'AI_AGENT' } });
    expect(result.services).toHaveLength(4);

    const status = JSON.parse((await mosaic(['snapshot', 'status', result.workflowId, '--json'], env)).stdout);
    expect(status.state).toBe('running');
    const human = await mosaic(['snapshot', 'status', result.workflowId], env);
    expect(human.stdout).toContain('AI_AGENT:');

    const cancelled = await mosaic(['snapshot', 'cancel', result.workflowId, '--reason', 'done', '--json'], env);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ state: 'cancelled', error: 'done', teardown: { stopped: 4 } });
  });

  it('exits 1 naming the field of a bad manifest, 2 on bad usage, and documents each command', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'x', sources: [{ type: 'template', id: 'a' }], resource_limits: { cpu: 'many' } }));
    const refused = await mosaic(['snapshot', 'compose', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('invalid manifest: resource_limits.cpu: expected a number of cores');
    expect((await mosaic(['snapshot', 'compose'], env)).code).toBe(2);
    for (const command of [['compose'], ['template', 'create'], ['host', 'register']]) {
      const help = await mosaic(['snapshot', ...command, '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Example/);
    }
  });
});
