import type { Connection } from 'mongoose';
import { handlerDescriptorSchema, refOf } from '../handlers/descriptor';
import { handlerModel } from '../models/handler';
import { canonicalJson } from '../security/canonical';
import { BUILTIN_IMPLEMENTATIONS } from './builtin-handlers';

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

export async function applyHandlerChange(connection: Connection, change: HandlerChange, actor: string): Promise<string> {
  const handlers = handlerModel(connection);
  const mustExist = async (ref: string) => {
    if (!(await handlers.exists({ ref }))) throw new RegistryChangeRefused('HandlerNotFound', `no handler ${ref}; see \`mosaic handler list\``);
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
        throw new RegistryChangeRefused('InvalidHandler', `no built-in implementation named ${d.id}; register user code with code.kind "script"`);
      }
      const ref = refOf(d);
      const existing = await handlers.findOne({ ref }).lean();
      if (existing) {
        const { ref: _r, registeredBy: _b, registeredAt: _a, _id, ...stored } = existing as typeof existing & { _id?: unknown };
        if (!sameContent(handlerDescriptorSchema.parse(stored), d)) {
          throw new RegistryChangeRefused('HandlerVersionExists', `${ref} exists with other content; versions are immutable: register a new version`);
        }
        return `${ref} already registered`;
      }
      await handlers.updateOne({ ref }, { $setOnInsert: { ...d, ref, registeredBy: actor, registeredAt: new Date() } }, { upsert: true });
      return `${ref} registered (${d.status})`;
    }
    case 'handler.promote': {
      await mustExist(change.ref);
      await handlers.updateOne({ ref: change.ref }, { $set: { status: change.status, canaryShare: change.status === 'canary' ? (change.canaryShare ?? 0.1) : undefined } });
      return `${change.ref} ${change.status}${change.status === 'canary' ? ` (${Math.round((change.canaryShare ?? 0.1) * 100)}% of traffic)` : ''}`;
    }
    case 'handler.rollback': {
      const ref = `${change.id}@${change.version}`;
      await mustExist(ref);
      // The chosen version serves alone again; the others stay registered, retired, for a later roll forward.
      await handlers.updateMany({ id: change.id, ref: { $ne: ref } }, { $set: { status: 'retired' } });
      await handlers.updateOne({ ref }, { $set: { status: 'active' } });
      return `${ref} active; other versions of ${change.id} retired`;
    }
    case 'handler.retire': {
      await mustExist(change.ref);
      await handlers.updateOne({ ref: change.ref }, { $set: { status: 'retired' } });
      return `${change.ref} retired`;
    }
  }
}
