import path from 'node:path';
import { COMMAND_LIMITS } from '../service-command';
import type { Resource } from './resources';

/**
 * The pure half of capturing a host over SSH: what the remote commands print
 * (GNU find, sha256sum, ss, dpkg-query, df), read into resources. Every
 * reader takes bounded input (the transport cuts it) and never throws on odd
 * lines: a line it cannot read is skipped, not guessed at.
 */

/** Bounds of one capture; the transport enforces the byte and time ones, these readers the counts. */
export const SSH_LIMITS = {
  connectSeconds: 10,
  /** One remote command, including hashing every listed file: under the capture activity's 30 s heartbeat timeout, which it beats between commands. */
  commandSeconds: 25,
  files: 10_000,
  /** Bytes of one command's output (listings, hashes, inventories). */
  outputBytes: 16 * 2 ** 20,
  /** Text files up to this size travel inline, as for local hosts. */
  inlineBytes: 64 * 1024,
  /** All inline content of one capture together; files past it are carried by reference. */
  contentBytes: 32 * 2 ** 20,
  /** Bytes of one SSH host's volume copied into a workspace, in batches of outputBytes. */
  volumeBytes: 256 * 2 ** 20,
  services: 256,
  packages: 10_000,
  mounts: 256,
} as const;

export const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);

/** A word the remote POSIX shell reads back as exactly `s`. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** NUL-terminated records. */
const records = (out: Buffer): string[] => {
  const text = out.toString('utf8');
  const parts = text.split('\0');
  parts.pop(); // After the last NUL: nothing, or a record cut by the byte bound.
  return parts;
};

export interface ListedFile {
  path: string;
  size: number;
  mode: number;
}

/** `find -printf '%s %m %p\0'`: size, octal mode, path (the path may hold spaces, the first two fields cannot). */
export function parseListing(out: Buffer): ListedFile[] {
  const files: ListedFile[] = [];
  for (const rec of records(out)) {
    const m = /^(\d+) ([0-7]{1,4}) (\/.*)$/s.exec(rec);
    if (m) files.push({ size: Number(m[1]), mode: parseInt(m[2]!, 8), path: m[3]! });
  }
  return files;
}

/** `sha256sum -z`: "<64 hex>  <path>\0" per file, by path. */
export function parseHashes(out: Buffer): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const rec of records(out)) {
    const m = /^([0-9a-f]{64}) [ *](.*)$/s.exec(rec);
    if (m) byPath.set(m[2]!, m[1]!);
  }
  return byPath;
}

/** `realpath -z`: one real path per listed path, in order. */
export const parseRealPaths = (out: Buffer): string[] => records(out);

export interface Listener {
  port: number;
  /** The process holding the socket, when the login may see it (`ss -p` shows only the user's own otherwise). */
  pid?: number;
  process?: string;
}

/** `ss -Hltnp`: the listening TCP sockets, one per port (IPv4 and IPv6 of one port are one listener). */
export function parseListeners(text: string): Listener[] {
  const byPort = new Map<number, Listener>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'LISTEN' || fields.length < 5) continue;
    const local = fields[3]!;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
    const user = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+),/.exec(line);
    const seen = byPort.get(port);
    if (seen?.pid !== undefined) continue;
    byPort.set(port, user ? { port, pid: Number(user[2]), process: user[1]! } : { port });
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/**
 * `pid <n>` then the base64 of /proc/<n>/cmdline, per process: the command
 * as execve took it, NUL-separated. Bounded to what a service command may be.
 */
export function parseCommands(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^pid (\d+)$/.exec(lines[i]!);
    if (!m) continue;
    const argv = Buffer.from(lines[i + 1]!.trim(), 'base64')
      .toString('utf8')
      .split('\0')
      .filter((a) => a.length > 0)
      .slice(0, COMMAND_LIMITS.args)
      .map((a) => a.slice(0, COMMAND_LIMITS.argChars));
    if (argv.length) out.set(Number(m[1]), argv);
    i++;
  }
  return out;
}

/** A process name as a service name: lower-case letters, digits, dashes and underscores. */
const serviceName = (process: string) =>
  process
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 40) || 'service';

/**
 * Listening services as service resources, one per process with every port it
 * holds, its command read from the host; sockets whose process the login may
 * not see become port resources. The port the capture came in by is the
 * host's sshd, the access path rather than the workload, and is left out.
 */
export function servicesFrom(listeners: Listener[], commands: Map<number, string[]>, accessPort: number): Resource[] {
  const byPid = new Map<number, { process: string; ports: number[] }>();
  const bare: Resource[] = [];
  for (const l of listeners) {
    if (l.port === accessPort) continue;
    if (l.pid === undefined) {
      bare.push({ kind: 'port', number: l.port, protocol: 'tcp', dependsOn: [] });
      continue;
    }
    const s = byPid.get(l.pid) ?? { process: l.process ?? 'service', ports: [] };
    s.ports.push(l.port);
    byPid.set(l.pid, s);
  }
  const counts = new Map<string, number>();
  for (const s of byPid.values()) counts.set(serviceName(s.process), (counts.get(serviceName(s.process)) ?? 0) + 1);
  const services: Resource[] = [...byPid].slice(0, SSH_LIMITS.services).map(([pid, s]) => {
    const base = serviceName(s.process);
    // Two processes of one program (two python3 servers) are two services, told apart by their first port.
    const name = counts.get(base)! > 1 ? `${base}-${s.ports[0]}` : base;
    const command = commands.get(pid);
    return {
      kind: 'service',
      name,
      ...(command ? { command } : {}),
      env: {},
      ports: s.ports,
      cpu: 0.1,
      memory: 64 * 2 ** 20,
      tiers: [],
      optional: false,
      dependsOn: [],
    };
  });
  return [...services, ...bare.slice(0, SSH_LIMITS.services)];
}

/** `dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\n'`: the installed packages (status ii). */
export function parsePackages(text: string): Resource[] {
  const out: Resource[] = [];
  for (const line of text.split('\n')) {
    const [status, name, version] = line.split('\t');
    if (status?.trim() !== 'ii' || !name || !version) continue;
    out.push({ kind: 'package', name, version, dependsOn: [] });
    if (out.length === SSH_LIMITS.packages) break;
  }
  return out;
}

export interface Mount {
  fstype: string;
  size: number;
  used: number;
  target: string;
}

/** `df -B1 --output=fstype,size,used,target`, header and all. */
export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\/.*)$/.exec(line.trim());
    if (m) out.push({ fstype: m[1]!, size: Number(m[2]), used: Number(m[3]), target: m[4]! });
  }
  return out.slice(0, SSH_LIMITS.mounts);
}

/** Filesystems that hold no data of the host's own: kernel views and memory. */
const PSEUDO = new Set(['tmpfs', 'devtmpfs', 'proc', 'sysfs', 'devpts', 'cgroup', 'cgroup2', 'mqueue', 'overlay', 'shm', 'ramfs']);

/** A volume's name from where it is mounted: /var/lib/data becomes var-lib-data. */
export const volumeName = (target: string) =>
  target
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'root';

/**
 * The mounts a composition may take as volumes: real filesystems mounted at or
 * below an allowed path (what the host allows is all a capture may see), sized
 * by their capacity; the origin names the host and the mount point.
 */
export function mountVolumes(mounts: Mount[], allowedPaths: string[], host: string): Resource[] {
  return mounts
    .filter((m) => !PSEUDO.has(m.fstype) && allowedPaths.some((a) => inside(m.target, path.posix.normalize(a))))
    .map((m) => ({
      kind: 'volume' as const,
      name: volumeName(m.target),
      size: m.size,
      optional: false,
      origin: `ssh://${host}${m.target}`,
      dependsOn: [],
    }));
}

/**
 * Splits the concatenated content of the listed files (`cat` in order) by
 * their listed sizes. Undefined when the bytes do not add up: a file changed
 * between listing and reading, and the capture must be taken again.
 */
export function splitContent(out: Buffer, sizes: number[]): Buffer[] | undefined {
  if (sizes.reduce((a, b) => a + b, 0) !== out.length) return undefined;
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(out.subarray(at, at + size));
    at += size;
  }
  return parts;
}
