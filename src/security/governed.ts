import { z } from 'zod';
import { commandSchema } from '../service-command';
import { canonicalJson } from './canonical';
import { SecurityError } from './errors';
import { rolesFor } from './roles';
import { verifySignature, type SignedRequest } from './signed-request';

/**
 * Service commands and template files are governed objects: what a workflow
 * input may run or copy is only what a signed, role-checked registration
 * allowed, and a request names it by `name@version`. Live hosts are governed
 * too (their registration is checked the same way, see checkRegistration).
 */
export type GovernedKind = 'command' | 'file';

const NAME = /^[a-z0-9][-a-z0-9_.]{0,62}$/;
export const REF_PATTERN = /^([a-z0-9][-a-z0-9_.]{0,62})@([1-9]\d{0,5})$/;

const nameSchema = z
  .string()
  .regex(NAME, { message: 'expected a lower-case name of letters, digits, dots, dashes or underscores, such as web-server' });
const versionSchema = z.number().int().min(1).max(999_999);

/** How a request names a governed object: `name@version`, such as `status-page@1`. */
export const governedRefSchema = (kind: GovernedKind) => {
  const message = `expected a registered ${kind} as name@version, such as ${kind === 'command' ? 'status-page@1' : 'app-conf@1'} (see \`mosaic ${kind} list\`)`;
  // A command line or a path sent the old way gets the same answer: what to send instead.
  return z.string({ error: `${message}, not a ${kind === 'command' ? 'command line' : 'path'}` }).regex(REF_PATTERN, { message });
};

/** A registered service command: the program and its arguments, exactly as they will be executed. */
export const commandRegistrationSchema = z.strictObject({
  name: nameSchema,
  version: versionSchema,
  argv: commandSchema,
  description: z.string().max(500).optional(),
});

/** A registered template file: a file on the workers, pinned by its content's hash. */
export const fileRegistrationSchema = z.strictObject({
  name: nameSchema,
  version: versionSchema,
  path: z
    .string()
    .max(4096)
    .regex(/^\/(?!.*(^|\/)\.\.(\/|$))/, { message: 'expected the absolute path of the file on the workers, without .. segments' }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected the sha256 of the file, 64 hex digits' }),
  description: z.string().max(500).optional(),
});

export type CommandRegistration = z.output<typeof commandRegistrationSchema>;
export type FileRegistration = z.output<typeof fileRegistrationSchema>;
export type GovernedSpec = { command: CommandRegistration; file: FileRegistration };

export const registrationSchemas = { command: commandRegistrationSchema, file: fileRegistrationSchema } as const;

export const refOfGoverned = (spec: { name: string; version: number }) => `${spec.name}@${spec.version}`;

export function parseGovernedRef(ref: string): { name: string; version: number } | undefined {
  const m = REF_PATTERN.exec(ref);
  return m ? { name: m[1]!, version: Number(m[2]) } : undefined;
}

/** The operation that registers a kind, and so the roles that may. */
export const registerOperation = (kind: GovernedKind | 'host') => `${kind}.register` as const;

const howToRegister: Record<GovernedKind | 'host', string> = {
  command: 'mosaic command register <file> --key <key>',
  file: 'mosaic file register <file> --key <key>',
  host: 'mosaic snapshot host register <file> --key <key>',
};

/** A request names a governed object nobody registered: says what to register, how, and who may. */
export class NotRegistered extends SecurityError {
  constructor(
    readonly kind: GovernedKind,
    ref: string,
  ) {
    super(
      `${kind} ${ref} is not registered; register it with \`${howToRegister[kind]}\` (roles that may: ${rolesFor(registerOperation(kind)).join(', ')})`,
    );
  }
}

/** A stored governed object whose row no longer matches its signed registration: changed in the database behind Mosaic's back. */
export class RegistrationTampered extends SecurityError {
  constructor(kind: GovernedKind | 'host', ref: string, problem: string) {
    super(
      `${kind} ${ref} is refused: ${problem}; register it again with \`${howToRegister[kind]}\` (roles that may: ${rolesFor(registerOperation(kind)).join(', ')})`,
    );
  }
}

/** What a registration keeps: the signed request and the payload it signed. */
export interface Registration {
  request: SignedRequest;
  payload: unknown;
}

/**
 * That the stored content is what a still-known actor signed in a
 * registration of this kind: the signature verifies with the registrant's
 * key, the signed payload is a registration of `operation`, and `signedContent`
 * (read from that payload) equals `stored`. Throws RegistrationTampered naming
 * the first thing that does not hold; returns the registrant's key id.
 */
export function checkRegistration(
  what: { kind: GovernedKind | 'host'; ref: string },
  registration: Partial<Registration> | undefined,
  stored: unknown,
  signedContent: (payload: Record<string, unknown>) => unknown,
  publicKeyOf: (keyId: string) => string | undefined,
): string {
  const refused = (problem: string) => new RegistrationTampered(what.kind, what.ref, problem);
  const { request, payload } = registration ?? {};
  if (!request || typeof payload !== 'object' || payload === null) throw refused('it has no signed registration on record');
  const publicKeyPem = publicKeyOf(request.keyId);
  if (!publicKeyPem) throw refused(`it was registered by ${request.keyId}, which is not an actor`);
  try {
    verifySignature(request, payload, publicKeyPem);
  } catch (err) {
    throw refused((err as Error).message);
  }
  const operation = (payload as { operation?: unknown }).operation;
  if (operation !== registerOperation(what.kind) || request.operation !== operation)
    throw refused(`it carries a signed ${String(operation)}, not a ${registerOperation(what.kind)}`);
  let signed: unknown;
  try {
    signed = signedContent(payload as Record<string, unknown>);
  } catch (err) {
    throw refused(`its signed registration does not parse (${(err as Error).message})`);
  }
  if (canonicalJson(signed) !== canonicalJson(stored)) throw refused('it differs from what was registered');
  return request.keyId;
}
