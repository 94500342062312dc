import type { Collection } from 'mongodb';

/**
 * Rows written before a collection was keyed by one of its fields (with an
 * ObjectId `_id`) move to `_id: <that field>`, once, at worker start: FerretDB
 * v1 pushes a filter down only when it is `_id` alone, and decodes the whole
 * collection for any other. Each row is removed before its copy is written,
 * as the field's unique index forbids both at once; a crash in between loses
 * that row. Two workers starting together both see the row: the second copy
 * is refused as a duplicate and dropped. Returns how many rows moved.
 */
export async function keyByField(collection: Collection, field: string): Promise<number> {
  const legacy = await collection.find({ _id: { $type: 'objectId' } as never }).toArray();
  for (const row of legacy) {
    await collection.deleteOne({ _id: row._id });
    await collection.insertOne({ ...row, _id: row[field] }).catch((err: { code?: number }) => {
      if (err.code !== 11000) throw err;
    });
  }
  return legacy.length;
}
