import type { Limits } from './manifest';
import { formatBytes, formatCpu } from './units';
import { compatibleVersions } from './versions';
import { describe, keyOf, type Claim, type Resource, type ServiceResource, type Snapshot } from './resources';

export type ConflictKind = 'port' | 'file' | 'env' | 'package' | 'service' | 'volume' | 'capacity';

/** Two or more sources asking for the same thing in ways that cannot all hold. */
export interface Conflict {
  kind: ConflictKind;
  /** The contested key; for capacity, both services' keys joined by " + ". */
  key: string;
  claims: Claim[];
  detail: string;
}

export interface Detection {
  /** Every key with its claims in manifest order (the first claim of each source only). */
  claims: Map<string, Claim[]>;
  conflicts: Conflict[];
}

const sameService = (a: ServiceResource, b: ServiceResource) =>
  JSON.stringify([a.command, a.env, a.ports, a.healthCheck, a.cpu, a.memory]) ===
  JSON.stringify([b.command, b.env, b.ports, b.healthCheck, b.cpu, b.memory]);

/** Whether two claims on one key disagree, and how to say so. */
function disagreement(a: Resource, b: Resource): { kind: ConflictKind; detail: string } | undefined {
  if (a.kind === 'file' && b.kind === 'file')
    return a.hash === b.hash ? undefined : { kind: 'file', detail: 'same path, different content' };
  if (a.kind === 'port' && b.kind === 'port')
    return a.service === b.service && a.service !== undefined
      ? undefined
      : { kind: 'port', detail: 'the same port for different services' };
  if (a.kind === 'env' && b.kind === 'env')
    return a.value === b.value
      ? undefined
      : { kind: 'env', detail: `different values ${JSON.stringify(a.value)} and ${JSON.stringify(b.value)}` };
  if (a.kind === 'package' && b.kind === 'package') {
    return compatibleVersions(a.version, b.version)
      ? undefined
      : { kind: 'package', detail: `incompatible versions ${a.version} and ${b.version}` };
  }
  if (a.kind === 'service' && b.kind === 'service')
    return sameService(a, b) ? undefined : { kind: 'service', detail: 'same name, different definition' };
  if (a.kind === 'volume' && b.kind === 'volume')
    return a.size === b.size ? undefined : { kind: 'volume', detail: `different sizes ${a.size} and ${b.size} bytes` };
  return undefined;
}

function capacityConflicts(claims: Map<string, Claim[]>, limits: Limits): Conflict[] {
  type ServiceClaim = Claim & { resource: ServiceResource };
  const services = [...claims.values()].flatMap((cs) => cs.filter((c): c is ServiceClaim => c.resource.kind === 'service'));
  const out: Conflict[] = [];
  // Largest first: once a partner fits, every smaller one does too, so the scan stops early.
  for (const dim of ['cpu', 'memory'] as const) {
    const limit = limits[dim];
    if (limit === undefined) continue;
    const sorted = [...services].sort((x, y) => y.resource[dim] - x.resource[dim]);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[i]!.resource[dim] + sorted[j]!.resource[dim] > limit; j++) {
        const [a, b] = [sorted[i]!, sorted[j]!].sort((x, y) => x.source.index - y.source.index) as [ServiceClaim, ServiceClaim];
        if (a.source.index === b.source.index || a.resource.name === b.resource.name) continue;
        const key = `${keyOf(a.resource)} + ${keyOf(b.resource)}`;
        if (out.some((c) => c.key === key)) continue;
        const need = a.resource[dim] + b.resource[dim];
        const amount = (n: number) => (dim === 'cpu' ? formatCpu(n) : formatBytes(n));
        out.push({
          kind: 'capacity',
          key,
          claims: [a, b],
          detail: `together they need ${amount(need)} of ${dim}, and resource_limits.${dim} is ${amount(limit)}`,
        });
      }
    }
  }
  return out;
}

/**
 * Every conflict between sources: the same port, a file path with different
 * content, an env var with different values, a package at incompatible
 * versions, a service or volume defined differently, and services of
 * different sources that cannot both fit in the limits.
 */
export function detectConflicts(snapshots: Snapshot[], limits: Limits = {}): Detection {
  const claims = new Map<string, Claim[]>();
  for (const snapshot of [...snapshots].sort((a, b) => a.source.index - b.source.index)) {
    for (const resource of snapshot.resources) {
      const key = keyOf(resource);
      const list = claims.get(key);
      if (!list) claims.set(key, [{ source: snapshot.source, resource }]);
      else if (!list.some((c) => c.source.index === snapshot.source.index)) list.push({ source: snapshot.source, resource });
    }
  }
  const conflicts: Conflict[] = [];
  for (const [key, list] of claims) {
    if (list.length < 2) continue;
    let found: { kind: ConflictKind; detail: string } | undefined;
    for (let i = 0; i < list.length && !found; i++) {
      for (let j = i + 1; j < list.length && !found; j++) found = disagreement(list[i]!.resource, list[j]!.resource);
    }
    if (found) conflicts.push({ key, claims: list, ...found });
  }
  conflicts.push(...capacityConflicts(claims, limits));
  return { claims, conflicts };
}

/** "port 8080/tcp: template_a (port 8080/tcp of web) vs production_server_1 (port 8080/tcp of api): …" */
export function conflictText(c: Conflict): string {
  return `${c.kind} ${c.key}: ${c.claims.map((cl) => `${cl.source.label} (${describe(cl.resource)})`).join(' vs ')}: ${c.detail}`;
}
