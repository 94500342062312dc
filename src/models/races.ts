/** A unique index refused the write (code 11000, MongoDB and FerretDB alike); for a bulk write, every refused row. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] } | null;
  if (e?.writeErrors?.length) return e.writeErrors.every((w) => w.code === 11000);
  return e?.code === 11000;
}

/**
 * Runs an upsert once more when it lost the insert race. Two processes that
 * upsert the same new key at the same moment both find nothing and both
 * insert; the unique index refuses the later one with E11000 (FerretDB v1
 * does not retry this itself). The second try finds the row the other process
 * inserted and updates it, so the write has the effect it was meant to have.
 */
export async function upsertLosingRace<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return upsert();
  }
}
