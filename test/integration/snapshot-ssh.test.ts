import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair } from '../../src/security/keys';
import { canConnect, freePort } from '../../src/stack/ports';
import { eventually } from '../harness/eventually';
import { failureOf } from '../harness/failures';
import { registerHost } from '../harness/governed';
import { SSHD, startSshd, whyNoIsolatedHost, type TestSshd } from '../harness/sshd';
import { startTestWorker, type TestWorker } from '../harness/worker';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// A host of its own (network and mount namespaces), so the "remote" is not this machine's loopback and files.
const why = SSHD ? whyNoIsolatedHost() : 'Debian openssh-server is not installed (scripts/setup.sh installs it as root)';
const describeIsolated = why ? describe.skip : describe;
if (why) console.warn(`snapshot-ssh tests skipped: an SSH host of its own cannot be made here: ${why}`);

describeIsolated('composeSnapshot from an SSH host in its own network and mount namespaces', () => {
  const admin = generateKeyPair();
  let sshd: TestSshd;
  let w: TestWorker;
  let dataDir: string;
  let service: ChildProcess;
  let servicePort: number;
  // Where the host's files are, as the host sees them; empty on the worker.
  let srv: string;
  const script = (file: string, port: number) =>
    `const fs = require('fs'); require('http').createServer((q, s) => s.end(fs.existsSync(${JSON.stringify(file)}) ? fs.readFileSync(${JSON.stringify(file)}) : 'no file')).listen(${port}, '127.0.0.1')`;
  const workspaces = () => fs.readdirSync(path.join(dataDir, 'resources', 'snapshots'));
  const host = (over: Record<string, unknown> = {}) => ({
    name: 'web-remote',
    provider: 'ssh',
    address: sshd.address,
    port: sshd.port,
    user: sshd.user,
    key: 'client',
    hostKey: sshd.hostKey,
    allowedPaths: [srv],
    volumes: [{ name: 'data', path: `${srv}/data` }],
    ...over,
  });

  beforeAll(async () => {
    sshd = await startSshd({ isolated: true });
    srv = path.join(sshd.remoteRoot, 'srv');
    const disk = path.join(sshd.disk, 'srv');
    fs.mkdirSync(path.join(disk, 'app/conf'), { recursive: true });
    fs.mkdirSync(path.join(disk, 'data'), { recursive: true });
    fs.writeFileSync(path.join(disk, 'app/conf/app.conf'), 'mode remote\n');
    fs.writeFileSync(path.join(disk, 'app/logo.bin'), Buffer.from([0, 1, 2, 255]));
    // Past the inline bound: carried by reference and copied over SSH.
    fs.writeFileSync(path.join(disk, 'app/large.txt'), 'row\n'.repeat(40_000));
    fs.writeFileSync(path.join(disk, 'data/rows.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(disk, 'data/blob.bin'), Buffer.from([7, 0, 7]));
    fs.symlinkSync('/etc/passwd', path.join(disk, 'data/passwd-link'));

    // The host's service: on the host's loopback, serving a file by the relative path it has in a workspace tree.
    servicePort = await freePort();
    service = sshd.onHost([process.execPath, '-e', script(`.${srv}/app/conf/app.conf`, servicePort), 'mosaic-remote-web']);
    await eventually(async () => {
      const ss = execFileSync('nsenter', ['--target', String(service.pid), '--net', 'ss', '-Hltn'], { encoding: 'utf8' });
      if (!ss.includes(`127.0.0.1:${servicePort}`)) throw new Error('the host service is not listening yet');
    });

    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-snapshot-ssh-'));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/snapshot_ssh_${randomUUID().slice(0, 8)}`,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_SNAPSHOT_MONITOR_SECONDS: '1',
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
      MOSAIC_SSH_KEY_DIR: sshd.keyDir,
    });
    // Signed, as `mosaic snapshot host register web-remote.host.json --key` sends it.
    await registerHost(w.client, admin, host());
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service.once('exit', r));
      service.kill('SIGTERM');
      await exited;
    }
    await sshd?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is another host: its files are not on the worker, its service port is free here', async () => {
    expect(sshd.address).not.toBe('127.0.0.1');
    expect(fs.readdirSync(sshd.remoteRoot)).toEqual([]);
    expect(await canConnect(servicePort)).toBe(false);
  });

  it('captures the host, copies its files and volume over SSH checked by sha256, runs its service healthy, and empties the workspace on cancel', async () => {
    const handle = await w.client.snapshots.compose({
      name: 'from ssh',
      sources: [{ type: 'live', host: 'web-remote', path: `${srv}/app` }],
      conflict_resolution: 'FIRST_WIN',
    });
    const status = await w.client.snapshots.waitFor(handle, ['running']);
    expect(status.sources.map((s) => [s.label, s.state])).toEqual([['web-remote', 'retrieved']]);

    // Every captured file is in the workspace tree under its host path, byte for byte (inline, binary and large alike).
    const tree = path.join(status.provisioned!.workspace, 'fs');
    for (const file of ['app/conf/app.conf', 'app/logo.bin', 'app/large.txt'])
      expect(sha(fs.readFileSync(path.join(tree, srv, file)))).toBe(sha(fs.readFileSync(path.join(sshd.disk, 'srv', file))));
    expect(status.provisioned!.files).toBe(3);

    // The declared volume's regular files, copied and hashed; the symlink in it is named as not copied, not followed.
    expect(status.provisioned!.copiedVolumes).toEqual([{ name: 'data', host: 'web-remote', files: 2, bytes: 11, skipped: 1 }]);
    const volume = path.join(status.provisioned!.workspace, 'volumes', 'data');
    expect(fs.readFileSync(path.join(volume, 'rows.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(fs.readFileSync(path.join(volume, 'blob.bin'))).toEqual(Buffer.from([7, 0, 7]));
    expect(fs.existsSync(path.join(volume, 'passwd-link'))).toBe(false);

    // The host's service, found listening there with its command, runs here on the same port and serves the copied file.
    expect(status.services.map((s) => [s.name, s.port])).toEqual([['node', servicePort]]);
    expect(status.monitor!.services).toEqual([expect.objectContaining({ name: 'node', healthy: true })]);
    expect(await (await fetch(`http://127.0.0.1:${servicePort}/`)).text()).toBe('mode remote\n');

    // The host's packages, checked on this worker (the same Debian image): all there, epochs and revisions included.
    const packages = status.provisioned!.packages!;
    expect(packages.length).toBeGreaterThan(100);
    expect(packages.filter((p) => p.state !== 'installed')).toEqual([]);
    expect(packages).toContainEqual(expect.objectContaining({ name: 'openssh-server', found: expect.stringMatching(/^1:/) }));

    const final = await w.client.snapshots.cancel(handle.workflowId, 'test done');
    expect(final).toMatchObject({ state: 'cancelled', teardown: { stopped: 1 } });
    expect(await canConnect(servicePort)).toBe(false);
    expect(workspaces()).toEqual([]);
  }, 180_000);

  it('fails with HostKeyMismatch when the host presents another key than the pinned one, copying nothing', async () => {
    const other = path.join(sshd.dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    await registerHost(w.client, admin, host({ name: 'web-rekeyed', hostKey: fs.readFileSync(`${other}.pub`, 'utf8') }));
    const handle = await w.client.snapshots.compose({
      name: 'wrong key',
      sources: [{ type: 'live', host: 'web-rekeyed', path: `${srv}/app` }],
    });
    expect(await failureOf(handle.result())).toMatchObject({
      type: 'HostKeyMismatch',
      message: expect.stringMatching(
        /^host web-rekeyed \(10\.[\d.]+:22\) presented a host key other than the registered ssh-ed25519 key; nothing was read/,
      ),
    });
    expect((await w.client.snapshots.status(handle.workflowId)).state).toBe('failed');
    expect(workspaces()).toEqual([]);
  }, 120_000);
});
