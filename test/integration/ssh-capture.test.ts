import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { captureSshHost, copySshFiles, copySshVolume, type SshFileToCopy } from '../../src/providers/ssh-capture';
import { CaptureTooLarge, FileChanged, HostKeyMismatch, HostUnavailable, PathOutsideRoots, SnapshotError } from '../../src/snapshot/errors';
import type { Resource } from '../../src/snapshot/resources';
import { parseHost, type Host } from '../../src/snapshot/template';
import { eventually } from '../harness/eventually';
import { freePort, SSHD, startSshd, type TestSshd } from '../harness/sshd';

type SshHost = Extract<Host, { provider: 'ssh' }>;

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// One sshd for the file: a capture is a handful of ssh round trips, the daemon is what costs.
const describeSshd = SSHD ? describe : describe.skip;
if (!SSHD) console.warn('ssh-capture tests skipped: Debian openssh-server is not installed (scripts/setup.sh installs it as root)');

describeSshd('capture over SSH from a real sshd', () => {
  let sshd: TestSshd;
  let root: string;
  let server: ChildProcess;
  let servicePort: number;

  const register = (over: Record<string, unknown> = {}): SshHost =>
    parseHost({
      name: 'web-1',
      provider: 'ssh',
      address: '127.0.0.1',
      port: sshd.port,
      user: sshd.user,
      key: 'client',
      hostKey: sshd.hostKey,
      allowedPaths: [`${root}/app`],
      ...over,
    }) as SshHost;

  beforeAll(async () => {
    sshd = await startSshd();
    root = fs.realpathSync(fs.mkdtempSync(path.join(sshd.dir, 'host-')));
    fs.mkdirSync(path.join(root, 'app/conf'), { recursive: true });
    fs.mkdirSync(path.join(root, 'app/data'), { recursive: true });
    fs.mkdirSync(path.join(root, 'secret'));
    fs.writeFileSync(path.join(root, 'app/conf/app name.conf'), 'port=8080\n');
    fs.chmodSync(path.join(root, 'app/conf/app name.conf'), 0o640);
    fs.writeFileSync(path.join(root, 'app/logo.bin'), Buffer.from([0, 1, 2, 255]));
    fs.writeFileSync(path.join(root, 'app/data/rows.csv'), 'a,b\n'.repeat(100));
    fs.writeFileSync(path.join(root, 'secret/key'), 'do not read');
    servicePort = await freePort();
    server = spawn(process.execPath, [
      '-e',
      `require('http').createServer((q, s) => s.end('ok')).listen(${servicePort}, '127.0.0.1')`,
      'mosaic-test-service',
    ]);
    await eventually(
      () =>
        new Promise<void>((resolve, reject) => {
          const s = net.connect(servicePort, '127.0.0.1', () => (s.end(), resolve()));
          s.on('error', reject);
        }),
    );
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await sshd?.stop();
  });

  it('captures files with their hashes, the listening services with their commands, packages and volumes', async () => {
    const host = register({ volumes: [{ name: 'data', path: `${root}/app/data` }] });
    const steps: string[] = [];
    const resources = await captureSshHost(host, `${root}/app`, sshd.keyDir, (s) => steps.push(s));
    const files = resources.filter((r): r is Extract<Resource, { kind: 'file' }> => r.kind === 'file');

    expect(files.map((f) => f.path)).toEqual([`${root}/app/conf/app name.conf`, `${root}/app/data/rows.csv`, `${root}/app/logo.bin`]);
    const conf = files[0]!;
    expect(conf).toMatchObject({ hash: sha('port=8080\n'), size: 10, mode: 0o640, content: 'port=8080\n' });
    // Binary content cannot travel as text: it is hashed on the host and carried by reference.
    const logo = files[2]!;
    expect(logo).toMatchObject({ hash: sha(Buffer.from([0, 1, 2, 255])), size: 4, origin: `ssh://web-1${root}/app/logo.bin` });
    expect(logo.content).toBeUndefined();
    expect(files.some((f) => f.path.includes('secret'))).toBe(false);

    const service = resources.find((r) => r.kind === 'service' && r.ports.includes(servicePort));
    expect(service).toMatchObject({ kind: 'service', command: expect.arrayContaining(['mosaic-test-service']) });
    expect(resources).toContainEqual(expect.objectContaining({ kind: 'port', number: servicePort }));
    // The sshd the capture came in by is the access path, not the workload.
    expect(resources.some((r) => r.kind === 'service' && r.ports.includes(sshd.port))).toBe(false);

    const sshdVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'openssh-server']).toString();
    expect(resources).toContainEqual(expect.objectContaining({ kind: 'package', name: 'openssh-server', version: sshdVersion }));
    expect(resources).toContainEqual(
      expect.objectContaining({ kind: 'volume', name: 'data', size: 400, origin: `ssh://web-1${root}/app/data` }),
    );
    expect(steps.length).toBeGreaterThan(3);
  }, 60_000);

  it('copies a file carried by reference byte for byte, and refuses one changed or removed on the host since the capture', async () => {
    // What the first test's capture recorded for the binary file (origin ssh://web-1<root>/app/logo.bin).
    const logo = { hash: sha(Buffer.from([0, 1, 2, 255])) };
    const wanted: SshFileToCopy = { path: `${root}/app/logo.bin`, hash: logo.hash, size: 4 };
    const into = fs.mkdtempSync(path.join(sshd.dir, 'copy-'));
    const steps: string[] = [];
    await copySshFiles(register(), [wanted], into, sshd.keyDir, (s) => steps.push(s));
    expect(fs.readFileSync(path.join(into, root, 'app/logo.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(steps).toEqual(['copying 1 file']);

    const original = path.join(root, 'app/logo.bin');
    try {
      // Tampered with after the capture: the same size, other bytes.
      fs.writeFileSync(original, Buffer.from([9, 9, 9, 9]));
      const tampered = await copySshFiles(register(), [wanted], into, sshd.keyDir).catch((e: unknown) => e);
      expect(tampered).toBeInstanceOf(FileChanged);
      expect((tampered as Error).message).toContain(
        `${root}/app/logo.bin on host web-1 no longer matches what was captured (sha256 ${logo.hash}`,
      );
      fs.unlinkSync(original);
      const removed = await copySshFiles(register(), [wanted], into, sshd.keyDir).catch((e: unknown) => e);
      expect(removed).toBeInstanceOf(FileChanged);
      expect((removed as Error).message).toMatch(/are no longer what was captured: reading them failed/);
    } finally {
      fs.writeFileSync(original, Buffer.from([0, 1, 2, 255]));
    }
  }, 60_000);

  it("copies a volume's regular files checked by sha256, not its links, and refuses a volume swapped for a symlink out of the allowed path", async () => {
    const data = path.join(root, 'app/data');
    const link = path.join(data, 'passwd-link');
    fs.symlinkSync('/etc/passwd', link);
    const into = fs.mkdtempSync(path.join(sshd.dir, 'volume-'));
    try {
      const copied = await copySshVolume(register(), { name: 'data', path: data }, into, sshd.keyDir);
      expect(copied).toEqual({ files: 1, bytes: 400, skipped: 1 });
      expect(fs.readFileSync(path.join(into, data, 'rows.csv'), 'utf8')).toBe('a,b\n'.repeat(100));
      expect(fs.existsSync(path.join(into, link))).toBe(false);
    } finally {
      fs.unlinkSync(link);
    }

    // Between capture and copy the volume became a link to the host's secrets: nothing of them is read.
    const moved = path.join(root, 'app/data-moved');
    fs.renameSync(data, moved);
    fs.symlinkSync(path.join(root, 'secret'), data);
    try {
      const swapped = await copySshVolume(register(), { name: 'data', path: data }, into, sshd.keyDir).catch((e: unknown) => e);
      expect(swapped).toBeInstanceOf(PathOutsideRoots);
      expect((swapped as Error).message).toBe(`volume data of host web-1: ${data} now leads through a symlink; it is not copied`);
      expect(fs.existsSync(path.join(into, root, 'secret'))).toBe(false);
    } finally {
      fs.unlinkSync(data);
      fs.renameSync(moved, data);
    }
    const outside = await copySshVolume(register({ key: 'nope' }), { name: 'keys', path: `${root}/secret` }, into, sshd.keyDir).catch(
      (e: unknown) => e,
    );
    expect(outside).toBeInstanceOf(PathOutsideRoots);
  }, 60_000);

  it('refuses to copy a path outside what the host allows, or past the copy bound, before connecting', async () => {
    const unusable = register({ key: 'nope' });
    const outside = { path: `${root}/secret/key`, hash: sha('do not read'), size: 11 };
    await expect(copySshFiles(unusable, [outside], sshd.dir, sshd.keyDir)).rejects.toBeInstanceOf(PathOutsideRoots);
    const dotted = { ...outside, path: `${root}/app/../secret/key` };
    await expect(copySshFiles(unusable, [dotted], sshd.dir, sshd.keyDir)).rejects.toBeInstanceOf(PathOutsideRoots);
    const huge = { path: `${root}/app/logo.bin`, hash: sha(''), size: 2 ** 40 };
    await expect(copySshFiles(unusable, [huge], sshd.dir, sshd.keyDir)).rejects.toThrow(/is 1TiB, more than the 16MiB one copy brings/);
  }, 30_000);

  it('leaves a host gone away by the time of the copy to the activity retry, not a final failure', async () => {
    const gone = register({ port: await freePort() });
    const err = await copySshFiles(gone, [{ path: `${root}/app/logo.bin`, hash: sha(''), size: 4 }], sshd.dir, sshd.keyDir).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(SnapshotError);
    expect((err as Error).message).toMatch(/web-1 \(127\.0\.0\.1:\d+\) is not reachable over SSH/);
  }, 30_000);

  it('refuses a host presenting another key than the registered one, before reading anything', async () => {
    const other = path.join(sshd.dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const host = register({ hostKey: fs.readFileSync(`${other}.pub`, 'utf8') });
    const err = await captureSshHost(host, `${root}/app`, sshd.keyDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyMismatch);
    expect((err as Error).message).toMatch(/web-1 .*presented a host key other than the registered ssh-ed25519 key.*--replace/);
  }, 30_000);

  it('refuses a symlink that leads out of the allowed path, and a path outside it by name', async () => {
    const link = path.join(root, 'app/conf/leak');
    fs.symlinkSync(path.join(root, 'secret/key'), link);
    try {
      const err = await captureSshHost(register(), `${root}/app`, sshd.keyDir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PathOutsideRoots);
      expect((err as Error).message).toContain(`${root}/app/conf/leak on host web-1 leads through a symlink to ${root}/secret/key`);
    } finally {
      fs.unlinkSync(link);
    }
    await expect(captureSshHost(register(), `${root}/app/../secret`, sshd.keyDir)).rejects.toBeInstanceOf(PathOutsideRoots);
  }, 30_000);

  it('names the key directory when the key is not there, and the user when the host refuses the key', async () => {
    const missing = await captureSshHost(register({ key: 'nope' }), `${root}/app`, sshd.keyDir).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(HostUnavailable);
    expect((missing as Error).message).toContain(`not a file in the worker's key directory ${sshd.keyDir} (MOSAIC_SSH_KEY_DIR)`);

    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(sshd.keyDir, 'stranger')]);
    const refused = await captureSshHost(register({ key: 'stranger' }), `${root}/app`, sshd.keyDir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HostUnavailable);
    expect((refused as Error).message).toMatch(new RegExp(`refused key stranger for user ${sshd.user}.*authorized_keys`));
  }, 30_000);

  it('leaves a host that does not answer to the activity retry, not a final failure', async () => {
    const err = await captureSshHost(register({ port: await freePort() }), `${root}/app`, sshd.keyDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(HostUnavailable);
    expect(err).not.toBeInstanceOf(CaptureTooLarge);
    expect((err as Error).message).toMatch(/web-1 \(127\.0\.0\.1:\d+\) is not reachable over SSH: .*refused/i);
  }, 30_000);
});
