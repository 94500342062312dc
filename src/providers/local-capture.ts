import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HostUnavailable, PathOutsideRoots } from '../snapshot/errors';
import { withServicePorts, type Resource } from '../snapshot/resources';
import { inside } from '../snapshot/ssh-inventory';
import { formatBytes, parseBytes } from '../snapshot/units';
import type { Host } from '../snapshot/template';

type LocalHost = Extract<Host, { provider: 'local' }>;

/** Files up to this size that are UTF-8 text travel inline: provisioning writes them and negotiation can rewrite them. */
const INLINE_LIMIT = 64 * 1024;
const PROGRESS_EVERY = 200;

/** The text of a UTF-8 file; undefined for binary content, which is carried by reference like a large file. */
export function utf8(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function hashFile(file: string): Promise<{ hash: string; text?: string }> {
  const size = fs.statSync(file).size;
  if (size <= INLINE_LIMIT) {
    const bytes = fs.readFileSync(file);
    return Promise.resolve({ hash: createHash('sha256').update(bytes).digest('hex'), text: utf8(bytes) });
  }
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve({ hash: h.digest('hex') }));
  });
}

/**
 * A live local host as a snapshot: the files under `requested` (a path on the
 * host, resolved under its root), hashed, and the services declared for it.
 * The path must lie within one of the host's allowed paths, by name and after
 * every symlink is resolved, so neither `..` nor a link leads anywhere else.
 */
export async function captureLocalHost(
  host: LocalHost,
  requested: string,
  onProgress: (files: number) => void = () => undefined,
): Promise<Resource[]> {
  if (!fs.existsSync(host.root))
    throw new HostUnavailable(`host ${host.name} is not reachable: its root ${host.root} does not exist on this worker`);
  const wanted = path.posix.normalize(requested);
  const allowed = host.allowedPaths.find((a) => inside(wanted, path.posix.normalize(a)));
  if (requested.split('/').includes('..') || !allowed) {
    throw new PathOutsideRoots(
      `path ${requested} is outside what host ${host.name} allows (${host.allowedPaths.join(', ')}); use one of those paths or a path below one`,
    );
  }
  const allowedReal = fs.realpathSync(path.join(host.root, allowed));
  let start: string;
  try {
    start = fs.realpathSync(path.join(host.root, wanted));
  } catch {
    throw new HostUnavailable(`path ${requested} does not exist on host ${host.name}`);
  }
  if (!inside(start, allowedReal))
    throw new PathOutsideRoots(`path ${requested} on host ${host.name} leads through a symlink outside ${allowed}`);

  const resources: Resource[] = [];
  const visited = new Set<string>();
  const walk = async (real: string, hostPath: string): Promise<void> => {
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of fs.readdirSync(real, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      let target = path.join(real, entry.name);
      const shown = path.posix.join(hostPath, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          target = fs.realpathSync(target);
        } catch {
          continue; // A dangling link points at nothing to capture.
        }
        if (!inside(target, allowedReal))
          throw new PathOutsideRoots(
            `${shown} on host ${host.name} is a symlink to ${target}, outside ${allowed}; remove it or capture a path without it`,
          );
      }
      const stat = fs.statSync(target);
      if (stat.isDirectory()) await walk(target, shown);
      else if (stat.isFile()) {
        const { hash, text } = await hashFile(target);
        resources.push({
          kind: 'file',
          path: shown,
          hash,
          size: stat.size,
          mode: stat.mode & 0o7777,
          dependsOn: [],
          ...(text === undefined ? { origin: target } : { content: text }),
        });
        if (resources.length % PROGRESS_EVERY === 0) onProgress(resources.length);
      }
    }
  };
  if (fs.statSync(start).isDirectory()) await walk(start, wanted);
  else {
    const { hash, text } = await hashFile(start);
    const stat = fs.statSync(start);
    resources.push({
      kind: 'file',
      path: wanted,
      hash,
      size: stat.size,
      mode: stat.mode & 0o7777,
      dependsOn: [],
      ...(text === undefined ? { origin: start } : { content: text }),
    });
  }
  onProgress(resources.length);
  return withServicePorts([...resources, ...host.services, ...captureVolumes(host)]);
}

/** Bytes the files under a directory take (symlinks not followed). */
function contentSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += contentSize(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/**
 * The host's declared volumes as volume resources whose origin is the
 * directory they are restored from. Each must lie within an allowed path, by
 * name and after symlinks, like every captured file; its size is the
 * declared capacity, which must hold the content, or the content's size.
 */
function captureVolumes(host: LocalHost): Resource[] {
  return host.volumes.map((v) => {
    const wanted = path.posix.normalize(v.path);
    const allowed = host.allowedPaths.find((a) => inside(wanted, path.posix.normalize(a)));
    if (!allowed)
      throw new PathOutsideRoots(
        `volume ${v.name} of host ${host.name} is at ${v.path}, outside what the host allows (${host.allowedPaths.join(', ')})`,
      );
    let real: string;
    try {
      real = fs.realpathSync(path.join(host.root, wanted));
    } catch {
      throw new HostUnavailable(`volume ${v.name} of host ${host.name}: ${v.path} does not exist on the host`);
    }
    if (!inside(real, fs.realpathSync(path.join(host.root, allowed))))
      throw new PathOutsideRoots(`volume ${v.name} of host ${host.name}: ${v.path} leads through a symlink outside ${allowed}`);
    if (!fs.statSync(real).isDirectory()) throw new HostUnavailable(`volume ${v.name} of host ${host.name}: ${v.path} is not a directory`);
    const used = contentSize(real);
    const declared = v.size === undefined ? undefined : parseBytes(v.size)!;
    if (declared !== undefined && declared < used)
      throw new HostUnavailable(
        `volume ${v.name} of host ${host.name} holds ${formatBytes(used)}, more than its declared size ${formatBytes(declared)}; raise size or leave it out`,
      );
    return { kind: 'volume', name: v.name, size: declared ?? used, optional: v.optional, origin: `local:${real}`, dependsOn: [] };
  });
}
