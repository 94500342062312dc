import { z } from 'zod';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { InvalidChange } from './errors';
import { ROLES, rolesFor, type Role } from './roles';
import type { SignedRequest } from './signed-request';

const text = (max: number) => z.string().min(1).max(max);

/** The envelope of a signed change; bounded, so nothing huge reaches hashing, lookups or the audit log. */
export const signedRequestSchema = z.strictObject({
  operation: text(64),
  payloadHash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected the SHA-256 of the payload in hex' }),
  keyId: text(128),
  nonce: text(128),
  timestamp: text(64),
  signature: text(512),
});

/** The payload of each governed operation; a descriptor is checked by the registry's own schema. */
export const changePayloadSchema = z.discriminatedUnion('operation', [
  z.strictObject({ operation: z.literal('policy.apply'), source: text(1_000_000) }),
  z.strictObject({ operation: z.literal('policy.activate'), name: text(200), version: z.number().int().min(1) }),
  z.strictObject({ operation: z.literal('policy.deactivate'), name: text(200) }),
  z.strictObject({ operation: z.literal('policy.retire'), name: text(200), version: z.number().int().min(1) }),
  z.strictObject({
    operation: z.literal('role.grant'),
    publicKeyPem: text(10_000),
    role: z.enum(ROLES as [Role, ...Role[]]),
    name: text(200).optional(),
  }),
  z.strictObject({ operation: z.literal('handler.register'), descriptor: z.record(z.string(), z.unknown()) }),
  z.strictObject({
    operation: z.literal('handler.promote'),
    ref: text(200),
    status: z.enum(['active', 'canary']),
    canaryShare: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({ operation: z.literal('handler.rollback'), id: text(200), version: text(100) }),
  z.strictObject({ operation: z.literal('handler.retire'), ref: text(200) }),
  // Checked by their own schemas when applied, so the refusal names the field inside the object.
  z.strictObject({ operation: z.literal('command.register'), command: z.record(z.string(), z.unknown()) }),
  z.strictObject({ operation: z.literal('file.register'), file: z.record(z.string(), z.unknown()) }),
  z.strictObject({ operation: z.literal('host.register'), host: z.record(z.string(), z.unknown()), replace: z.boolean().optional() }),
  // Carried by changePolicyModel, not managePolicy: the model activities load and check the version.
  z.strictObject({ operation: z.literal('model.promote'), version: z.number().int().min(1), reason: text(1_000) }),
  z.strictObject({ operation: z.literal('model.rollback'), version: z.number().int().min(1).optional(), reason: text(1_000) }),
  // Carried by retrainPolicy: a retrain by hand (the schedule's own runs are told apart by Temporal, unsigned).
  z.strictObject({ operation: z.literal('model.retrain'), horizonDays: z.number().positive().max(36_500).optional() }),
  // Carried by inspectGovernance: what is read is signed too, so a signed read of one view cannot be sent for another.
  z.strictObject({
    operation: z.literal('audit.read'),
    query: z.union([
      z.strictObject({
        kind: z.literal('audit'),
        limit: z.number().int().optional(),
        actor: text(128).optional(),
        operation: text(64).optional(),
      }),
      z.strictObject({ kind: z.literal('actors') }),
    ]),
  }),
]);

export type ChangePayloadInput = z.infer<typeof changePayloadSchema>;

/**
 * A change request as it arrives from any client: checked for shape before
 * anything reads it, so a malformed one is refused as InvalidChange instead
 * of failing deeper in, and retried, as a bug would be.
 */
export function parseChangeRequest(input: unknown): { request: SignedRequest; payload: ChangePayloadInput } {
  const deep = tooDeepAt(input);
  if (deep) throw new InvalidChange(`${shortPath(deep)}: ${TOO_DEEP}`);
  if (typeof input !== 'object' || input === null || !('request' in input)) {
    const operation: unknown = (input as { payload?: { operation?: unknown } } | null)?.payload?.operation;
    const roles = typeof operation === 'string' ? rolesFor(operation) : [];
    throw new InvalidChange(
      `request: missing: every change is a request signed by an actor with a role; sign it with your key${roles.length ? ` (role ${roles.join(' or ')})` : ''} ` +
        '(`--key <file>` on the mosaic command, or the MosaicClient method given the private key)',
    );
  }
  const parsed = z.strictObject({ request: signedRequestSchema, payload: changePayloadSchema }).safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidChange(`${issue.path.join('.') || 'change'}: ${issue.message}`);
  }
  return parsed.data;
}
