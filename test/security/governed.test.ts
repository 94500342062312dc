import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { auditModel } from '../../src/models/audit';
import { governedModel } from '../../src/models/governed';
import { inventoryModel } from '../../src/models/inventory';
import { hostModel, templateModel } from '../../src/models/snapshot';
import { LocalWorkspace } from '../../src/providers/local-workspace';
import { processDirectories } from '../../src/stack/daemon';
import { generateKeyPair } from '../../src/security/keys';
import { failureOf } from '../harness/failures';
import { registerCommand, registerHost } from '../harness/governed';
import { applyDefaultPolicy } from '../harness/policies';
import { startTestWorker, type TestWorker } from '../harness/worker';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

// An attacker who may start workflows, create templates or write to MongoDB
// tries to make a worker run a program, copy a worker file or capture a host
// that no signed registration allowed. Each attempt is refused with a typed
// error naming what to register and which roles may, leaves one audit entry,
// and leaves nothing behind: no process, no file outside the data directory,
// no row changed.
describe('governed commands, files and hosts', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const author = generateKeyPair();
  const stranger = generateKeyPair();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-governed-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-governed-outside-'));
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/governed_${randomUUID().slice(0, 8)}`;
  // What a hostile command would leave if it ever ran.
  const pwned = path.join(outside, 'pwned');
  const HOSTILE = ['/bin/sh', '-c', `touch ${pwned}`];

  beforeAll(async () => {
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dataDir, MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
    await applyDefaultPolicy(w.client, admin);
    await w.client.governance.change(
      { operation: 'role.grant', publicKeyPem: author.publicKeyPem, role: 'policy-author', name: 'author' },
      admin.privateKeyPem,
    );
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const auditsOf = (target: string) => auditModel(db).countDocuments({ target, result: 'denied' });
  const rows = async () => ({
    governed: await governedModel(db).find({}, { _id: 0 }).sort({ key: 1 }).lean(),
    hosts: await hostModel(db).find({}, { _id: 0 }).sort({ name: 1 }).lean(),
    templates: await templateModel(db).find({}, { _id: 0 }).sort({ id: 1 }).lean(),
    inventory: await inventoryModel(db).countDocuments({}),
  });
  const leftRunning = () => [...processDirectories().values()].filter((cwd) => cwd.startsWith(dataDir));
  const service = (command: unknown) => ({
    requestId: `gov-${randomUUID().slice(0, 8)}`,
    user: 'mallory',
    account: 'acct-governed',
    region: 'us-east-1',
    resourceType: 'service' as const,
    spec: { name: 'miner', command } as { name: string; command?: string },
  });

  it('a compose request naming an unregistered command is refused, audited once per attempt, and runs nothing', async () => {
    const before = await rows();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const failure = await failureOf((await w.client.compose(service('miner@1'))).result());
      expect(failure.message).toMatch(
        /command miner@1 is not registered; register it with `mosaic command register <file> --key <key>` \(roles that may: admin, operator\)/,
      );
      expect(await auditsOf('command:miner@1')).toBe(attempt);
    }
    // Phrased the old way, or as a path: refused before any worker reads it.
    for (const command of [HOSTILE, '/bin/sh', 'miner', 'miner@latest', 'MINER@1', '../miner@1']) {
      const failure = await failureOf(w.client.compose(service(command)));
      expect(failure.message).toMatch(/spec\.command: expected a registered command as name@version, such as status-page@1/);
    }
    // A template is the other way in: refused at create, nothing stored.
    const template = (command: unknown) =>
      failureOf(
        w.client.snapshots.catalog({
          operation: 'template.create',
          template: { id: `tpl_${randomUUID().slice(0, 6)}`, resources: [{ kind: 'service', name: 'miner', command, ports: [40123] }] },
        }),
      );
    expect(await template('miner@1')).toMatchObject({
      type: 'NotRegistered',
      message: expect.stringMatching(/^command miner@1 is not registered/),
    });
    expect(await auditsOf('command:miner@1')).toBe(3);
    expect(await template(HOSTILE)).toMatchObject({
      type: 'ManifestInvalid',
      message: expect.stringMatching(/^resources\[0\]\.command: expected a registered command as name@version/),
    });
    expect(await rows()).toEqual(before);
    expect(fs.existsSync(pwned)).toBe(false);
    expect(leftRunning()).toEqual([]);
  });

  it('a registered command whose row is edited in MongoDB is refused as tampered when used; the edit runs nowhere', async () => {
    const ref = await registerCommand(w.client, admin, [process.execPath, '-e', 'setInterval(() => {}, 1000)']);
    const key = `command:${ref}`;
    // The attacker's edits: the argv alone, then the argv and the signed payload together.
    const edits = [{ 'spec.argv': HOSTILE }, { 'spec.argv': HOSTILE, 'registration.payload.command.argv': HOSTILE }];
    for (const [i, edit] of edits.entries()) {
      await governedModel(db).collection.updateOne({ key }, { $set: edit });
      const before = await rows();
      const failure = await failureOf((await w.client.compose(service(ref))).result());
      expect(failure.message).toMatch(
        new RegExp(
          `command ${ref} is refused: .*; register it again with \`mosaic command register <file> --key <key>\` \\(roles that may: admin, operator\\)`,
        ),
      );
      expect(await auditsOf(key)).toBe(i + 1);
      expect(await rows()).toEqual(before);
    }
    expect(fs.existsSync(pwned)).toBe(false);
    expect(leftRunning()).toEqual([]);
  });

  it('a template file whose origin is outside the registered roots is refused however it is phrased; nothing is copied', async () => {
    const passwd = fs.readFileSync('/etc/passwd');
    const root = LocalWorkspace.templateFilesRoot(dataDir);
    fs.mkdirSync(root, { recursive: true });
    // A symlink planted inside the root, pointing out of it.
    fs.symlinkSync('/etc/passwd', path.join(root, 'innocent.conf'));
    const before = await rows();
    const paths = [
      '/etc/passwd',
      `${root}/../../../../etc/passwd`,
      path.join(root, 'innocent.conf'),
      `${root}/./../${path.basename(dataDir)}`,
    ];
    for (const [i, origin] of paths.entries()) {
      const name = `loot-${i}`;
      const failure = await failureOf(
        w.client.governance.change(
          { operation: 'file.register', file: { name, version: 1, path: origin, sha256: sha256(passwd) } },
          admin.privateKeyPem,
        ),
      );
      expect(failure.type).toBe('InvalidRegistration');
      expect(failure.message).toMatch(/^file\.path: /);
      expect(await auditsOf(`file:${name}@1`)).toBe(1);
    }
    // A template cannot name a path at all, only a registered file.
    const failure = await failureOf(
      w.client.snapshots.catalog({
        operation: 'template.create',
        template: {
          id: 'steal',
          resources: [{ kind: 'file', path: '/loot/passwd', hash: sha256(passwd), size: passwd.length, origin: '/etc/passwd' }],
        },
      }),
    );
    expect(failure.message).toMatch(/^resources\[0\]\.origin: expected a registered file as name@version/);
    expect(await rows()).toEqual(before);
    const copies = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name === 'passwd');
    expect(copies).toEqual([]);
  });

  it('a host registered by a key without the role is refused and audited; no row is written', async () => {
    const host = { name: 'prod_1', provider: 'local', root: '/', allowedPaths: ['/'] };
    const before = await rows();
    // A policy author is an actor without the role; a stranger is no actor at all.
    for (const [i, [key, type]] of (
      [
        [author, 'PermissionDenied'],
        [stranger, 'UnknownActor'],
      ] as const
    ).entries()) {
      const failure = await failureOf(registerHost(w.client, key, host));
      expect(failure.type).toBe(type);
      expect(await auditsOf('host:prod_1')).toBe(i + 1);
    }
    expect(await rows()).toEqual(before);
  });

  it('a registered host whose row is re-pointed in MongoDB is refused when captured', async () => {
    const root = fs.mkdtempSync(path.join(dataDir, 'host-'));
    fs.mkdirSync(path.join(root, 'var/app'), { recursive: true });
    await registerHost(w.client, admin, { name: 'prod_2', provider: 'local', root, allowedPaths: ['/var/app'] });
    await hostModel(db).collection.updateOne({ name: 'prod_2' }, { $set: { root: '/', allowedPaths: ['/etc'] } });
    const before = await rows();
    const handle = await w.client.snapshots.compose({ name: 'steal', sources: [{ type: 'live', host: 'prod_2', path: '/' }] });
    const failure = await failureOf(handle.result());
    expect(failure.message).toMatch(
      /host prod_2 is refused: it differs from what was registered; register it again with `mosaic snapshot host register/,
    );
    expect(await auditsOf('host:prod_2')).toBe(1);
    expect(await rows()).toEqual(before);
    expect(fs.existsSync(new LocalWorkspace(dataDir).dir(handle.workflowId))).toBe(false);
  });
});
