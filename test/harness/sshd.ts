import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';

/** Debian's openssh-server binary, when installed (scripts/setup.sh installs it as root). */
export const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => fs.existsSync(p));

export interface TestSshd {
  port: number;
  user: string;
  /** The host's public key line, as a host registration pins it. */
  hostKey: string;
  /** Holds the client key `client` (mode 0600): what MOSAIC_SSH_KEY_DIR would be. */
  keyDir: string;
  dir: string;
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

/**
 * A real sshd on 127.0.0.1 on a free port, with throwaway host and client
 * keys in a temporary directory, letting in only the current user by key.
 * StrictModes is off because the temporary directory's owner and modes are
 * not what sshd demands of a home directory.
 */
export async function startSshd(): Promise<TestSshd> {
  if (!SSHD) throw new Error('sshd is not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-sshd-'));
  const keyDir = path.join(dir, 'keys');
  fs.mkdirSync(keyDir, { mode: 0o700 });
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(keyDir, 'client'));
  fs.copyFileSync(path.join(keyDir, 'client.pub'), path.join(dir, 'authorized_keys'));
  const user = os.userInfo().username;
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
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
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  await eventually(
    () =>
      new Promise<void>((resolve, reject) => {
        if (child.exitCode !== null) return reject(new Error(`sshd exited: ${log}`));
        const s = net.connect(port, '127.0.0.1', () => {
          s.end();
          resolve();
        });
        s.on('error', reject);
      }),
    15_000,
  );
  const hostKey = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim();
  return {
    port,
    user,
    hostKey,
    keyDir,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
