import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { mosaic } from '../harness/cli';
import { startTestWorker, type TestWorker } from '../harness/worker';

const ROOT = path.resolve(__dirname, '..', '..');

// The README's policy walk-through, typed as a user would, against a worker
// whose first admin comes from MOSAIC_BOOTSTRAP_ADMIN_KEY.
describe('mosaic policy, keys and audit from the command line', () => {
  let w: TestWorker;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-cli-'));
    const generated = await mosaic(['keys', 'generate', '--out', path.join(dir, 'admin'), '--json']);
    expect(generated.code).toBe(0);
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/cli_${randomUUID().slice(0, 8)}`;
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_BOOTSTRAP_ADMIN_KEY: fs.readFileSync(path.join(dir, 'admin.pub'), 'utf8'),
    });
    env = { MOSAIC_TASK_QUEUE: w.taskQueue };
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates a private key only its owner can read', () => {
    expect(fs.statSync(path.join(dir, 'admin.key')).mode & 0o777).toBe(0o600);
  });

  it('signs, applies, lists, shows, evaluates and audits a policy', async () => {
    const key = path.join(dir, 'admin.key');
    const file = path.join(dir, 'policy.yaml');
    fs.copyFileSync(path.join(ROOT, 'examples', 'policies', 'databases-eu.yaml'), file);

    const unsigned = await mosaic(['policy', 'apply', file, '--key', key], env);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain('is unsigned; sign it first');

    expect((await mosaic(['policy', 'sign', file, '--key', key], env)).code).toBe(0);
    const applied = await mosaic(['policy', 'apply', file, '--key', key, '--json'], env);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ target: 'policy:databases-eu', detail: 'version 1 stored and active' });

    const list = JSON.parse((await mosaic(['policy', 'list', '--json'], env)).stdout);
    expect(list).toEqual([expect.objectContaining({ name: 'databases-eu', activeVersion: 1, versions: 1 })]);

    const shown = JSON.parse((await mosaic(['policy', 'show', 'databases-eu', '--json'], env)).stdout);
    expect(shown.source).toBe(fs.readFileSync(file, 'utf8'));

    const evaluated = await mosaic(
      ['policy', 'evaluate', path.join(ROOT, 'examples', 'contexts', 'database-eu-pci.json'), '--why', 'rds@1'],
      env,
    );
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/provision\s+provision-database@1, postgres-local@1\s/);
    expect(evaluated.stdout).toContain('forbade rds@1');

    const audit = JSON.parse((await mosaic(['audit', '--json', '--key', key], env)).stdout) as { operation: string; result: string }[];
    expect(audit.map((e) => `${e.operation}:${e.result}`)).toEqual(['policy.apply:allowed', 'role.grant:allowed']);
  }, 120_000);

  it('names the failure type when a key without a role tries a change', async () => {
    await mosaic(['keys', 'generate', '--out', path.join(dir, 'nobody')]);
    const denied = await mosaic(['policy', 'activate', 'databases-eu', '1', '--key', path.join(dir, 'nobody.key')], env);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^mosaic: UnknownActor: key ed25519:\S+ belongs to no registered actor/);
  }, 60_000);

  it('refuses a bad policy file before sending it, with line and column', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      bad,
      fs
        .readFileSync(path.join(ROOT, 'examples', 'policies', 'databases-eu.yaml'), 'utf8')
        .replace('candidates: [validate-request@1]', 'candidate: [validate-request@1]'),
    );
    const result = await mosaic(['policy', 'validate', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /PdlValidationError: line \d+, column \d+: unknown field "candidate" in spec\.stages\.0; did you mean "candidates"\?/,
    );
  }, 60_000);

  it('checks handler references and the signature against the registry when it reaches one, and says when it cannot', async () => {
    const key = path.join(dir, 'admin.key');
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'policies', 'default-composition.yaml'), 'utf8');
    const draft = path.join(dir, 'unknown-ref.yaml');
    fs.writeFileSync(draft, source.replace('candidates: [notify@1]', 'candidates: [notify@1, no-such-handler@9]'));
    const unknown = await mosaic(['policy', 'validate', draft], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/UnknownHandlerReference: line \d+, column \d+: handler no-such-handler@9 is not registered/);

    const signed = path.join(dir, 'default.yaml');
    fs.writeFileSync(signed, source);
    expect((await mosaic(['policy', 'sign', signed, '--key', key], env)).code).toBe(0);
    const valid = await mosaic(['policy', 'validate', signed, '--json'], env);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ references: { checked: true }, signature: { status: 'verified' } });

    const tampered = path.join(dir, 'tampered.yaml');
    fs.writeFileSync(tampered, fs.readFileSync(signed, 'utf8').replace('priority: 0', 'priority: 5'));
    const forged = await mosaic(['policy', 'validate', tampered], env);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/SignatureInvalid: .*changed after signing/);

    const away = await mosaic(['policy', 'validate', tampered], { ...env, MOSAIC_TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(away.code).toBe(0);
    expect(away.stdout).toMatch(/handler references: not checked: Temporal is not reachable at 127\.0\.0\.1:1/);
    expect(away.stdout).toMatch(/signature: present \(ed25519:\S+\) but not verified/);
    const offline = await mosaic(['policy', 'validate', draft, '--offline', '--json']);
    expect(JSON.parse(offline.stdout)).toMatchObject({
      references: { checked: false, note: 'not checked (--offline)' },
      signature: { status: 'unsigned' },
    });
  }, 120_000);
});
