import fc from 'fast-check';
import type { Connection } from 'mongoose';

const nested = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: nested(depth - 1) });

/** Values an attacker or a broken client sends: huge, deeply nested, wrong-typed, unicode, path traversal. */
export const hostile = fc.oneof(
  fc.constantFrom(
    '../../../etc/passwd',
    '..',
    'a/../../b',
    '/abs/path',
    '..\\..\\windows',
    'b0-..',
    '',
    ' ',
    '\u0000',
    'ÄÖ-ß',
    '🙂',
    'ｆｕｌｌｗｉｄｔｈ',
    'x'.repeat(100_000),
  ),
  fc.constant(nested(500)),
  fc.constant(Array.from({ length: 10_000 }, (_, i) => i)),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}),
);

/** A copy of base with one field (`a`, `a.b` or `a.0.b`) replaced by value. */
export function mutate(base: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = field.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    at[k] = Array.isArray(next) ? [...next] : { ...(next as object) };
    at = at[k] as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
  return copy;
}

/** Every collection's documents but the named ones, for a before/after comparison. */
export async function storeContents(db: Connection, except: string[] = []): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const c of (await db.db!.listCollections().toArray()).map((x) => x.name).sort()) {
    if (except.includes(c)) continue;
    out[c] = await db.collection(c).find({}).sort({ _id: 1 }).toArray();
  }
  return out;
}
