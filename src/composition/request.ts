import { z } from 'zod';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { governedRefSchema } from '../security/governed';
import { accountSchema, userSchema } from '../security/caller';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, {
  message: 'expected a lower-case name of letters, digits and dashes (at most 42), such as orders-db',
});

/** What a resource needs, per type; validated before any handler runs. */
export const resourceSpecs = {
  bucket: z.strictObject({
    name,
    versioning: z.boolean().optional(),
    /** The data it is expected to hold: what its cost (handlers/cost.ts) is reckoned on. */
    sizeGb: z.number().int().min(1).max(5_000_000).default(10),
  }),
  database: z.strictObject({
    name,
    /** Unstated: any engine the policy allows, chosen like any other alternative; the result says which was made. */
    engine: z.enum(['postgres', 'mongodb']).optional(),
    sizeGb: z.number().int().min(1).max(16384).default(10),
  }),
  service: z.strictObject({
    name,
    /** A registered service command (`mosaic command register`), never a command line: a request runs only what an operator allowed. */
    command: governedRefSchema('command').optional(),
    image: z.string().optional(),
    instanceType: z.string().optional(),
    /** Cores the service may use (local: its rlimit/cgroup allocation; unset: the instance type's, else 0.5). */
    cpu: z.number().min(0.01).max(64).optional(),
    /** Memory in MiB (local: its allocation; unset: the instance type's, else 512). */
    memoryMb: z.number().int().min(16).max(262_144).optional(),
  }),
} as const;

export type ResourceType = keyof typeof resourceSpecs;
export const RESOURCE_TYPES = Object.keys(resourceSpecs) as ResourceType[];

export const compositionRequestSchema = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
    message: 'expected 1 to 100 letters, digits, dots, dashes or underscores; it names the workflow compose-<requestId>',
  }),
  user: userSchema,
  account: accountSchema,
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, { message: 'expected a region such as eu-west-1' }),
  resourceType: z.enum(RESOURCE_TYPES as [ResourceType, ...ResourceType[]], {
    message: `expected one of ${RESOURCE_TYPES.join(', ')}`,
  }),
  spec: z.record(z.string(), z.unknown()),
  security: z
    .strictObject({
      classification: z.string().default('internal'),
      compliance: z.array(z.string()).default([]),
      networkExposure: z.enum(['private', 'internal', 'public']).default('private'),
    })
    .default({ classification: 'internal', compliance: [], networkExposure: 'private' }),
  provider: z.enum(['local', 'aws']).default('local'),
});

export type CompositionRequest = z.output<typeof compositionRequestSchema>;
export type CompositionRequestInput = z.input<typeof compositionRequestSchema>;

export class InvalidRequest extends Error {
  readonly type = 'InvalidRequest';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidRequest';
  }
}

/** The request and its resource spec, or InvalidRequest naming the first bad field. */
export function parseCompositionRequest(input: unknown): CompositionRequest {
  const deep = tooDeepAt(input);
  if (deep) throw new InvalidRequest(shortPath(deep), TOO_DEEP);
  const parsed = compositionRequestSchema.safeParse(input);
  if (!parsed.success) throw fromIssue(parsed.error.issues[0]!, []);
  const spec = resourceSpecs[parsed.data.resourceType].safeParse(parsed.data.spec);
  if (!spec.success) throw fromIssue(spec.error.issues[0]!, ['spec']);
  return { ...parsed.data, spec: spec.data as Record<string, unknown> };
}

function fromIssue(issue: z.core.$ZodIssue, prefix: string[]): InvalidRequest {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys')
    return new InvalidRequest(shortPath([...path, issue.keys[0]!].join('.')), 'unknown field; remove it or check its spelling');
  return new InvalidRequest(path.join('.') || 'request', issue.message);
}
