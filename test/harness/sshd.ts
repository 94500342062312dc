import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';

/** Debian's openssh-server binary, when installed (scripts/setup.sh installs it as root). */
export const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => fs.existsSync(p));

/**
 * Whether a host of its own can be made here: root, with `ip netns`,
 * `unshare` and `nsenter` (util-linux). Undefined when it can, else why not.
 */
export const whyNoIsolatedHost = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'it needs root (network and mount namespaces)';
  for (const tool of ['ip', 'ss', 'unshare', 'nsenter'])
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (iproute2, util-linux)`;
    }
  // Root in a container without CAP_SYS_ADMIN has the tools but cannot use them.
  try {
    execFileSync('unshare', ['--net', '--mount', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    return `namespaces cannot be made here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  }
  return undefined;
};

export interface TestSshd {
  /** Where the worker reaches it: 127.0.0.1, or the far end of a veth pair into its own network namespace. */
  address: string;
  port: number;
  user: string;
  /** The host's public key line, as a host registration pins it. */
  hostKey: string;
  /** Holds the client key `client` (mode 0600): what MOSAIC_SSH_KEY_DIR would be. */
  keyDir: string;
  dir: string;
  /**
   * The remote's filesystem for the test: what is written under `disk`
   * appears to the sshd (and whatever `onHost` runs) under `remoteRoot`.
   * Isolated, `remoteRoot` is an empty directory on the worker; otherwise
   * the two are one directory.
   */
  disk: string;
  remoteRoot: string;
  /** Starts a process on the "remote": in the sshd's network and mount namespaces when isolated. */
  onHost(argv: string[]): ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mosaic-test', '-f', file]);

/** A network namespace joined to this one by a veth pair on a random /30 of 10.200–249.x; removing the namespace removes the pair. */
function makeNetns(): { name: string; address: string; remove(): void } {
  const id = randomBytes(3).toString('hex');
  const name = `mosaic-sshd-${id}`;
  const [b, c] = [200 + randomInt(50), randomInt(256)];
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ip('netns', 'add', name);
  const remove = () => {
    try {
      ip('netns', 'del', name);
    } catch {
      // Already gone.
    }
  };
  try {
    ip('link', 'add', `mz${id}h`, 'type', 'veth', 'peer', 'name', `mz${id}n`, 'netns', name);
    ip('addr', 'add', `10.${b}.${c}.1/30`, 'dev', `mz${id}h`);
    ip('link', 'set', `mz${id}h`, 'up');
    for (const args of [
      ['addr', 'add', `10.${b}.${c}.2/30`, 'dev', `mz${id}n`],
      ['link', 'set', `mz${id}n`, 'up'],
      ['link', 'set', 'lo', 'up'],
    ])
      ip('netns', 'exec', name, 'ip', ...args);
  } catch (err) {
    remove();
    throw err;
  }
  return { name, address: `10.${b}.${c}.2`, remove };
}

/**
 * A real sshd with throwaway host and client keys in a temporary directory,
 * letting in only the current user by key. StrictModes is off because the
 * temporary directory's owner and modes are not what sshd demands of a home
 * directory.
 *
 * By default it listens on 127.0.0.1 on a free port. `isolated` (root only,
 * see whyNoIsolatedHost) gives it a host of its own: its own network
 * namespace, reached over a veth pair on port 22, and its own mount
 * namespace, where `disk` is mounted at `remoteRoot`; on the worker
 * `remoteRoot` stays empty, so nothing the worker gets from there can have
 * come another way than over SSH.
 */
export async function startSshd(options: { isolated?: boolean } = {}): Promise<TestSshd> {
  if (!SSHD) throw new Error('sshd is not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-sshd-'));
  const keyDir = path.join(dir, 'keys');
  fs.mkdirSync(keyDir, { mode: 0o700 });
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(keyDir, 'client'));
  fs.copyFileSync(path.join(keyDir, 'client.pub'), path.join(dir, 'authorized_keys'));
  const disk = path.join(dir, 'disk');
  fs.mkdirSync(disk);
  const remoteRoot = options.isolated ? path.join(dir, 'remote') : disk;
  fs.mkdirSync(remoteRoot, { recursive: true });
  const user = os.userInfo().username;
  const netns = options.isolated ? makeNetns() : undefined;
  const address = netns?.address ?? '127.0.0.1';
  const port = netns ? 22 : await freePort();
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'LogLevel ERROR',
    ].join('\n') + '\n',
  );
  // As root sshd separates privileges into this directory, which the Debian service unit would create.
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshdArgs = ['-D', '-e', '-f', path.join(dir, 'sshd_config')];
  // Each step execs the next, so the child is sshd itself, and its namespaces are the ones onHost joins.
  const child: ChildProcess = netns
    ? spawn(
        'ip',
        [
          'netns',
          'exec',
          netns.name,
          'unshare',
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount --bind "$1" "$2" && shift 2 && exec "$@"',
          'sh',
          disk,
          remoteRoot,
          SSHD,
          ...sshdArgs,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      )
    : spawn(SSHD, sshdArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  try {
    await eventually(
      () =>
        new Promise<void>((resolve, reject) => {
          if (child.exitCode !== null) return reject(new Error(`sshd exited: ${log}`));
          const s = net.connect(port, address, () => {
            s.end();
            resolve();
          });
          s.on('error', reject);
        }),
      15_000,
    );
  } catch (err) {
    child.kill('SIGTERM');
    netns?.remove();
    throw err;
  }
  const hostKey = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim();
  return {
    address,
    port,
    user,
    hostKey,
    keyDir,
    dir,
    disk,
    remoteRoot,
    onHost: (argv) =>
      netns
        ? spawn('nsenter', ['--target', String(child.pid), '--net', '--mount', '--', ...argv], { stdio: 'ignore' })
        : spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      netns?.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
