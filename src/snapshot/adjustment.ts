import { createHash } from 'node:crypto';
import path from 'node:path';
import { keyOf, type Resource, type ServiceResource, type SourceRef } from './resources';

/** What the agent asks a losing source's provider: can this resource live in another form? */
export interface AdjustmentRequest {
  source: SourceRef;
  resource: Resource;
  /** Whether a key is already claimed by any source or reserved by an earlier adjustment. */
  taken: (key: string) => boolean;
}

/**
 * A source's provider, as the agent asks it to adjust (the specification's "negotiate with source providers to adjust resource requests"). `alternatives`
 * returns the forms the provider accepts, best first: another port, a renamed
 * path, a smaller size of a service. An empty list means the resource is
 * fixed as it is.
 */
export interface SourceAdjuster {
  alternatives(request: AdjustmentRequest): Promise<Resource[]>;
}

const PORT_SEARCH = 100;

/** The ports a moved port may take, nearest first. */
export function portsAbove(from: number): number[] {
  return Array.from({ length: Math.max(0, Math.min(65535, from + PORT_SEARCH) - from) }, (_, i) => from + 1 + i);
}

/**
 * What any source accepts without asking a live system: a port moves to the
 * next unclaimed number, a file moves to `<name>.<source>` beside it, a
 * service runs at one of the smaller tiers it declares.
 */
export const declaredAdjuster: SourceAdjuster = {
  async alternatives({ source, resource: r, taken }) {
    if (r.kind === 'port') {
      const port = portsAbove(r.number).find((p) => !taken(`port:${p}/${r.protocol}`));
      return port === undefined ? [] : [{ ...r, number: port }];
    }
    if (r.kind === 'file') {
      const renamed = path.posix.join(path.posix.dirname(r.path), `${path.posix.basename(r.path)}.${source.label}`);
      return taken(`file:${renamed}`) ? [] : [{ ...r, path: renamed }];
    }
    if (r.kind === 'service') return smallerTiers(r);
    return [];
  },
};

/** The service at each declared tier smaller than it runs now, largest first. */
export function smallerTiers(s: ServiceResource): ServiceResource[] {
  return s.tiers
    .filter((t) => t.cpu <= s.cpu && t.memory <= s.memory && (t.cpu < s.cpu || t.memory < s.memory))
    .sort((a, b) => b.cpu - a.cpu || b.memory - a.memory)
    .map((t) => ({ ...s, cpu: t.cpu, memory: t.memory }));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * After a resource moved (port 8080 → 8081, /etc/a.conf → /etc/a.conf.b),
 * every reference to it in the same source follows: dependsOn keys, env
 * values, service ports, health checks and commands, and the text of inline
 * config files (rehashed). Returns the rewritten resources and what changed.
 */
export function rewriteReferences(resources: Resource[], from: Resource, to: Resource): { resources: Resource[]; rewrote: string[] } {
  const [oldKey, newKey] = [keyOf(from), keyOf(to)];
  let replace: (text: string) => string;
  let movePort: (p: number) => number = (p) => p;
  if (from.kind === 'port' && to.kind === 'port') {
    const pattern = new RegExp(`(?<![\\d.])${from.number}(?![\\d.])`, 'g');
    replace = (text) => text.replace(pattern, String(to.number));
    movePort = (p) => (p === from.number ? to.number : p);
  } else if (from.kind === 'file' && to.kind === 'file') {
    replace = (text) => text.split(from.path).join(to.path);
  } else {
    replace = (text) => text;
  }
  const rewrote: string[] = [];
  const out = resources.map((r) => {
    if (keyOf(r) === oldKey) return to;
    const before = JSON.stringify(r);
    let next: Resource = { ...r, dependsOn: r.dependsOn.map((d) => (d === oldKey ? newKey : d)) };
    if (next.kind === 'env') next = { ...next, value: replace(next.value) };
    if (next.kind === 'service') {
      next = {
        ...next,
        env: Object.fromEntries(Object.entries(next.env).map(([k, v]) => [k, replace(v)])),
        command: Array.isArray(next.command) ? next.command.map(replace) : next.command,
        ports: next.ports.map(movePort),
        healthCheck: next.healthCheck && { ...next.healthCheck, port: movePort(next.healthCheck.port) },
      };
    }
    if (next.kind === 'file' && next.content !== undefined) {
      const content = replace(next.content);
      if (content !== next.content) next = { ...next, content, hash: sha256(content), size: Buffer.byteLength(content) };
    }
    if (JSON.stringify(next) === before) return r;
    rewrote.push(keyOf(next));
    return next;
  });
  return { resources: out, rewrote };
}
