import { ManifestInvalid } from '../../../src/snapshot/errors';
import {
  mountVolumes,
  parseCommands,
  parseHashes,
  parseListeners,
  parseListing,
  parseMounts,
  parsePackages,
  servicesFrom,
  shellQuote,
  splitContent,
} from '../../../src/snapshot/ssh-inventory';
import { parseHost } from '../../../src/snapshot/template';

const sshHost = (over: Record<string, unknown> = {}) => ({
  name: 'web-1',
  provider: 'ssh',
  address: '10.0.0.5',
  user: 'deploy',
  key: 'web-1_ed25519',
  hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhG8p3tqLm9PYw5Ql4h4mX2n0s7gWb7wQ0O7r3q9J1e root@web-1',
  allowedPaths: ['/var/app'],
  ...over,
});

describe('registering an SSH host', () => {
  it('keeps a key reference and the pinned key without its comment, with port 22 by default', () => {
    expect(parseHost(sshHost())).toMatchObject({
      port: 22,
      key: 'web-1_ed25519',
      hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHhG8p3tqLm9PYw5Ql4h4mX2n0s7gWb7wQ0O7r3q9J1e',
      volumes: [],
    });
  });

  it('refuses the private key itself in place of its name, and a key path', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    expect(() => parseHost(sshHost({ key: pem }))).toThrow(/^key: expected the name of a key file .*not the key itself/);
    expect(() => parseHost(sshHost({ key: '/root/.ssh/id_ed25519' }))).toThrow(/^key: .*file name .* \(no directory\)/);
    expect(() => parseHost(sshHost({ key: '../id_rsa' }))).toThrow(ManifestInvalid);
  });

  it('refuses a host without a pinned key, and one written as an option to ssh', () => {
    expect(() => parseHost(sshHost({ hostKey: undefined }))).toThrow(/^hostKey: /);
    expect(() => parseHost(sshHost({ hostKey: 'AAAAC3NzaC1lZDI1NTE5' }))).toThrow(/hostKey: .*ssh-keyscan/);
    expect(() => parseHost(sshHost({ address: '-oProxyCommand=touch /tmp/x' }))).toThrow(/^address: expected a host name or IP/);
    expect(() => parseHost(sshHost({ user: '-l root' }))).toThrow(/^user: expected a login name/);
    expect(() => parseHost(sshHost({ port: 70000 }))).toThrow(/^port: /);
  });
});

describe('reading what the host printed', () => {
  it('reads a listing whose paths hold spaces and newlines, and drops a record cut by the byte bound', () => {
    const out = Buffer.from('10 640 /var/app/a b.conf\u00004 644 /var/app/odd\nname\u00009 600 /var/app/cu');
    expect(parseListing(out)).toEqual([
      { size: 10, mode: 0o640, path: '/var/app/a b.conf' },
      { size: 4, mode: 0o644, path: '/var/app/odd\nname' },
    ]);
    expect(parseListing(Buffer.from('garbage\u0000-1 644 /x\u0000'))).toEqual([]);
  });

  it('reads hashes by path and ignores lines that are not hashes', () => {
    const h = 'a'.repeat(64);
    expect(parseHashes(Buffer.from(`${h}  /var/app/a b\u0000sha256sum: /x: Permission denied\u0000`))).toEqual(
      new Map([['/var/app/a b', h]]),
    );
  });

  it('reads listeners of IPv4 and IPv6 as one per port, with the process when shown', () => {
    const ss = [
      'LISTEN 0      511        127.0.0.1:18080      0.0.0.0:*    users:(("node",pid=1234,fd=20))',
      'LISTEN 0      511             [::]:18080         [::]:*    users:(("node",pid=1234,fd=21))',
      'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=77,fd=3))',
      'LISTEN 0      4096               *:9090            *:*',
      'ESTAB  0      0          127.0.0.1:5000   127.0.0.1:6000',
      'LISTEN nonsense',
    ].join('\n');
    expect(parseListeners(ss)).toEqual([
      { port: 22, pid: 77, process: 'sshd' },
      { port: 9090 },
      { port: 18080, pid: 1234, process: 'node' },
    ]);
  });

  it('makes services of processes, leaves out the access port, and tells two processes of one program apart', () => {
    const listeners = [
      { port: 22, pid: 77, process: 'sshd' },
      { port: 8000, pid: 10, process: 'Python3' },
      { port: 8001, pid: 11, process: 'Python3' },
      { port: 8002, pid: 11, process: 'Python3' },
      { port: 9090 },
    ];
    const commands = parseCommands(`pid 10\n${Buffer.from('python3\0-m\0http.server\0').toString('base64')}\npid 11\n\n`);
    const resources = servicesFrom(listeners, commands, 22);
    expect(resources.map((r) => (r.kind === 'service' ? [r.name, r.ports, r.command] : [r.kind]))).toEqual([
      ['python3-8000', [8000], ['python3', '-m', 'http.server']],
      ['python3-8001', [8001, 8002], undefined],
      ['port'],
    ]);
  });

  it('bounds a command read from the host to what a service command may be', () => {
    const argv = Array.from({ length: 100 }, (_, i) => (i === 0 ? 'x'.repeat(10_000) : `a${i}`));
    const cmd = parseCommands(`pid 5\n${Buffer.from(argv.join('\0')).toString('base64')}\n`).get(5)!;
    expect(cmd).toHaveLength(64);
    expect(cmd[0]).toHaveLength(4096);
  });

  it('keeps installed packages only', () => {
    const text = 'ii \tcurl\t7.88.1-10\nrc \told-thing\t1.0\nii \tbroken\n\nii \tlibc6\t2.36-9\n';
    expect(parsePackages(text).map((p) => (p.kind === 'package' ? `${p.name}=${p.version}` : ''))).toEqual([
      'curl=7.88.1-10',
      'libc6=2.36-9',
    ]);
  });

  it('takes as volumes real mounts at or below an allowed path only', () => {
    const df = [
      'Type     1B-blocks      Used Mounted on',
      'overlay  100000000  5000000 /',
      'ext4     2000000000 1000 /var/app/data',
      'tmpfs    65536      0 /var/app/tmp',
      'ext4     3000000000 1000 /srv/other',
      'xfs      4000000000 1000 /var/application',
    ].join('\n');
    expect(mountVolumes(parseMounts(df), ['/var/app'], 'web-1')).toEqual([
      { kind: 'volume', name: 'var-app-data', size: 2000000000, optional: false, origin: 'ssh://web-1/var/app/data', dependsOn: [] },
    ]);
  });

  it('splits read content by the listed sizes, and says when they do not add up', () => {
    expect(splitContent(Buffer.from('abcdef'), [2, 0, 4])!.map(String)).toEqual(['ab', '', 'cdef']);
    expect(splitContent(Buffer.from('abcdefg'), [2, 4])).toBeUndefined();
  });

  it('quotes a path so the remote shell reads it back unchanged', () => {
    expect(shellQuote(`/var/app/it's $(rm -rf /)`)).toBe(`'/var/app/it'\\''s $(rm -rf /)'`);
  });
});
