import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Connection } from 'mongoose';
import { governedKey, governedModel, type StoredGoverned } from '../models/governed';
import { hostModel, type StoredHost } from '../models/snapshot';
import { checkOrigin } from '../providers/local-workspace';
import { ProviderRejected } from '../providers/errors';
import {
  checkRegistration,
  NotRegistered,
  parseGovernedRef,
  refOfGoverned,
  registrationSchemas,
  type GovernedKind,
  type GovernedSpec,
} from '../security/governed';
import type { SignedRequest } from '../security/signed-request';
import { canonicalJson } from '../security/canonical';
import { rolesFor } from '../security/roles';
import { clip } from '../quote';
import { HostUnavailable } from '../snapshot/errors';
import { parseHost, type Host, type HostInput } from '../snapshot/template';
import { idempotencyKey } from './idempotency';
import { appendAudit, trustedKeys } from './trust';

/** Registrations of governed objects, carried by managePolicy like policy and handler changes. */
export type GovernedChange =
  | { operation: 'command.register'; command: unknown }
  | { operation: 'file.register'; file: unknown }
  | { operation: 'host.register'; host: unknown; /** Replace a registered host of that name with other content. */ replace?: boolean };

/** A refused registration: the type says why, the message what to do. */
export class GovernedChangeRefused extends Error {
  constructor(
    readonly type: 'InvalidRegistration' | 'RegistrationExists' | 'HostExists',
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

const kindOf = (change: GovernedChange) => (change.operation === 'command.register' ? 'command' : 'file') satisfies GovernedKind;

export function governedTarget(change: GovernedChange): string {
  if (change.operation === 'host.register') return `host:${String((change.host as { name?: unknown } | null)?.name)}`;
  const spec = (change.operation === 'command.register' ? change.command : change.file) as { name?: unknown; version?: unknown } | null;
  return `${kindOf(change)}:${String(spec?.name)}@${String(spec?.version)}`;
}

function parseSpec<K extends GovernedKind>(kind: K, input: unknown): GovernedSpec[K] {
  const parsed = registrationSchemas[kind].safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GovernedChangeRefused('InvalidRegistration', `${kind}.${issue.path.join('.') || ''}: ${issue.message}`.replace(/\.:/, ':'));
  }
  return parsed.data as GovernedSpec[K];
}

const hostOf = (input: unknown): Host => {
  try {
    return parseHost(input);
  } catch (err) {
    throw new GovernedChangeRefused('InvalidRegistration', `host.${(err as Error).message}`);
  }
};

/** A stored host as a host, without the bookkeeping beside it. */
const hostContent = ({ registeredAt: _a, registeredBy: _b, registration: _r, ...host }: StoredHost & { _id?: unknown }) => {
  const { _id: _i, ...rest } = host as typeof host & { _id?: unknown };
  return parseHost(rest);
};

const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Writes a registration authorised by verifyChange. A command or file
 * version is immutable; a host is replaced only when asked. The signed
 * request is kept on the row and checked again at every load.
 */
export async function applyGovernedChange(
  connection: Connection,
  change: GovernedChange,
  actor: string,
  request: SignedRequest,
  templateFilesRoot: string,
): Promise<string> {
  const registration = { request, payload: change };
  if (change.operation === 'host.register') {
    const h = hostOf(change.host);
    const hosts = hostModel(connection);
    // A silent overwrite would point the next composition at whatever root the caller chose.
    const existing = await hosts.findOne({ name: h.name }).lean();
    if (existing && !change.replace) {
      if (canonicalJson(hostContent(existing)) === canonicalJson(h)) return `host ${h.name} already registered with this content`;
      throw new GovernedChangeRefused(
        'HostExists',
        `host ${h.name} is registered already with other content; replacing it changes what every later composition captures: pass --replace (mosaic snapshot host register <file> --key <key> --replace) if that is meant`,
      );
    }
    await hosts.replaceOne({ name: h.name }, { ...h, registeredAt: new Date(), registeredBy: actor, registration }, { upsert: true });
    return `host ${h.name} ${existing ? 'replaced' : 'registered'} on the ${h.provider} provider`;
  }
  const kind = kindOf(change);
  const spec = parseSpec(kind, change.operation === 'command.register' ? change.command : change.file);
  const ref = refOfGoverned(spec);
  if (kind === 'file') {
    // Checked on this worker now, so a registration that could never be copied is refused at once.
    const file = spec as GovernedSpec['file'];
    let real: string;
    try {
      real = checkOrigin(file.path, file.path, [templateFilesRoot]);
    } catch (err) {
      throw new GovernedChangeRefused(
        'InvalidRegistration',
        `file.path: ${(err as ProviderRejected).fault?.detail ?? (err as Error).message}`,
      );
    }
    const actual = sha256Of(real);
    if (actual !== file.sha256)
      throw new GovernedChangeRefused('InvalidRegistration', `file.sha256: the file ${file.path} has sha256 ${actual}, not ${file.sha256}`);
  }
  const objects = governedModel(connection);
  const key = governedKey(kind, ref);
  const existing = await objects.findOne({ key }).lean();
  if (existing) {
    if (canonicalJson(existing.spec) === canonicalJson(spec)) return `${kind} ${ref} already registered`;
    throw new GovernedChangeRefused(
      'RegistrationExists',
      `${kind} ${ref} exists with other content; versions are immutable: register version ${spec.version + 1}`,
    );
  }
  await objects.updateOne(
    { key },
    {
      $setOnInsert: {
        kind,
        name: spec.name,
        version: spec.version,
        spec: spec as unknown as Record<string, unknown>,
        registeredBy: actor,
        registeredAt: new Date(),
        registration,
      },
    },
    { upsert: true },
  );
  return `${kind} ${ref} registered`;
}

/**
 * Reads governed objects as a worker may use them: each checked against its
 * signed registration with its registrant's current key. An object that
 * fails is refused (RegistrationTampered) and the refusal audited, once per
 * workflow step that tried to use it.
 */
export function createGovernedStore(connection: Connection) {
  const objects = governedModel(connection);
  const hosts = hostModel(connection);
  // Registrants' keys as far as they chain to a root key: a planted actor row vouches for nothing.
  const publicKeys = () => trustedKeys(connection);

  const refused = async (target: string, operation: string, err: Error) => {
    await appendAudit(connection, idempotencyKey(`refused-${target}`), {
      actor: 'worker',
      operation,
      target,
      result: 'denied',
      reason: err.message,
      type: (err as { type?: string }).type,
    });
    return err;
  };

  async function load<K extends GovernedKind>(kind: K, ref: string): Promise<GovernedSpec[K]> {
    // Audited too: a request naming what nobody registered is someone trying to run or copy what they may not.
    const row = parseGovernedRef(ref) ? ((await objects.findOne({ key: governedKey(kind, ref) }).lean()) as StoredGoverned | null) : null;
    if (!row) throw await refused(`${kind}:${clip(ref)}`, `${kind}.load`, new NotRegistered(kind, ref));
    const keys = await publicKeys();
    try {
      checkRegistration(
        { kind, ref },
        row.registration,
        { ...row.spec, key: row.key, kind: row.kind, registeredBy: row.registeredBy },
        (payload) => {
          const spec = parseSpec(kind, payload[kind]);
          return { ...spec, key: governedKey(kind, refOfGoverned(spec)), kind, registeredBy: row.registration?.request?.keyId };
        },
        (keyId) => keys.get(keyId),
      );
    } catch (err) {
      throw await refused(`${kind}:${ref}`, `${kind}.load`, err as Error);
    }
    return parseSpec(kind, row.spec);
  }

  /** A host as registered: HostUnavailable when there is none, RegistrationTampered when its row is not what was signed. */
  async function host(name: string): Promise<Host> {
    const row = await hosts.findOne({ name }).lean();
    if (!row)
      throw new HostUnavailable(
        `host ${name} is not registered; register it with \`mosaic snapshot host register <file> --key <key>\` (roles that may: ${rolesFor('host.register').join(', ')})`,
      );
    return checkHost(row, await publicKeys());
  }

  async function checkHost(row: StoredHost, keys: Map<string, string>): Promise<Host> {
    try {
      const stored = hostContent(row);
      checkRegistration(
        { kind: 'host', ref: row.name },
        row.registration,
        { host: stored, registeredBy: row.registeredBy },
        (payload) => ({ host: parseHost(payload.host as HostInput), registeredBy: row.registration?.request?.keyId }),
        (keyId) => keys.get(keyId),
      );
      return stored;
    } catch (err) {
      throw await refused(`host:${row.name}`, 'host.load', err as Error);
    }
  }

  return {
    command: (ref: string) => load('command', ref),
    file: (ref: string) => load('file', ref),
    host,
    /** Every registered local host that still verifies; one that does not is left out, its refusal audited. */
    async localHosts(): Promise<Host[]> {
      const [rows, keys] = await Promise.all([hosts.find({ provider: 'local' }).lean(), publicKeys()]);
      const checked: Host[] = [];
      for (const row of rows)
        checked.push(
          ...(await checkHost(row, keys).then(
            (h) => [h],
            () => [],
          )),
        );
      return checked;
    },
  };
}

export type GovernedStore = ReturnType<typeof createGovernedStore>;
