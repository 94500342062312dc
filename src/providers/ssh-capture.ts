import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureTooLarge, FileChanged, HostKeyMismatch, HostUnavailable, PathOutsideRoots } from '../snapshot/errors';
import { withServicePorts, type Resource } from '../snapshot/resources';
import {
  inside,
  mountVolumes,
  parseCommands,
  parseHashes,
  parseListeners,
  parseListing,
  parseMounts,
  parsePackages,
  parseRealPaths,
  servicesFrom,
  shellQuote,
  splitContent,
  SSH_LIMITS,
  type ListedFile,
} from '../snapshot/ssh-inventory';
import type { Host } from '../snapshot/template';
import { formatBytes, parseBytes } from '../snapshot/units';
import { utf8 } from './local-capture';

type SshHost = Extract<Host, { provider: 'ssh' }>;

interface Ran {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Host key algorithms to ask the server for, so it presents the pinned key's type and no other. */
const algorithmsFor = (keyType: string) => (keyType === 'ssh-rsa' ? 'rsa-sha2-512,rsa-sha2-256,ssh-rsa' : keyType);

/** The pinned key's alias in the one-line known_hosts file each capture writes. */
const ALIAS = 'mosaic-pinned-host';

/**
 * The worker's end of one SSH host: the system OpenSSH client with no user
 * configuration, batch mode (no prompt can hang it), only the named key, and
 * only the registered host key trusted. Each command's output and time are
 * bounded; a run past a bound is killed and refused, never cut silently.
 */
class SshChannel {
  private readonly args: string[];

  constructor(
    private readonly host: SshHost,
    keyFile: string,
    knownHosts: string,
    /** Called as each command starts: the activity heartbeats, and no command outlasts the heartbeat timeout. */
    private readonly onCommand: (what: string) => void,
  ) {
    this.args = [
      '-F',
      '/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      `IdentityFile=${keyFile}`,
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `HostKeyAlias=${ALIAS}`,
      '-o',
      `HostKeyAlgorithms=${algorithmsFor(host.hostKey.split(' ')[0]!)}`,
      '-o',
      `ConnectTimeout=${SSH_LIMITS.connectSeconds}`,
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      '-o',
      'LogLevel=ERROR',
      '-p',
      String(host.port),
      '-l',
      host.user,
      '--',
      host.address,
    ];
  }

  /** Runs a POSIX shell command on the host, `stdin` fed to it; refuses output past the byte bound or a run past the time bound. */
  run(what: string, command: string, stdin?: Buffer): Promise<Ran> {
    this.onCommand(what);
    return new Promise((resolve, reject) => {
      const child = spawn('ssh', [...this.args, `export LC_ALL=C; ${command}`], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let bytes = 0;
      let stderr = '';
      let failed: Error | undefined;
      const fail = (err: Error) => {
        failed ??= err;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(
        () =>
          fail(
            new CaptureTooLarge(
              `${what} on host ${this.host.name} took longer than ${SSH_LIMITS.commandSeconds} s; capture a narrower path (sources[].path)`,
            ),
          ),
        SSH_LIMITS.commandSeconds * 1000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > SSH_LIMITS.outputBytes)
          fail(
            new CaptureTooLarge(
              `${what} on host ${this.host.name} printed more than ${formatBytes(SSH_LIMITS.outputBytes)}; capture a narrower path (sources[].path)`,
            ),
          );
        else out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
      });
      // The remote end may close its input before reading all of it (a command that failed early): that is its exit code's story.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? Buffer.alloc(0));
      child.on('error', (err) =>
        fail(new HostUnavailable(`the ssh client cannot run on this worker (${err.message}); install openssh-client`)),
      );
      child.on('close', (code) => {
        clearTimeout(timer);
        if (failed) return reject(failed);
        if (code === 255) return reject(this.connectionFailure(stderr));
        resolve({ stdout: Buffer.concat(out), stderr: stderr.trim(), code: code ?? 1 });
      });
    });
  }

  /** What ssh's own failure (exit 255) means, and whether trying again can help. */
  private connectionFailure(stderr: string): Error {
    const h = this.host;
    const detail = stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    if (/host key verification failed|identification has changed|host key for .* has changed|no matching host key type/i.test(stderr))
      return new HostKeyMismatch(
        `host ${h.name} (${h.address}:${h.port}) presented a host key other than the registered ${h.hostKey.split(' ')[0]} key; nothing was read. If the host was re-keyed, check its new key out of band and register it with --replace`,
      );
    if (/permission denied|too many authentication failures/i.test(stderr))
      return new HostUnavailable(
        `host ${h.name} refused key ${h.key} for user ${h.user} (${detail}); add its public key to ~${h.user}/.ssh/authorized_keys there, or fix the host's user or key`,
      );
    if (/unprotected private key|bad permissions|load key|invalid format/i.test(stderr))
      return new HostUnavailable(`key ${h.key} of host ${h.name} cannot be used (${detail}); it must be a private key file of mode 0600`);
    // Refused, timed out, unresolved, reset: the host or the network may come back, so the activity retries.
    return new Error(`host ${h.name} (${h.address}:${h.port}) is not reachable over SSH: ${detail || 'the connection failed'}`);
  }
}

/** The key file a host names, inside the worker's key directory and nowhere else. */
function keyFileOf(host: SshHost, keyDir: string): string {
  const missing = () =>
    new HostUnavailable(
      `host ${host.name} names key ${host.key}, which is not a file in the worker's key directory ${keyDir} (MOSAIC_SSH_KEY_DIR); put the private key there with mode 0600`,
    );
  let real: string;
  try {
    real = fs.realpathSync(path.join(keyDir, host.key));
  } catch {
    throw missing();
  }
  if (!inside(real, fs.realpathSync(keyDir)) || !fs.statSync(real).isFile()) throw missing();
  return real;
}

/** One channel to the host for `fn`, with a throwaway known_hosts holding only the pinned key. */
async function withChannel<T>(
  host: SshHost,
  keyDir: string,
  onProgress: (step: string) => void,
  fn: (ssh: SshChannel) => Promise<T>,
): Promise<T> {
  const keyFile = keyFileOf(host, keyDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-ssh-'));
  try {
    const knownHosts = path.join(tmp, 'known_hosts');
    fs.writeFileSync(knownHosts, `${ALIAS} ${host.hostKey}\n`, { mode: 0o600 });
    return await fn(new SshChannel(host, keyFile, knownHosts, onProgress));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const nulList = (paths: string[]) => Buffer.from(paths.map((p) => `${p}\0`).join(''));

/**
 * A live SSH host as a snapshot: the files under `requested` (within one of
 * its allowed paths, by name and after every symlink is resolved on the
 * host), hashed there; the services listening there with their commands;
 * the installed Debian packages; the mounts under the allowed paths and the
 * declared volumes, with their sizes. Small text files travel inline like a
 * local host's; larger or binary ones are carried by reference (`ssh://`).
 */
export async function captureSshHost(
  host: SshHost,
  requested: string,
  keyDir: string,
  onProgress: (step: string) => void = () => undefined,
): Promise<Resource[]> {
  const wanted = path.posix.normalize(requested);
  const allowed = host.allowedPaths.find((a) => inside(wanted, path.posix.normalize(a)));
  if (requested.split('/').includes('..') || !allowed)
    throw new PathOutsideRoots(
      `path ${requested} is outside what host ${host.name} allows (${host.allowedPaths.join(', ')}); use one of those paths or a path below one`,
    );
  return withChannel(host, keyDir, onProgress, async (ssh) => {
    const resolved = await ssh.run(
      'resolving the path',
      `realpath -z -e -- ${shellQuote(allowed)} || exit 3; realpath -z -e -- ${shellQuote(wanted)} || exit 4`,
    );
    if (resolved.code === 3) throw new HostUnavailable(`allowed path ${allowed} does not exist on host ${host.name}`);
    if (resolved.code === 4) throw new HostUnavailable(`path ${requested} does not exist on host ${host.name}`);
    if (resolved.code !== 0)
      throw new HostUnavailable(`host ${host.name} cannot resolve ${requested}: ${resolved.stderr || `exit ${resolved.code}`}`);
    const [allowedReal, start] = parseRealPaths(resolved.stdout);
    if (!allowedReal || !start) throw new Error(`host ${host.name} answered the path resolution incompletely; trying again`);
    if (!inside(start, allowedReal))
      throw new PathOutsideRoots(`path ${requested} on host ${host.name} leads through a symlink outside ${allowed}`);

    const files = await listFiles(ssh, host, start, wanted, allowed, allowedReal);
    const resources = await readFiles(ssh, host, files);
    const declared = await declaredVolumes(ssh, host);
    // A mount the host also declares as a volume is that volume, under the declared name and size.
    const found = (await inventory(ssh, host)).filter(
      (r) => r.kind !== 'volume' || !declared.some((d) => d.kind === 'volume' && (d.name === r.name || d.origin === r.origin)),
    );
    return withServicePorts([...resources, ...found, ...declared]);
  });
}

/** A file a capture carried by reference: where it is on the host, and what it was when captured. */
export interface SshFileToCopy {
  /** The path on the host, as the capture resolved it (the path of its `ssh://host/path` origin). */
  path: string;
  hash: string;
  size: number;
}

/**
 * Copies files a capture carried by reference into `into` (each at its host
 * path below it), over the same pinned-host-key channel. Only paths inside
 * the host's allowed paths are read; each command brings at most
 * SSH_LIMITS.outputBytes, so a larger file is refused by name; every copy is
 * checked against the hash the capture recorded, and one that differs (the
 * file changed or was tampered with since) fails for good.
 */
export async function copySshFiles(
  host: SshHost,
  files: SshFileToCopy[],
  into: string,
  keyDir: string,
  onProgress: (step: string) => void = () => undefined,
): Promise<void> {
  for (const f of files) {
    if (f.path.split('/').includes('..') || !host.allowedPaths.some((a) => inside(path.posix.normalize(f.path), path.posix.normalize(a))))
      throw new PathOutsideRoots(`${f.path} is outside what host ${host.name} allows (${host.allowedPaths.join(', ')}); it is not copied`);
    if (f.size > SSH_LIMITS.outputBytes)
      throw new CaptureTooLarge(
        `${f.path} on host ${host.name} is ${formatBytes(f.size)}, more than the ${formatBytes(SSH_LIMITS.outputBytes)} one copy brings; capture a path without it or carry it in a volume`,
      );
  }
  if (!files.length) return;
  // Batches of files whose sizes add up to at most one command's output.
  const batches: SshFileToCopy[][] = [[]];
  let bytes = 0;
  for (const f of files) {
    if (bytes + f.size > SSH_LIMITS.outputBytes && batches.at(-1)!.length) {
      batches.push([]);
      bytes = 0;
    }
    batches.at(-1)!.push(f);
    bytes += f.size;
  }
  await withChannel(host, keyDir, onProgress, async (ssh) => {
    for (const batch of batches) {
      const ran = await ssh.run(
        `copying ${batch.length} file${batch.length === 1 ? '' : 's'}`,
        'xargs -0 -r cat --',
        nulList(batch.map((f) => f.path)),
      );
      const parts =
        ran.code === 0
          ? splitContent(
              ran.stdout,
              batch.map((f) => f.size),
            )
          : undefined;
      if (!parts) {
        const named = batch
          .slice(0, 3)
          .map((f) => f.path)
          .join(', ');
        throw new FileChanged(
          `files on host ${host.name} (${named}${batch.length > 3 ? ', …' : ''}) are no longer what was captured: ${ran.code === 0 ? 'their sizes changed' : `reading them failed (${ran.stderr.slice(0, 200) || `exit ${ran.code}`})`}; compose again to capture them anew`,
        );
      }
      batch.forEach((f, i) => {
        const bytes = parts[i]!;
        if (createHash('sha256').update(bytes).digest('hex') !== f.hash)
          throw new FileChanged(
            `${f.path} on host ${host.name} no longer matches what was captured (sha256 ${f.hash}, ${formatBytes(f.size)}): it changed or was removed since; compose again to capture it anew`,
          );
        const target = path.join(into, f.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, bytes, { mode: 0o600 });
      });
    }
  });
}

/**
 * The regular files of a volume of an SSH host (origin `ssh://host/path`),
 * copied into `into` under their paths on the host, each checked against the
 * sha256 taken on the host just before. The volume must still be a directory
 * inside an allowed path after symlinks; links inside it are not followed
 * and not copied (the capture measured where the volume is, not where they
 * point). Bounded: at most SSH_LIMITS.files files and SSH_LIMITS.volumeBytes,
 * else CaptureTooLarge names the bound. Returns what was copied.
 */
export async function copySshVolume(
  host: SshHost,
  volume: { name: string; path: string },
  into: string,
  keyDir: string,
  onProgress: (step: string) => void = () => undefined,
): Promise<{ files: number; bytes: number; skipped: number }> {
  const allowed = host.allowedPaths.find((a) => inside(path.posix.normalize(volume.path), path.posix.normalize(a)));
  if (volume.path.split('/').includes('..') || !allowed)
    throw new PathOutsideRoots(
      `volume ${volume.name} of host ${host.name} is at ${volume.path}, outside what the host allows; it is not copied`,
    );
  const listed = await withChannel(host, keyDir, onProgress, async (ssh) => {
    const ran = await ssh.run(
      `listing volume ${volume.name}`,
      // Exit 4: gone or no directory; 5: it leads out of the allowed path. Then regular files, and the count of anything else.
      `a=$(realpath -e -- ${shellQuote(allowed)}) && r=$(realpath -e -- ${shellQuote(volume.path)}) && [ -d "$r" ] || exit 4; case "$r/" in "$a"/*) ;; *) exit 5;; esac; [ "$r" = ${shellQuote(volume.path)} ] || exit 5; find -P "$r" -type f -printf '%s %m %p\\0' | head -z -n ${SSH_LIMITS.files + 1}; printf 'skipped %s\\0' "$(find -P "$r" ! -type f ! -type d | wc -l)"`,
    );
    if (ran.code === 4)
      throw new FileChanged(
        `volume ${volume.name} of host ${host.name}: ${volume.path} is no longer a directory there; compose again to capture it anew`,
      );
    if (ran.code === 5)
      throw new PathOutsideRoots(
        `volume ${volume.name} of host ${host.name}: ${volume.path} now leads through a symlink; it is not copied`,
      );
    if (ran.code !== 0)
      throw new Error(`host ${host.name} did not list volume ${volume.name} (${ran.stderr || `exit ${ran.code}`}); trying again`);
    const skipped = Number(/skipped (\d+)\0$/.exec(ran.stdout.toString('utf8'))?.[1] ?? 0);
    const files = parseListing(ran.stdout);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    if (files.length > SSH_LIMITS.files || bytes > SSH_LIMITS.volumeBytes)
      throw new CaptureTooLarge(
        `volume ${volume.name} of host ${host.name} holds ${files.length > SSH_LIMITS.files ? `more than ${SSH_LIMITS.files} files` : formatBytes(bytes)}, more than the ${SSH_LIMITS.files} files and ${formatBytes(SSH_LIMITS.volumeBytes)} a copy from an SSH host brings; leave it out of the host's registration (volumes, allowedPaths) or move its data another way`,
      );
    const hashes = files.length
      ? parseHashes(
          (await ssh.run(`hashing volume ${volume.name}`, 'xargs -0 -r sha256sum -z --', nulList(files.map((f) => f.path)))).stdout,
        )
      : new Map<string, string>();
    if (files.some((f) => !hashes.has(f.path)))
      throw new Error(`files of volume ${volume.name} on host ${host.name} changed while they were listed; trying again`);
    return { files: files.map((f) => ({ path: f.path, size: f.size, hash: hashes.get(f.path)! })), bytes, skipped };
  });
  await copySshFiles(host, listed.files, into, keyDir, onProgress);
  return { files: listed.files.length, bytes: listed.bytes, skipped: listed.skipped };
}

type Found = ListedFile & { shown: string; real: string };

/** Every regular file under the start (symlinks followed, each checked to stay inside the allowed path), at most SSH_LIMITS.files. */
async function listFiles(
  ssh: SshChannel,
  host: SshHost,
  start: string,
  wanted: string,
  allowed: string,
  allowedReal: string,
): Promise<Found[]> {
  const listing = await ssh.run(
    'listing files',
    `find -L ${shellQuote(start)} -type f -printf '%s %m %p\\0' 2>/dev/null | head -z -n ${SSH_LIMITS.files + 1}`,
  );
  const listed = parseListing(listing.stdout);
  if (listed.length > SSH_LIMITS.files)
    throw new CaptureTooLarge(
      `path ${wanted} on host ${host.name} holds more than ${SSH_LIMITS.files} files; capture a narrower path (sources[].path)`,
    );
  if (!listed.length) return [];
  const reals = parseRealPaths(
    (await ssh.run('resolving files', 'xargs -0 -r realpath -z -e --', nulList(listed.map((f) => f.path)))).stdout,
  );
  if (reals.length !== listed.length)
    throw new Error(`files under ${wanted} on host ${host.name} changed while they were listed; trying again`);
  return listed
    .map((f, i) => {
      const shown = path.posix.join(wanted, f.path.slice(start.length));
      const real = reals[i]!;
      if (!inside(real, allowedReal))
        throw new PathOutsideRoots(
          `${shown} on host ${host.name} leads through a symlink to ${real}, outside ${allowed}; remove the link or capture a path without it`,
        );
      return { ...f, shown, real };
    })
    .sort((a, b) => a.shown.localeCompare(b.shown));
}

/** Hashes every file on the host, and brings small text files' content, checked against those hashes. */
async function readFiles(ssh: SshChannel, host: SshHost, files: Found[]): Promise<Resource[]> {
  if (!files.length) return [];
  const reals = [...new Set(files.map((f) => f.real))];
  const hashes = parseHashes((await ssh.run('hashing files', 'xargs -0 -r sha256sum -z --', nulList(reals))).stdout);
  const changed = () => new Error(`files on host ${host.name} changed while they were captured; trying again`);
  if (reals.some((r) => !hashes.has(r))) throw changed();

  const sizeOf = new Map(files.map((f) => [f.real, f.size]));
  let budget: number = SSH_LIMITS.contentBytes;
  const small = reals.filter((r) => {
    const size = sizeOf.get(r)!;
    if (size > SSH_LIMITS.inlineBytes || size > budget) return false;
    budget -= size;
    return true;
  });
  const content = new Map<string, string | undefined>();
  if (small.length) {
    const sizes = small.map((r) => sizeOf.get(r)!);
    const parts = splitContent((await ssh.run('reading files', 'xargs -0 -r cat --', nulList(small))).stdout, sizes);
    if (!parts) throw changed();
    parts.forEach((bytes, i) => {
      if (createHash('sha256').update(bytes).digest('hex') !== hashes.get(small[i]!)) throw changed();
      content.set(small[i]!, utf8(bytes));
    });
  }
  return files.map((f) => {
    const text = content.get(f.real);
    return {
      kind: 'file' as const,
      path: f.shown,
      hash: hashes.get(f.real)!,
      size: f.size,
      mode: f.mode,
      dependsOn: [],
      ...(text === undefined ? { origin: `ssh://${host.name}${f.real}` } : { content: text }),
    };
  });
}

/** Listening services with their commands, installed packages, and the mounts under the allowed paths: one round trip, then one for the commands. */
async function inventory(ssh: SshChannel, host: SshHost): Promise<Resource[]> {
  const ran = await ssh.run(
    'reading services, packages and mounts',
    [
      'echo @@ss; ss -Hltnp 2>/dev/null | head -n 2048',
      `echo @@dpkg; dpkg-query -W -f='\${db:Status-Abbrev}\\t\${Package}\\t\${Version}\\n' 2>/dev/null | head -n ${SSH_LIMITS.packages + 1}`,
      `echo @@df; df -B1 --output=fstype,size,used,target 2>/dev/null | head -n ${SSH_LIMITS.mounts + 1}`,
    ].join('; '),
  );
  const sections = new Map<string, string>();
  for (const part of ran.stdout.toString('utf8').split(/^@@/m).slice(1)) {
    const nl = part.indexOf('\n');
    sections.set(part.slice(0, nl), part.slice(nl + 1));
  }
  const listeners = parseListeners(sections.get('ss') ?? '');
  const pids = [...new Set(listeners.flatMap((l) => (l.pid === undefined ? [] : [l.pid])))].slice(0, SSH_LIMITS.services);
  const commands = pids.length
    ? parseCommands(
        (
          await ssh.run(
            'reading service commands',
            `for p in ${pids.join(' ')}; do echo "pid $p"; head -c 262144 /proc/$p/cmdline 2>/dev/null | base64 -w0; echo; done`,
          )
        ).stdout.toString('utf8'),
      )
    : new Map<number, string[]>();
  return [
    ...servicesFrom(listeners, commands, host.port),
    ...parsePackages(sections.get('dpkg') ?? ''),
    ...mountVolumes(parseMounts(sections.get('df') ?? ''), host.allowedPaths, host.name),
  ];
}

/** The host's declared volumes: each a directory inside an allowed path (after symlinks), sized by its files (as a local host's volume is) or its declared capacity. */
async function declaredVolumes(ssh: SshChannel, host: SshHost): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const v of host.volumes) {
    const allowed = host.allowedPaths.find((a) => inside(path.posix.normalize(v.path), path.posix.normalize(a)));
    if (!allowed)
      throw new PathOutsideRoots(
        `volume ${v.name} of host ${host.name} is at ${v.path}, outside what the host allows (${host.allowedPaths.join(', ')})`,
      );
    const ran = await ssh.run(
      `measuring volume ${v.name}`,
      `a=$(realpath -e -- ${shellQuote(allowed)}) && r=$(realpath -e -- ${shellQuote(v.path)}) && [ -d "$r" ] || exit 4; printf '%s\\n%s\\n' "$a" "$r"; find "$r" -type f -printf '%s\\n' | awk '{ s += $1 } END { print s + 0 }'`,
    );
    if (ran.code === 4) throw new HostUnavailable(`volume ${v.name} of host ${host.name}: ${v.path} is not a directory on the host`);
    const [allowedReal, real, used] = ran.stdout.toString('utf8').split('\n');
    if (!allowedReal || !real || !/^\d+$/.test(used ?? ''))
      throw new Error(`host ${host.name} did not measure volume ${v.name}; trying again`);
    if (!inside(real, allowedReal))
      throw new PathOutsideRoots(`volume ${v.name} of host ${host.name}: ${v.path} leads through a symlink outside ${allowed}`);
    const declared = v.size === undefined ? undefined : parseBytes(v.size)!;
    if (declared !== undefined && declared < Number(used))
      throw new HostUnavailable(
        `volume ${v.name} of host ${host.name} holds ${formatBytes(Number(used))}, more than its declared size ${formatBytes(declared)}; raise size or leave it out`,
      );
    out.push({
      kind: 'volume',
      name: v.name,
      size: declared ?? Number(used),
      optional: v.optional,
      origin: `ssh://${host.name}${real}`,
      dependsOn: [],
    });
  }
  return out;
}
