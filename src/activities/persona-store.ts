import type { Connection } from 'mongoose';
import { z } from 'zod';
import { personaModel, personaUsageModel, type StoredPersona } from '../models/persona';
import { isDuplicateKey } from '../models/races';
import { BUILTIN_PERSONAS } from '../negotiation/builtin-personas';
import { parsePersona, ROLES, VISIBILITIES, type Persona, type Visibility } from '../negotiation/persona';
import type { PersonaOperation, PersonaOperationKind, PersonaViews } from '../contract/negotiate';
import { nonRetryable, withStorage } from './errors';
import { accountSchema, userSchema } from '../security/caller';

/** The account that owns the built-in personas. */
export const BUILTIN_ACCOUNT = 'mosaic';

export class UnknownPersona extends Error {
  readonly type = 'UnknownPersona';
  constructor(ref: string) {
    super(`persona ${ref} does not exist or is not visible to your account; \`mosaic persona list\` shows the ones you can use`);
    this.name = 'UnknownPersona';
  }
}

export class PersonaRefused extends Error {
  readonly type = 'PersonaRefused';
  constructor(message: string) {
    super(message);
    this.name = 'PersonaRefused';
  }
}

export interface Caller {
  user: string;
  account: string;
}

const callerSchema = { user: userSchema, account: accountSchema };
/** Each operation's own schema, so its reader parses exactly its kind (defaults applied). */
const personaOperationSchemas = {
  list: z.strictObject({
    kind: z.literal('list'),
    ...callerSchema,
    role: z.enum(ROLES).optional(),
    tag: z.string().optional(),
    search: z.string().optional(),
  }),
  show: z.strictObject({ kind: z.literal('show'), ...callerSchema, ref: z.string().min(1) }),
  create: z.strictObject({
    kind: z.literal('create'),
    ...callerSchema,
    persona: z.unknown(),
    visibility: z.enum(VISIBILITIES).default('private'),
  }),
  publish: z.strictObject({
    kind: z.literal('publish'),
    ...callerSchema,
    ref: z.string().min(1),
    visibility: z.enum(VISIBILITIES).default('public'),
  }),
};
const { list, show, create, publish } = personaOperationSchemas;
export const personaOperationSchema = z.discriminatedUnion('kind', [list, show, create, publish]);
export type AnyPersonaOperation = z.input<typeof personaOperationSchema>;

const callerOf = ({ user, account }: Caller): Caller => ({ user, account });

/** Who may see a version: everyone if public, its account if shared there, else its creator. */
export function visibleTo(caller: Caller): Record<string, unknown> {
  return {
    $or: [{ visibility: 'public' }, { visibility: 'account', account: caller.account }, { account: caller.account, creator: caller.user }],
  };
}

/** The versions as callers see them: without the store's id, with their usage summed from the ledger. */
async function withUsage(connection: Connection, rows: (StoredPersona & { _id?: unknown })[]): Promise<Persona[]> {
  const counted = rows.length
    ? await personaUsageModel(connection)
        .find({ $or: rows.map((r) => ({ account: r.account, name: r.name, version: r.version })) })
        .lean()
    : [];
  return rows.map(({ _id, ...r }) => {
    const mine = counted.filter((u) => u.account === r.account && u.name === r.name && u.version === r.version);
    const sum = (f: 'used' | 'agreements' | 'rounds') => mine.reduce((n, u) => n + (u[f] ?? 0), 0);
    return { ...r, usage: { timesUsed: sum('used'), agreements: sum('agreements'), totalRounds: sum('rounds') } };
  });
}
const strip = async (connection: Connection, row: StoredPersona) => (await withUsage(connection, [row]))[0]!;

/** Built-ins, version 1 each, public; an insert that finds them already there changes nothing. */
export async function seedBuiltinPersonas(connection: Connection): Promise<void> {
  const personas = personaModel(connection);
  // Every worker seeds at start, possibly at the same moment as another one:
  // unordered, so each row is tried, and inserts only, so a row another worker
  // inserted first is the row this one meant to write.
  await personas
    .bulkWrite(
      BUILTIN_PERSONAS.map((body) => ({
        updateOne: {
          filter: { account: BUILTIN_ACCOUNT, name: body.name, version: 1 },
          update: {
            $setOnInsert: {
              ...body,
              account: BUILTIN_ACCOUNT,
              creator: 'mosaic',
              version: 1,
              visibility: 'public',
              status: 'active',
              createdAt: new Date(),
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    )
    .catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
}

/**
 * `name` or `name@version` as the caller sees it: the caller's own account
 * first, then what is shared with it; without a version, the newest active one.
 */
export async function findPersona(connection: Connection, ref: string, caller: Caller): Promise<StoredPersona> {
  const [name, version] = ref.split('@') as [string, string | undefined];
  const rows = await personaModel(connection)
    .find({ name, ...(version ? { version: Number(version) } : { status: 'active' }), ...visibleTo(caller) } as Record<string, unknown>)
    .sort({ version: -1 })
    .lean();
  const found = rows.find((r) => r.account === caller.account) ?? rows[0];
  if (!found) throw new UnknownPersona(ref);
  return found as StoredPersona;
}

/** Stores a new immutable version: the next number for this account and name. */
export async function createPersonaVersion(
  connection: Connection,
  caller: Caller,
  body: unknown,
  extra: { visibility: Visibility; status?: StoredPersona['status']; parentVersion?: number; derivedFrom?: string },
): Promise<StoredPersona> {
  const persona = parsePersona(body);
  const personas = personaModel(connection);
  if (caller.account !== BUILTIN_ACCOUNT && (await personas.exists({ account: BUILTIN_ACCOUNT, name: persona.name }))) {
    throw new PersonaRefused(`${persona.name} is a built-in persona's name; choose another name, or use it as the base persona`);
  }
  // Two creators racing for a number: the unique index makes one of them retry with the next.
  for (let attempt = 0; attempt < 5; attempt++) {
    const latest = await personas.findOne({ account: caller.account, name: persona.name }).sort({ version: -1 }).lean();
    const doc = {
      ...persona,
      version: (latest?.version ?? 0) + 1,
      account: caller.account,
      creator: caller.user,
      createdAt: new Date(),
      visibility: extra.visibility,
      status: extra.status ?? 'active',
      parentVersion: extra.parentVersion,
      derivedFrom: extra.derivedFrom,
    };
    try {
      await personas.create(doc);
      return doc;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  throw new PersonaRefused(`could not number a new version of ${persona.name}: too many concurrent creations; try again`);
}

/** Counts one negotiation of a persona once, however often it is retried. */
export async function countUsage(
  connection: Connection,
  persona: { account: string; name: string; version: number },
  key: string,
  usage: { used: number; agreements: number; rounds: number },
): Promise<void> {
  try {
    await personaUsageModel(connection).create({
      _id: key,
      account: persona.account,
      name: persona.name,
      version: persona.version,
      ...usage,
      countedAt: new Date(),
    });
  } catch (err) {
    // Counted already, by an earlier attempt of the same step.
    if ((err as { code?: number }).code !== 11000) throw err;
  }
}

export function createPersonaStoreActivities({ connection }: { connection: Connection }) {
  const personas = personaModel(connection);
  // One store operation per kind, each typed by its kind's answer.
  const operations: { [K in PersonaOperationKind]: (input: PersonaOperation<K>) => Promise<PersonaViews[K]> } = {
    list: async (input) => {
      const op = list.parse(input);
      const filter: Record<string, unknown> = { ...visibleTo(callerOf(op)) };
      if (op.role) filter.role = op.role;
      if (op.tag) filter.tags = op.tag;
      const words = op.search?.toLowerCase();
      const rows = ((await personas.find(filter).sort({ name: 1, version: 1 }).lean()) as StoredPersona[]).filter(
        (r) => !words || `${r.name} ${r.description} ${r.tags.join(' ')}`.toLowerCase().includes(words),
      );
      return (await withUsage(connection, rows)).map((r) => ({
        ref: `${r.name}@${r.version}`,
        account: r.account,
        role: r.role,
        visibility: r.visibility,
        status: r.status,
        tags: r.tags,
        timesUsed: r.usage.timesUsed,
        agreements: r.usage.agreements,
        averageRounds: r.usage.agreements ? Math.round((r.usage.totalRounds / r.usage.agreements) * 10) / 10 : 0,
      }));
    },
    show: async (input) => {
      const op = show.parse(input);
      return strip(connection, await findPersona(connection, op.ref, callerOf(op)));
    },
    create: async (input) => {
      const op = create.parse(input);
      return strip(connection, await createPersonaVersion(connection, callerOf(op), op.persona, { visibility: op.visibility }));
    },
    publish: async (input) => {
      const op = publish.parse(input);
      const found = await findPersona(connection, op.ref, callerOf(op));
      if (found.account !== op.account || (found.creator !== op.user && found.visibility === 'private')) {
        throw new PersonaRefused(`only ${found.account}'s members may publish ${found.name}@${found.version}`);
      }
      // Publishing a proposed version also makes it the active one: its owner accepts the evolution.
      await personas.updateOne(
        { account: found.account, name: found.name, version: found.version },
        { $set: { visibility: op.visibility, status: 'active' } },
      );
      return strip(connection, { ...found, visibility: op.visibility, status: 'active' });
    },
  };
  return {
    /** The persona marketplace: list and search, show, create a version, publish. */
    async personaOperation<K extends PersonaOperationKind>(input: PersonaOperation<K>): Promise<PersonaViews[K]> {
      // The union's parse names what is wrong in any request, whatever its kind claims to be.
      const parsed = personaOperationSchema.safeParse(input);
      if (!parsed.success)
        throw nonRetryable(new PersonaRefused(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
      try {
        return await withStorage(`persona ${input.kind}`, () => operations[input.kind](input));
      } catch (err) {
        if (err instanceof UnknownPersona || err instanceof PersonaRefused || (err as Error).name === 'InvalidPersona')
          throw nonRetryable(err);
        throw err;
      }
    },
  };
}

export type PersonaStoreActivities = ReturnType<typeof createPersonaStoreActivities>;
