import { z } from 'zod';
import { ManifestInvalid } from './errors';
import type { SourceRef } from './resources';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { clip } from '../quote';
import { BYTES_FORMS, CPU_FORMS, parseBytes, parseCpu } from './units';

export const STRATEGIES = ['AI_AGENT', 'LAST_WIN', 'FIRST_WIN', 'PRIORITY'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const tags = z.array(z.string().min(1)).default([]);
const priority = z.number({ message: 'expected an integer; higher wins' }).int({ message: 'expected an integer; higher wins' });
const quantity = (parse: (v: string) => number | undefined, forms: string) =>
  z.string().refine((v) => parse(v) !== undefined, { message: `expected ${forms}` });

/** The manifest as written: what the JSON Schema for editors describes. */
export const manifestSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  sources: z
    .array(
      z.discriminatedUnion(
        'type',
        [
          z.strictObject({
            type: z.literal('template'),
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'expected a template id such as template_a' }),
            priority: priority.default(0),
            tags,
          }),
          z.strictObject({
            type: z.literal('live'),
            host: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'expected a registered host name such as production_server_1' }),
            path: z.string().regex(/^\/.*/, { message: 'expected an absolute path on the host such as /var/app' }),
            priority: priority.default(0),
            tags,
          }),
        ],
        { message: 'expected type "template" (with id) or "live" (with host and path)' },
      ),
    )
    .min(1, { message: 'expected at least one source' }),
  conflict_resolution: z.enum(STRATEGIES, { message: `expected one of ${STRATEGIES.join(', ')}` }).default('AI_AGENT'),
  resource_limits: z
    .strictObject({
      cpu: quantity(parseCpu, CPU_FORMS).optional(),
      memory: quantity(parseBytes, BYTES_FORMS).optional(),
      disk: quantity(parseBytes, BYTES_FORMS).optional(),
    })
    .default({}),
});

export type ManifestInput = z.input<typeof manifestSchema>;

/** Limits in cores and bytes; a missing limit is no limit (kept undefined, as JSON carries no Infinity). */
export interface Limits {
  cpu?: number;
  memory?: number;
  disk?: number;
}

export interface Manifest {
  name: string;
  description?: string;
  sources: (SourceRef & ({ type: 'template'; id: string } | { type: 'live'; host: string; path: string }))[];
  strategy: Strategy;
  limits: Limits;
  /** The limits as written, for messages. */
  limitsText: { cpu?: string; memory?: string; disk?: string };
}

/** The field path of an issue as a person writes it: sources[1].priority. */
export function fieldOf(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '') || '(manifest)'
  );
}

/** The manifest with its limits in numbers, or ManifestInvalid naming the first bad field and what it accepts. */
export function parseManifest(input: unknown): Manifest {
  const deep = tooDeepAt(input);
  if (deep) throw new ManifestInvalid(shortPath(deep), TOO_DEEP);
  const parsed = manifestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const problem = issue.code === 'unrecognized_keys' ? `unknown field ${clip(issue.keys.join(', '))}` : issue.message;
    throw new ManifestInvalid(fieldOf(issue.path), problem);
  }
  const m = parsed.data;
  const seen = new Map<string, number>();
  const sources = m.sources.map((s, index) => {
    const label = s.type === 'template' ? s.id : s.host;
    const twin = seen.get(`${s.type}:${label}:${s.type === 'live' ? s.path : ''}`);
    if (twin !== undefined) throw new ManifestInvalid(`sources[${index}]`, `repeats sources[${twin}]; name each source once`);
    seen.set(`${s.type}:${label}:${s.type === 'live' ? s.path : ''}`, index);
    return { ...s, index, label };
  });
  const limits = m.resource_limits;
  return {
    name: m.name,
    description: m.description,
    sources,
    strategy: m.conflict_resolution,
    limits: {
      cpu: limits.cpu === undefined ? undefined : parseCpu(limits.cpu),
      memory: limits.memory === undefined ? undefined : parseBytes(limits.memory),
      disk: limits.disk === undefined ? undefined : parseBytes(limits.disk),
    },
    limitsText: limits,
  };
}

/** JSON Schema of the manifest for editors, generated from the zod schema. */
export function manifestJsonSchema(): Record<string, unknown> {
  return { title: 'Mosaic snapshot manifest', ...z.toJSONSchema(manifestSchema, { target: 'draft-2020-12', io: 'input' }) };
}
