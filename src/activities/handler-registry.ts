import type { Connection } from 'mongoose';
import { BUILTIN_HANDLERS } from '../handlers/catalog';
import { handlerDescriptorSchema, refOf, type HandlerDescriptor } from '../handlers/descriptor';
import { handlerModel, type StoredHandler } from '../models/handler';
import { canonicalJson } from '../security/canonical';
import { verifySignature, type SignedRequest } from '../security/signed-request';
import { BUILTIN_IMPLEMENTATIONS } from './builtin-handlers';
import { idempotencyKey } from './idempotency';
import { appendAudit, trustedKeys } from './trust';

/** Changes to the handler registry, carried by managePolicy like policy changes. */
export type HandlerChange =
  | { operation: 'handler.register'; descriptor: unknown }
  | { operation: 'handler.promote'; ref: string; status: 'active' | 'canary'; canaryShare?: number }
  | { operation: 'handler.rollback'; id: string; version: string }
  | { operation: 'handler.retire'; ref: string };

/** A refused registry change: the type says why, the message what to do. */
export class RegistryChangeRefused extends Error {
  constructor(
    readonly type: 'InvalidHandler' | 'HandlerVersionExists' | 'HandlerNotFound',
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export function handlerTarget(change: HandlerChange): string {
  switch (change.operation) {
    case 'handler.register': {
      const d = change.descriptor as { id?: unknown; version?: unknown } | null;
      return `handler:${String(d?.id)}@${String(d?.version)}`;
    }
    case 'handler.rollback':
      return `handler:${change.id}@${change.version}`;
    default:
      return `handler:${change.ref}`;
  }
}

const sameContent = (a: object, b: object) => canonicalJson(a) === canonicalJson(b);

/** `request` is the signed request that carried the change: a registration keeps it, to be checked again at every load. */
export async function applyHandlerChange(
  connection: Connection,
  change: HandlerChange,
  actor: string,
  request: SignedRequest,
): Promise<string> {
  const handlers = handlerModel(connection);
  // Kept on every row whose status it sets, to be checked again at every load (signedStatus).
  const statusChange = { request, payload: change };
  const mustExist = async (ref: string) => {
    if (!(await handlers.exists({ ref })))
      throw new RegistryChangeRefused('HandlerNotFound', `no handler ${ref}; see \`mosaic handler list\``);
  };
  switch (change.operation) {
    case 'handler.register': {
      const parsed = handlerDescriptorSchema.safeParse(change.descriptor);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new RegistryChangeRefused('InvalidHandler', `${issue.path.join('.') || 'descriptor'}: ${issue.message}`);
      }
      const d = parsed.data;
      if (d.code.kind === 'builtin' && !BUILTIN_IMPLEMENTATIONS[d.id]) {
        throw new RegistryChangeRefused(
          'InvalidHandler',
          `no built-in implementation named ${d.id}; register user code with code.kind "script"`,
        );
      }
      const ref = refOf(d);
      const existing = await handlers.findOne({ ref }).lean();
      if (existing) {
        if (!sameContent(parseStored(existing), d)) {
          throw new RegistryChangeRefused(
            'HandlerVersionExists',
            `${ref} exists with other content; versions are immutable: register a new version`,
          );
        }
        return `${ref} already registered`;
      }
      const registration = { request, payload: change };
      await handlers.updateOne(
        { ref },
        { $setOnInsert: { ...d, ref, registeredBy: actor, registeredAt: new Date(), registration } },
        { upsert: true },
      );
      return `${ref} registered (${d.status})`;
    }
    case 'handler.promote': {
      await mustExist(change.ref);
      await handlers.updateOne({ ref: change.ref }, { $set: { ...statusOf(change, change.ref, ''), statusChange } });
      return `${change.ref} ${change.status}${change.status === 'canary' ? ` (${Math.round((change.canaryShare ?? 0.1) * 100)}% of traffic)` : ''}`;
    }
    case 'handler.rollback': {
      const ref = `${change.id}@${change.version}`;
      await mustExist(ref);
      // The chosen version serves alone again; the others stay registered, retired, for a later roll forward.
      await handlers.updateMany({ id: change.id, ref: { $ne: ref } }, { $set: { status: 'retired', statusChange } });
      await handlers.updateOne({ ref }, { $set: { status: 'active', statusChange } });
      return `${ref} active; other versions of ${change.id} retired`;
    }
    case 'handler.retire': {
      await mustExist(change.ref);
      await handlers.updateOne({ ref: change.ref }, { $set: { status: 'retired', statusChange } });
      return `${change.ref} retired`;
    }
  }
}

/** The status and canary share a promote, rollback or retire gives the version `ref` of handler `id`; undefined if it is not about it. */
function statusOf(change: HandlerChange, ref: string, id: string): Pick<HandlerDescriptor, 'status' | 'canaryShare'> | undefined {
  switch (change.operation) {
    case 'handler.promote':
      return change.ref === ref
        ? { status: change.status, canaryShare: change.status === 'canary' ? (change.canaryShare ?? 0.1) : undefined }
        : undefined;
    case 'handler.rollback':
      return change.id === id
        ? { status: `${change.id}@${change.version}` === ref ? 'active' : 'retired', canaryShare: undefined }
        : undefined;
    case 'handler.retire':
      return change.ref === ref ? { status: 'retired', canaryShare: undefined } : undefined;
    case 'handler.register':
      return undefined;
  }
}

/** The status the version may have: set by its last signed status change, or else as registered. */
function signedStatus(
  row: StoredHandler,
  registered: HandlerDescriptor,
  publicKeyOf: (keyId: string) => string | undefined,
): Pick<HandlerDescriptor, 'status' | 'canaryShare'> {
  if (!row.statusChange) return { status: registered.status, canaryShare: registered.canaryShare };
  const { request, payload } = row.statusChange;
  const publicKeyPem = publicKeyOf(request.keyId);
  if (!publicKeyPem) throw new Error(`${row.ref} had its status set by ${request.keyId}, which is no longer an actor`);
  verifySignature(request, payload, publicKeyPem);
  const status = statusOf(payload as HandlerChange, row.ref, row.id);
  if (!status) throw new Error(`${row.ref} carries a signed ${String((payload as HandlerChange).operation)} that does not set its status`);
  return status;
}

const DESCRIPTOR_FIELDS = Object.keys(handlerDescriptorSchema.shape) as (keyof StoredHandler)[];

/** A stored row as a descriptor; parsing restores defaults (empty lists) the store may drop. */
export const parseStored = (row: StoredHandler): HandlerDescriptor =>
  handlerDescriptorSchema.parse(
    Object.fromEntries(DESCRIPTOR_FIELDS.filter((k) => row[k] !== undefined && row[k] !== null).map((k) => [k, row[k]])),
  );

// Changed after registration by promote, rollback and retire, each a signed and audited change of its own (checked by signedStatus).
const signedPart = ({ status: _s, canaryShare: _c, ...rest }: HandlerDescriptor) => rest;

/**
 * A stored version as the worker may run it: a built-in must match the
 * catalog in this code, any other must match the descriptor its registering
 * actor signed, by a signature that still verifies with that actor's key.
 * Anything else was changed in the database behind Mosaic's back.
 */
export function checkStoredHandler(row: StoredHandler, publicKeyOf: (keyId: string) => string | undefined): HandlerDescriptor {
  const stored = parseStored(row);
  let registered: HandlerDescriptor;
  if (row.registeredBy === 'builtin') {
    const builtin = BUILTIN_HANDLERS.find((h) => refOf(h) === row.ref);
    if (!builtin) throw new Error(`${row.ref} claims to be built in, but this worker ships no such version`);
    registered = builtin;
  } else {
    const { request, payload } = row.registration ?? {};
    if (!request || !payload) throw new Error(`${row.ref} has no signed registration on record`);
    if (request.keyId !== row.registeredBy)
      throw new Error(`${row.ref} was registered by ${row.registeredBy} but carries a request signed by ${request.keyId}`);
    const publicKeyPem = publicKeyOf(request.keyId);
    if (!publicKeyPem) throw new Error(`${row.ref} was registered by ${request.keyId}, which is no longer an actor`);
    verifySignature(request, payload, publicKeyPem);
    const change = payload as Partial<Extract<HandlerChange, { operation: 'handler.register' }>>;
    if (change.operation !== 'handler.register')
      throw new Error(`${row.ref} carries a signed ${String(change.operation)}, not a registration`);
    registered = handlerDescriptorSchema.parse(change.descriptor);
  }
  if (refOf(registered) !== row.ref || !sameContent(signedPart(registered), signedPart(stored))) {
    throw new Error(`${row.ref} differs from the version that was registered`);
  }
  const status = signedStatus(row, registered, publicKeyOf);
  // The share matters (and is compared) only while the version is a canary: rollback and retire leave an old one behind.
  const canary = stored.status === 'canary';
  if (status.status !== stored.status || (canary && status.canaryShare !== stored.canaryShare)) {
    throw new Error(
      `${row.ref} is ${stored.status}${canary ? ` (${stored.canaryShare ?? 'no share'})` : ''}, which no signed change made it`,
    );
  }
  return stored;
}

/**
 * Reads handler versions and checks each (checkStoredHandler); a version that
 * fails is left out and its refusal audited, so it is never run.
 */
export function createHandlerLoader(connection: Connection) {
  const handlers = handlerModel(connection);
  // Rows already checked in this process, by their whole stored text and the
  // registrant's key: the registry is reloaded every second, a signature need
  // not be; a row changed in the database no longer matches and is checked again.
  const checked = new Map<string, HandlerDescriptor>();
  return async function load(filter: Record<string, unknown>): Promise<HandlerDescriptor[]> {
    const [rows, publicKeys] = await Promise.all([handlers.find(filter).lean(), trustedKeys(connection)]);
    const loaded: HandlerDescriptor[] = [];
    for (const row of rows) {
      const memo = `${JSON.stringify(row)}|${publicKeys.get(row.registration?.request?.keyId ?? '') ?? ''}|${publicKeys.get(row.statusChange?.request?.keyId ?? '') ?? ''}`;
      const known = checked.get(memo);
      if (known) {
        loaded.push(known);
        continue;
      }
      try {
        const descriptor = checkStoredHandler(row, (keyId) => publicKeys.get(keyId));
        checked.set(memo, descriptor);
        loaded.push(descriptor);
      } catch (err) {
        await appendAudit(connection, idempotencyKey(`refused-handler-${row.ref}`), {
          actor: 'worker',
          operation: 'handler.load',
          target: `handler:${row.ref}`,
          result: 'denied',
          reason: (err as Error).message,
        });
      }
    }
    return loaded;
  };
}
