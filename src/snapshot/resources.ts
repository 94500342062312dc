import { z } from 'zod';
import { governedRefSchema } from '../security/governed';
import { commandSchema, envValueSchema } from '../service-command';
import { BYTES_FORMS, CPU_FORMS, formatBytes, formatCpu, parseBytes, parseCpu } from './units';

/**
 * A snapshot is a list of typed resources. Each has a key (its identity across
 * sources: two sources with the same key ask for the same thing) and the keys
 * it depends on within its own source.
 */
const cpu = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const cores = parseCpu(v);
  if (cores === undefined) ctx.addIssue({ code: 'custom', message: `expected ${CPU_FORMS}` });
  return cores ?? 0;
});
const bytes = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseBytes(v);
  if (n === undefined) ctx.addIssue({ code: 'custom', message: `expected ${BYTES_FORMS}` });
  return n ?? 0;
});
const dependsOn = z.array(z.string().min(1)).default([]);
const portNumber = z.number().int().min(1).max(65535);

export const tierSchema = z.strictObject({ name: z.string().min(1), cpu, memory: bytes });

export const resourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('file'),
    path: z
      .string()
      .regex(/^\/(?!.*(^|\/)\.\.(\/|$)).*[^/]$/, { message: 'expected an absolute path without .. segments, such as /etc/app.conf' }),
    hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected the sha256 of the content, 64 hex digits' }),
    size: z.number().int().min(0),
    mode: z.number().int().min(0).max(0o7777).default(0o644),
    /** Text of small files, inline: what provisioning writes and what reference rewriting edits. */
    content: z.string().optional(),
    /**
     * Where the content comes from when it is not inline: in a template, a
     * registered file (`mosaic file register`) as name@version; in what a live
     * capture read, the path it read (checked against the host's allowed paths).
     */
    origin: z.string().optional(),
    dependsOn,
  }),
  z.strictObject({
    kind: z.literal('port'),
    number: portNumber,
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    service: z.string().optional(),
    dependsOn,
  }),
  z.strictObject({
    kind: z.literal('service'),
    name: z.string().regex(/^[a-z0-9][-a-z0-9_]*$/, { message: 'expected a lower-case name such as web' }),
    /**
     * A registered command as name@version (`mosaic command register`); retrieval
     * replaces it by the command line it registered. A command line as such is
     * taken only from a host's signed registration (its declared services).
     */
    command: z.union([governedRefSchema('command'), commandSchema]).optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name such as PORT' }),
        envValueSchema,
      )
      .default({}),
    ports: z.array(portNumber).default([]),
    healthCheck: z.strictObject({ port: portNumber, path: z.string().startsWith('/').optional() }).optional(),
    cpu: cpu.default(0.1),
    memory: bytes.default(64 * 2 ** 20),
    /** Smaller sizes the service can run at, offered as adjustments and chosen by the optimiser. */
    tiers: z.array(tierSchema).default([]),
    /** May be left out of the composition when the limits require it. */
    optional: z.boolean().default(false),
    dependsOn,
  }),
  z.strictObject({
    kind: z.literal('env'),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name such as DATABASE_URL' }),
    value: z.string(),
    dependsOn,
  }),
  z.strictObject({ kind: z.literal('package'), name: z.string().min(1), version: z.string().min(1), dependsOn }),
  z.strictObject({
    kind: z.literal('volume'),
    name: z.string().regex(/^[a-z0-9][-a-z0-9_]*$/, { message: 'expected a lower-case name such as data' }),
    size: bytes,
    optional: z.boolean().default(false),
    /** What the volume starts from, such as the EBS snapshot a live capture made (aws:snap-…). */
    origin: z.string().optional(),
    dependsOn,
  }),
]);

export type Resource = z.output<typeof resourceSchema>;
export type ResourceInput = z.input<typeof resourceSchema>;
export type ResourceKind = Resource['kind'];
export type ServiceResource = Extract<Resource, { kind: 'service' }>;
export type Tier = z.output<typeof tierSchema>;

export function keyOf(r: Resource): string {
  switch (r.kind) {
    case 'file':
      return `file:${r.path}`;
    case 'port':
      return `port:${r.number}/${r.protocol}`;
    case 'service':
      return `service:${r.name}`;
    case 'env':
      return `env:${r.name}`;
    case 'package':
      return `package:${r.name}`;
    case 'volume':
      return `volume:${r.name}`;
  }
}

/** The command line a service runs; a registered command must have been resolved (at retrieval) before anything starts. */
export function argvOf(s: ServiceResource): string[] | undefined {
  if (typeof s.command === 'string') throw new Error(`service ${s.name}: command ${s.command} was not resolved to its registration`);
  return s.command;
}

/** Declared dependencies plus the implied one: a service needs its ports. */
export function dependenciesOf(r: Resource): string[] {
  const implied = r.kind === 'service' ? r.ports.map((p) => `port:${p}/tcp`) : [];
  return [...new Set([...r.dependsOn, ...implied])];
}

/** A service listens on its health-check port too: counting it among `ports` makes that port claimed like the others. */
function withHealthPort(r: ServiceResource): ServiceResource {
  const port = r.healthCheck?.port;
  return port === undefined || r.ports.includes(port) ? r : { ...r, ports: [...r.ports, port] };
}

/**
 * The resources with every service's health-check port among its ports and a
 * port resource for every service port that lacks one: a port a service
 * listens on is claimed like any other, so two sources cannot both get it.
 * Idempotent.
 */
export function withServicePorts(resources: Resource[]): Resource[] {
  const normalised = resources.map((r) => (r.kind === 'service' ? withHealthPort(r) : r));
  const declared = new Set(normalised.filter((r) => r.kind === 'port').map(keyOf));
  const added: Resource[] = [];
  for (const r of normalised) {
    if (r.kind !== 'service') continue;
    for (const number of r.ports) {
      const key = `port:${number}/tcp`;
      if (declared.has(key)) continue;
      declared.add(key);
      added.push({ kind: 'port', number, protocol: 'tcp', service: r.name, dependsOn: [] });
    }
  }
  return added.length ? [...normalised, ...added] : normalised;
}

/** Ports two or more services listen on, with those services: one source may not ask for that, nor may a composition end so. */
export function sharedPorts(services: { name: string; ports: number[] }[]): { port: number; services: string[] }[] {
  const byPort = new Map<number, string[]>();
  for (const s of services) for (const p of new Set(s.ports)) byPort.set(p, [...(byPort.get(p) ?? []), s.name]);
  return [...byPort].filter(([, names]) => names.length > 1).map(([port, names]) => ({ port, services: names }));
}

/** The source a snapshot came from, as the manifest named it. */
export interface SourceRef {
  /** Position in the manifest: FIRST_WIN and LAST_WIN go by it. */
  index: number;
  /** The template id or the live host: what conflicts and decisions name. */
  label: string;
  type: 'template' | 'live';
  priority: number;
  tags: string[];
}

export interface Snapshot {
  source: SourceRef;
  resources: Resource[];
}

/** Every snapshot with its service ports claimed (see withServicePorts): what conflict detection and resolution work on. */
export const withClaimedPorts = (snapshots: Snapshot[]): Snapshot[] =>
  snapshots.map((s) => ({ ...s, resources: withServicePorts(s.resources) }));

/** One resource as a source asks for it. */
export interface Claim {
  source: SourceRef;
  resource: Resource;
}

export function describe(r: Resource): string {
  switch (r.kind) {
    case 'file':
      return `file ${r.path} (${r.hash.slice(0, 8)})`;
    case 'port':
      return `port ${r.number}/${r.protocol}${r.service ? ` of ${r.service}` : ''}`;
    case 'service':
      return `service ${r.name} (${formatCpu(r.cpu)}, ${formatBytes(r.memory)})`;
    case 'env':
      return `env ${r.name}=${r.value}`;
    case 'package':
      return `package ${r.name}@${r.version}`;
    case 'volume':
      return `volume ${r.name} (${formatBytes(r.size)})`;
  }
}
