import { z } from 'zod';

/** `handler@version`, or `handler@*` for every registered version of it. */
export const HANDLER_REF = /^[a-z0-9][a-z0-9-]*@(\*|[0-9][0-9A-Za-z.+-]*)$/;
export const handlerRef = z.string().regex(HANDLER_REF, {
  message: 'expected handler@version such as postgres-local@2, or handler@* for every version',
});

const cel = z.string().min(1, { message: 'expected a CEL expression' });
const name = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  message: 'expected a lower-case name of letters, digits and dashes (at most 63), such as databases-eu',
});

const rule = z.strictObject({ when: cel.optional(), handlers: z.array(handlerRef).min(1) });
const preferRule = z.strictObject({ when: cel.optional(), handlers: z.array(handlerRef).min(1), weight: z.number().finite() });

export const stageSchema = z.strictObject({
  name,
  candidates: z.array(handlerRef).min(1, { message: 'a stage needs at least one candidate handler' }),
  require: z.array(rule).optional(),
  forbid: z.array(rule).optional(),
  prefer: z.array(preferRule).optional(),
  after: z.array(name).optional(),
  before: z.array(name).optional(),
});

const unit = z.number().finite();

export const policySchema = z.strictObject({
  apiVersion: z.literal('mosaic/v1', { message: 'expected apiVersion: mosaic/v1' }),
  kind: z.literal('CompositionPolicy', { message: 'expected kind: CompositionPolicy' }),
  metadata: z.strictObject({
    name,
    version: z.number().int().positive({ message: 'expected a positive whole version number' }),
    description: z.string().optional(),
    owner: z.string().optional(),
  }),
  spec: z.strictObject({
    match: cel,
    priority: z.number().int().optional(),
    stages: z.array(stageSchema).min(1, { message: 'a policy needs at least one stage' }),
    objective: z.strictObject({ success: unit, latencyMs: unit, costUsd: unit }).optional(),
    exploration: z
      .strictObject({
        strategy: z.enum(['epsilon-greedy', 'softmax', 'squarecb']),
        epsilon: z.number().min(0).max(1).optional(),
        temperature: z.number().positive().optional(),
        gamma: z.number().positive().optional(),
      })
      .optional(),
  }),
  signature: z.strictObject({ keyId: z.string().min(1), value: z.string().min(1) }).optional(),
});

export type Policy = z.infer<typeof policySchema>;
export type Stage = z.infer<typeof stageSchema>;
export type Rule = z.infer<typeof rule>;
