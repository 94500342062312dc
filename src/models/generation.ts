import { randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model';
import { upsertLosingRace } from './races';

/**
 * What a worker keeps verified copies of: the active policies, and the
 * handler registry. Actors are part of both, as their keys verify the rows.
 */
export type GenerationName = 'policies' | 'handlers';

/**
 * A value that changes on every governed write of what it names, so a
 * worker's cache learns whether to reload by reading one document by `_id`
 * (which FerretDB v1 pushes down) instead of decoding every row.
 */
export interface StoredGeneration {
  _id: GenerationName;
  value: string;
  changedAt: Date;
}

const schema = new Schema<StoredGeneration>(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
    changedAt: { type: Date, required: true },
  },
  { collection: 'generations', versionKey: false },
);

export function generationModel(connection: Connection): Model<StoredGeneration> {
  return modelOn(connection, 'StoredGeneration', schema);
}

/**
 * Marks what `names` cover as changed; called after the write, so a cache
 * that read the old value before loading sees this one and loads again. A
 * fresh random value rather than `$inc`: FerretDB v1 loses one of two
 * concurrent updates of a document, and whichever value survives is still
 * one no cache has seen. A write whose bump never happens (a crash between
 * the two) is picked up by the caches' full reload (MOSAIC_REVERIFY_SECONDS).
 */
export async function bumpGeneration(connection: Connection, ...names: GenerationName[]): Promise<void> {
  const generations = generationModel(connection);
  const changedAt = new Date();
  await Promise.all(
    names.map((name) =>
      upsertLosingRace(() => generations.updateOne({ _id: name }, { $set: { value: randomUUID(), changedAt } }, { upsert: true })),
    ),
  );
}

/** The current value; undefined until the first governed write. */
export async function readGeneration(connection: Connection, name: GenerationName): Promise<string | undefined> {
  return (await generationModel(connection).findOne({ _id: name }, { value: 1 }).lean())?.value;
}
