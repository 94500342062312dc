import fs from 'node:fs';

/**
 * Who really holds a port, from the kernel's own tables: the listening
 * sockets in /proc/net/tcp{,6} by inode, and the processes whose file
 * descriptors point at those inodes. "Something answers on the port" is not
 * enough to call a service healthy: another process may be the one answering.
 */

const LISTEN = '0A';

/** Inodes of the TCP sockets listening on `port` (any address, IPv4 or IPv6). */
export function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== LISTEN) continue;
      const local = f[1]!;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && f[9] !== '0') inodes.add(f[9]!);
    }
  }
  return inodes;
}

/** The socket inodes a process holds open; empty once it has gone or when it is not ours to read. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** The process and every descendant (a service may be a shell that starts the real server). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** Every pid that holds a socket listening on `port`. */
export function portHolders(port: number): number[] {
  const inodes = listeningInodes(port);
  if (!inodes.size) return [];
  const holders: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const inode of socketInodes(Number(entry))) {
      if (inodes.has(inode)) {
        holders.push(Number(entry));
        break;
      }
    }
  }
  return holders;
}

export type PortOwnership =
  | { state: 'owned' }
  | { state: 'not-listening' }
  /** Someone else listens on it; `holders` may be empty when their /proc entries cannot be read. */
  | { state: 'held-by-other'; holders: { pid: number; program: string }[] };

const programOf = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

/** Whether `pid` (or one of its descendants) holds the listening socket of `port`. */
export function ownership(pid: number, port: number): PortOwnership {
  const inodes = listeningInodes(port);
  if (!inodes.size) return { state: 'not-listening' };
  for (const p of processTree(pid)) for (const inode of socketInodes(p)) if (inodes.has(inode)) return { state: 'owned' };
  return { state: 'held-by-other', holders: portHolders(port).map((p) => ({ pid: p, program: programOf(p) })) };
}

/** "port 8080 is held by pid 1234 (node), not by this service". */
export function ownershipText(port: number, o: PortOwnership): string {
  if (o.state === 'owned') return `holds port ${port}`;
  if (o.state === 'not-listening') return `nothing listens on port ${port}`;
  const who = o.holders.length ? o.holders.map((h) => `pid ${h.pid} (${h.program})`).join(', ') : 'another process';
  return `port ${port} is held by ${who}, not by this service`;
}
