import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { execFileSync, spawnSync } from 'node:child_process';
import { hostModel, templateModel } from '../../src/models/snapshot';
import { SERVICE_USER } from '../../src/providers/service-user';
import { stopLocalServices } from '../../src/providers/local-services';
import { LocalWorkspace } from '../../src/providers/local-workspace';
import { freePort } from '../../src/stack/ports';
import { processDirectories } from '../../src/stack/daemon';
import { generateKeyPair } from '../../src/security/keys';
import { failureOf } from '../harness/failures';
import { registerCommand, registerHost } from '../harness/governed';
import { applyDefaultPolicy } from '../harness/policies';
import { startTestWorker, type TestWorker } from '../harness/worker';

// A service that answers every request with its whole environment: what a hostile command would read.
const ENV_DUMP = [
  process.execPath,
  '-e',
  "require('node:http').createServer((q,r)=>r.end(JSON.stringify(process.env))).listen(+process.env.PORT,'127.0.0.1')",
];
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

// What Mosaic starts or writes for a request gets only what it needs: no
// worker secret in a service's environment, no setuid or world-writable file,
// no copy of a worker file outside the template files root, and no host
// silently re-pointed at another root.
describe('least privilege for what Mosaic starts', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-privilege-'));
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/privilege_${randomUUID().slice(0, 8)}`;
  // Secrets in the worker's own environment, as a deployment would have them.
  const planted = { AWS_SECRET_ACCESS_KEY: `canary-${randomUUID()}`, MOSAIC_CANARY_TOKEN: `canary-${randomUUID()}` };

  // Secrets the worker keeps in its data dir, as it writes them (0600); the data dir opened up to 0755 to make it harder.
  const keyFile = path.join(dataDir, 'keys', 'operator.key');
  const tokenFile = path.join(dataDir, 'codec-token');

  beforeAll(async () => {
    Object.assign(process.env, planted);
    // What scripts/setup.sh does on a root machine; a no-op elsewhere or when the user exists.
    execFileSync('bash', [path.resolve(__dirname, '../../scripts/create-service-user.sh')], { stdio: 'ignore' });
    fs.chmodSync(dataDir, 0o755);
    fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(keyFile, `canary-${randomUUID()}`, { mode: 0o600 });
    fs.writeFileSync(tokenFile, `canary-${randomUUID()}`, { mode: 0o600 });
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dataDir, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
    await applyDefaultPolicy(w.client, admin);
  }, 120_000);

  afterAll(async () => {
    for (const k of Object.keys(planted)) delete process.env[k];
    // Composed services outlive their compositions by design; the test ends those it started.
    await stopLocalServices(dataDir);
    await db?.close();
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const noSecretIn = (env: Record<string, string>) => {
    expect(Object.values(env)).not.toEqual(expect.arrayContaining(Object.values(planted)));
    expect(Object.keys(env).filter((k) => /^(AWS_|MOSAIC_(?!SERVICE_NAME$))/.test(k) || /KEY|TOKEN|SECRET|PASSWORD/i.test(k))).toEqual([]);
  };

  it("a composed service's environment is an allow-list: none of the worker's secrets", async () => {
    const handle = await w.client.compose({
      requestId: `env-${randomUUID().slice(0, 8)}`,
      user: 'mallory',
      account: 'acct-env',
      region: 'us-east-1',
      resourceType: 'service',
      spec: { name: 'env-dump', command: await registerCommand(w.client, admin, ENV_DUMP) },
    });
    const result = await handle.result();
    const service = result.resources.find((r) => r.kind === 'service')!;
    const env = (await (await fetch(service.attributes.url!)).json()) as Record<string, string>;
    expect(env).toMatchObject({ MOSAIC_SERVICE_NAME: 'env-dump', PORT: service.attributes.port });
    noSecretIn(env);
  });

  it("a composed service runs as mosaic-svc and cannot read the data dir's key and token files", async () => {
    // The attacker's service: on each request it tries to read the worker's secrets, by path and by climbing from its directory.
    const STEAL = [
      process.execPath,
      '-e',
      "const fs=require('node:fs');require('node:http').createServer((q,r)=>{const out={uid:process.getuid(),reads:{}};for(const p of process.argv.slice(1)){try{out.reads[p]=fs.readFileSync(p,'utf8')}catch(e){out.reads[p]=e.code}}r.end(JSON.stringify(out))}).listen(+process.env.PORT,'127.0.0.1')",
      keyFile,
      tokenFile,
      '../../../keys/operator.key',
      path.join(dataDir, 'resources', 'keys'),
    ];
    const result = await (
      await w.client.compose({
        requestId: `steal-${randomUUID().slice(0, 8)}`,
        user: 'mallory',
        account: 'acct-steal',
        region: 'us-east-1',
        resourceType: 'service',
        spec: { name: 'steal', command: await registerCommand(w.client, admin, STEAL), memoryMb: 256 },
      })
    ).result();
    const service = result.resources.find((r) => r.kind === 'service')!;
    const seen = (await (await fetch(service.attributes.url!)).json()) as { uid: number; reads: Record<string, string> };
    const root = process.getuid!() === 0;
    if (root) {
      expect(seen.uid).not.toBe(0);
      expect(service.attributes.runsAs).toMatch(new RegExp(`^services run as ${SERVICE_USER} \\(uid ${seen.uid}`));
      expect(Object.values(seen.reads)).toEqual(['EACCES', 'EACCES', 'EACCES', 'EACCES']);
    } else {
      // Not root: it cannot drop to another user, and says so rather than pretend.
      expect(service.attributes.runsAs).toMatch(/services run as the worker's own user/);
    }
    // Held to its allocation by rlimits (provision-service@1), set by the service's own process before its exec: no capability is
    // needed, so they hold for mosaic-svc under a root worker without CAP_SYS_RESOURCE. Read back from the kernel, not the status.
    const prlimit = spawnSync('prlimit', ['--version']).status === 0;
    if (prlimit) {
      expect(service.attributes.limits).toMatch(/^rlimit RLIMIT_DATA=256MiB, RLIMIT_NOFILE=1024, RLIMIT_CORE=0, cpu not enforced/);
      const limits = fs.readFileSync(`/proc/${service.attributes.pid}/limits`, 'utf8');
      expect(limits).toMatch(new RegExp(`Max data size\\s+${256 * 2 ** 20}\\s+${256 * 2 ** 20}`));
      expect(limits).toMatch(/Max open files\s+1024\s+1024/);
      expect(limits).toMatch(/Max core file size\s+0\s+0/);
    } else expect(service.attributes.limits).toMatch(/^memory not enforced \(no prlimit\), cpu not enforced/);
  });

  it('a snapshot service gets no worker secret; composed files lose setuid, setgid and world-writable bits', async () => {
    const port = await freePort();
    const id = `privilege_${randomUUID().slice(0, 6)}`;
    await w.client.snapshots.catalog({
      operation: 'template.create',
      template: {
        id,
        resources: [
          { kind: 'file', path: '/usr/local/bin/rootshell', content: '#!/bin/sh\n', hash: sha256('#!/bin/sh\n'), size: 10, mode: 0o6777 },
          { kind: 'service', name: 'dump', command: await registerCommand(w.client, admin, ENV_DUMP), ports: [port] },
        ],
      },
    });
    const handle = await w.client.snapshots.compose({
      name: 'privilege',
      sources: [{ type: 'template', id }],
      conflict_resolution: 'FIRST_WIN',
    });
    await w.client.snapshots.waitFor(handle, ['running']);
    try {
      const env = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as Record<string, string>;
      noSecretIn(env);
      const file = path.join(new LocalWorkspace(dataDir).dir(handle.workflowId), 'fs', 'usr/local/bin/rootshell');
      expect((fs.statSync(file).mode & 0o7777).toString(8)).toBe('775');
    } finally {
      await w.client.snapshots.cancel(handle.workflowId);
    }
  });

  it('a template file origin that is a path, not a registered file, is refused at create; nothing is stored', async () => {
    const passwd = fs.readFileSync('/etc/passwd');
    const id = `steal_${randomUUID().slice(0, 6)}`;
    for (const origin of ['/etc/passwd', `${LocalWorkspace.templateFilesRoot(dataDir)}/../../../../etc/passwd`]) {
      const failure = await failureOf(
        w.client.snapshots.catalog({
          operation: 'template.create',
          template: {
            id,
            resources: [{ kind: 'file', path: '/loot/passwd', hash: sha256(passwd), size: passwd.length, mode: 0o644, origin }],
          },
        }),
      );
      expect(failure.type).toBe('ManifestInvalid');
      expect(failure.message).toMatch(
        /^resources\[0\]\.origin: expected a registered file as name@version, such as app-conf@1, not a path: register it with `mosaic file register/,
      );
    }
    expect(await templateModel(db).countDocuments({ id })).toBe(0);
  });

  it('an origin planted straight in the database is refused when composed, and no copy is left', async () => {
    const passwd = fs.readFileSync('/etc/passwd');
    const id = `planted_${randomUUID().slice(0, 6)}`;
    await templateModel(db).collection.insertOne({
      id,
      tags: [],
      resources: [
        {
          kind: 'file',
          path: '/loot/passwd',
          hash: sha256(passwd),
          size: passwd.length,
          mode: 0o644,
          origin: '/etc/passwd',
          dependsOn: [],
        },
      ],
      createdAt: new Date(),
    });
    const handle = await w.client.snapshots.compose({
      name: 'planted',
      sources: [{ type: 'template', id }],
      conflict_resolution: 'FIRST_WIN',
    });
    const failure = await failureOf(handle.result());
    // Refused where the template is read, before anything is made: a stored template is parsed as one created now.
    expect(failure.type).toBe('ManifestInvalid');
    expect(failure.message).toMatch(/resources\[0\]\.origin: expected a registered file as name@version/);
    expect(fs.existsSync(new LocalWorkspace(dataDir).dir(handle.workflowId))).toBe(false);
  });

  it('a registered file inside the template files root is copied (its mode masked)', async () => {
    const root = LocalWorkspace.templateFilesRoot(dataDir);
    fs.mkdirSync(root, { recursive: true });
    const body = Buffer.from('binary payload');
    fs.writeFileSync(path.join(root, 'payload.bin'), body);
    const id = `allowed_${randomUUID().slice(0, 6)}`;
    await w.client.governance.change(
      { operation: 'file.register', file: { name: 'payload', version: 1, path: path.join(root, 'payload.bin'), sha256: sha256(body) } },
      admin.privateKeyPem,
    );
    await w.client.snapshots.catalog({
      operation: 'template.create',
      template: {
        id,
        resources: [
          {
            kind: 'file',
            path: '/srv/payload.bin',
            hash: sha256(body),
            size: body.length,
            mode: 0o4757,
            origin: 'payload@1',
          },
        ],
      },
    });
    const handle = await w.client.snapshots.compose({
      name: 'allowed',
      sources: [{ type: 'template', id }],
      conflict_resolution: 'FIRST_WIN',
    });
    await w.client.snapshots.waitFor(handle, ['running']);
    try {
      const copy = path.join(new LocalWorkspace(dataDir).dir(handle.workflowId), 'fs', 'srv/payload.bin');
      expect(fs.readFileSync(copy)).toEqual(body);
      expect((fs.statSync(copy).mode & 0o7777).toString(8)).toBe('755');
    } finally {
      await w.client.snapshots.cancel(handle.workflowId);
    }
  });

  it('host register refuses to silently re-point a registered host; --replace must be asked for', async () => {
    const root = fs.mkdtempSync(path.join(dataDir, 'host-'));
    const host = { name: 'prod_1', provider: 'local', root, allowedPaths: ['/var/app'] };
    await expect(registerHost(w.client, admin, host)).resolves.toMatchObject({ detail: 'host prod_1 registered on the local provider' });
    // The same registration again is idempotent.
    await expect(registerHost(w.client, admin, host)).resolves.toMatchObject({
      detail: 'host prod_1 already registered with this content',
    });
    const before = await hostModel(db).findOne({ name: 'prod_1' }).lean();
    const hijack = await failureOf(registerHost(w.client, admin, { ...host, root: '/', allowedPaths: ['/'] }));
    expect(hijack.type).toBe('HostExists');
    expect(hijack.message).toMatch(/host prod_1 is registered already with other content; .*--replace/);
    expect(await hostModel(db).findOne({ name: 'prod_1' }).lean()).toEqual(before);
    const replaced = await registerHost(w.client, admin, { ...host, allowedPaths: ['/srv'] }, true);
    expect(replaced).toMatchObject({ detail: 'host prod_1 replaced on the local provider' });
    expect((await hostModel(db).findOne({ name: 'prod_1' }).lean())?.allowedPaths).toEqual(['/srv']);
  });

  it('leaves no process behind in the data directory', async () => {
    const resources = path.join(dataDir, 'resources', 'snapshots');
    expect([...processDirectories().values()].filter((cwd) => cwd.startsWith(resources))).toEqual([]);
  });
});
