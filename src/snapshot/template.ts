import { createHash } from 'node:crypto';
import { z } from 'zod';
import { clip } from '../quote';
import { ManifestInvalid } from './errors';
import { fieldOf } from './manifest';
import { BYTES_FORMS, parseBytes } from './units';
import { resourceSchema, sharedPorts, withServicePorts, type Resource } from './resources';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
  message: 'expected an id of letters, digits, dots, dashes or underscores, such as template_a',
});

/** A file written with inline content needs no hash or size by hand: they are computed, and checked when given. */
function digestInline(input: unknown): unknown {
  const r = input as { kind?: unknown; content?: unknown; hash?: unknown; size?: unknown };
  if (typeof r !== 'object' || r === null || r.kind !== 'file' || typeof r.content !== 'string') return input;
  const hash = createHash('sha256').update(r.content).digest('hex');
  return { ...r, hash: r.hash ?? hash, size: r.size ?? Buffer.byteLength(r.content) };
}

const inlineFile = (r: z.output<typeof resourceSchema>) =>
  r.kind !== 'file' || r.content === undefined || r.hash === createHash('sha256').update(r.content).digest('hex');

/** Two services of one source on one port cannot both run: refused where the source is written, naming both. */
function onePortPerService(resources: Resource[], ctx: z.RefinementCtx): void {
  for (const { port, services } of sharedPorts(withServicePorts(resources).filter((r) => r.kind === 'service'))) {
    ctx.addIssue({
      code: 'custom',
      message: `services ${services.join(' and ')} both listen on port ${port} (ports or healthCheck.port); give each its own port`,
    });
  }
}

/** Where a volume starts from is what a live capture found (an EBS snapshot, a host directory): a template cannot point at the worker's files. */
const noVolumeOrigin = (r: Resource) => r.kind !== 'volume' || r.origin === undefined;

/** A stored template: a named snapshot anyone can compose from. */
export const templateSchema = z.strictObject({
  id,
  description: z.string().default(''),
  tags: z.array(z.string().min(1)).default([]),
  resources: z
    .array(
      z
        .preprocess(digestInline, resourceSchema)
        .refine(inlineFile, { message: 'hash is not the sha256 of content; leave hash out and it is computed' })
        .refine(noVolumeOrigin, { message: 'a template volume cannot have an origin; volumes with content come from live hosts' }),
    )
    .transform(withServicePorts)
    .superRefine(onePortPerService),
});

const volumeSize = z.union([z.string(), z.number()]).refine((v) => parseBytes(v) !== undefined, { message: `expected ${BYTES_FORMS}` });

const absolute = z
  .string()
  .regex(/^\/(?!.*(^|\/)\.\.(\/|$))/, { message: 'expected an absolute path without .. segments, such as /var/app' });

const hostVolumes = z
  .array(
    z.strictObject({
      name: z.string().regex(/^[a-z0-9][-a-z0-9_]*$/, { message: 'expected a lower-case name such as data' }),
      path: absolute,
      /** The volume's capacity; at least what its content takes. Left out: the content's size. */
      size: volumeSize.optional(),
      optional: z.boolean().default(false),
    }),
  )
  .default([])
  .refine((vs) => new Set(vs.map((v) => v.name)).size === vs.length, { message: 'expected each volume name once' });

/**
 * A live host Mosaic may capture. A local host is a directory on the worker's
 * machine standing for the host's filesystem (`root`), of which only the
 * `allowedPaths` may be captured, plus the services declared to run there.
 * An SSH host is a machine reached over SSH with a pinned host key, whose
 * files, listening services, packages and mounts are read there. An AWS host
 * is an EC2 instance whose volumes are snapshotted and whose tags are read.
 */
export const hostSchema = z.discriminatedUnion('provider', [
  z.strictObject({
    name: id,
    provider: z.literal('local'),
    root: z.string().regex(/^\//, { message: 'expected the absolute directory standing for the host filesystem' }),
    allowedPaths: z.array(absolute).min(1, { message: 'expected at least one path a composition may capture, such as /var/app' }),
    services: z
      .array(resourceSchema)
      .default([])
      .refine((rs) => rs.every((r) => r.kind === 'service'), { message: 'expected service resources only' })
      .superRefine(onePortPerService),
    /** Directories of the host that a composition restores as volumes: their content is copied into the workspace's volume. */
    volumes: hostVolumes,
  }),
  z.strictObject({
    name: id,
    provider: z.literal('ssh'),
    address: z.string().regex(/^(?:(?!-)[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:]{2,39})$/, {
      message: 'expected a host name or IP address such as 10.0.0.5 or web-1.internal',
    }),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'expected a login name such as deploy' }),
    /**
     * The private key's name in the worker's key directory (MOSAIC_SSH_KEY_DIR):
     * a reference the worker resolves, so the key itself is never in a request,
     * in MongoDB or in workflow history. Not a path: a path would let whoever
     * registers a host make the worker present any file on it as an identity.
     */
    key: z
      .string()
      .refine((k) => !/PRIVATE KEY|^-----/.test(k), {
        message:
          "expected the name of a key file in the worker's MOSAIC_SSH_KEY_DIR, not the key itself: put the key there (mode 0600) and give its file name",
      })
      .pipe(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
          message: "expected the file name of a key in the worker's MOSAIC_SSH_KEY_DIR, such as web-1_ed25519 (no directory)",
        }),
      ),
    /** The host's public key, pinned: a host presenting another key is refused (no trust on first use). */
    hostKey: z
      .string()
      .max(16_384, { message: 'expected one public key line, at most 16384 characters' })
      .trim()
      .regex(/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( \S.*)?$/, {
        message: 'expected the host\'s public key as "ssh-ed25519 AAAA…" (`ssh-keyscan -p PORT ADDRESS` prints it; check it out of band)',
      })
      // The comment is no part of the key: two registrations differing in it are one host.
      .transform((k) => k.split(' ').slice(0, 2).join(' ')),
    allowedPaths: z.array(absolute).min(1, { message: 'expected at least one path a composition may capture, such as /var/app' }),
    /** Directories of the host captured as volumes beside the mounts found under the allowed paths. */
    volumes: hostVolumes,
  }),
  z.strictObject({
    name: id,
    provider: z.literal('aws'),
    instanceId: z.string().regex(/^i-[0-9a-f]{8,17}$/, { message: 'expected an EC2 instance id such as i-0abc12345def67890' }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'expected an AWS region such as eu-west-1' }),
    allowedPaths: z.array(absolute).default(['/']),
    /** The instance a composition's volumes from this host are restored to (new EBS volumes from the capture's snapshots); the host itself when left out. */
    restoreTo: z
      .string()
      .regex(/^i-[0-9a-f]{8,17}$/, { message: 'expected an EC2 instance id such as i-0abc12345def67890' })
      .optional(),
  }),
]);

export type Template = z.output<typeof templateSchema>;
export type TemplateInput = z.input<typeof templateSchema>;
export type Host = z.output<typeof hostSchema>;
export type HostInput = z.input<typeof hostSchema>;

function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ManifestInvalid(
    fieldOf(issue.path),
    issue.code === 'unrecognized_keys' ? `unknown field ${clip(issue.keys.join(', '))}` : issue.message,
  );
}

export const parseTemplate = (input: unknown): Template => parseWith(templateSchema, input);
export const parseHost = (input: unknown): Host => parseWith(hostSchema, input);
