import { z } from 'zod';

/** A handler version as the registry knows it: what it serves, needs and gives, and how to run it. */
export const handlerDescriptorSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  version: z.string().regex(/^[0-9][0-9A-Za-z.+-]*$/),
  description: z.string().default(''),
  resourceTypes: z.array(z.string()).min(1),
  /** The providers whose requests it can serve (an RDS handler: aws); none named: every provider. Others never get it as a candidate. */
  providers: z.array(z.enum(['local', 'aws'])).default([]),
  /**
   * The database engines it makes (postgres-local: postgres); none named: it does not care. A request that
   * states `spec.engine` gets only the versions that make it, one that states none lets the model choose.
   */
  engines: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/)).default([]),
  requires: z.array(z.string()).default([]),
  provides: z.array(z.string()).default([]),
  retry: z
    .strictObject({
      maximumAttempts: z.number().int().min(1).max(100),
      initialIntervalMs: z.number().int().min(10),
      backoffCoefficient: z.number().min(1).max(10),
      maximumIntervalMs: z.number().int().min(10),
    })
    .default({ maximumAttempts: 5, initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 30_000 }),
  timeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  idempotent: z.boolean().default(true),
  undo: z.boolean().default(false),
  hostCapabilities: z.array(z.string()).default([]),
  code: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('builtin') }),
    z.strictObject({
      kind: z.literal('script'),
      source: z
        .string()
        .min(1)
        .max(256 * 1024),
    }),
  ]),
  status: z.enum(['active', 'canary', 'retired']).default('active'),
  canaryShare: z.number().min(0).max(1).optional(),
});

export type HandlerDescriptor = z.output<typeof handlerDescriptorSchema>;
export const refOf = (h: Pick<HandlerDescriptor, 'id' | 'version'>) => `${h.id}@${h.version}`;
