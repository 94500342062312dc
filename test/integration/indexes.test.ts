import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model } from 'mongoose';
import { ensureIndexes, MODELS } from '../../src/models/indexes';

const MODELS_DIR = path.resolve(__dirname, '..', '..', 'src', 'models');

/** Every `…Model(connection)` factory exported by a module of src/models. */
function allModelFactories(): ((c: Connection) => Model<unknown>)[] {
  return fs
    .readdirSync(MODELS_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'indexes.ts' && f !== 'model.ts' && f !== 'connection.ts')
    .flatMap((f) => Object.entries(require(path.join(MODELS_DIR, f)) as Record<string, unknown>))
    .filter(([name, value]) => /Model$/.test(name) && typeof value === 'function')
    .map(([, value]) => value as (c: Connection) => Model<unknown>);
}

// A worker's first start on an empty database builds every unique index, so no once-guard waits for a first write.
describe('ensureIndexes on a fresh database', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await mongoose
      .createConnection(`mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/indexes_${randomUUID().slice(0, 8)}`, { autoIndex: false })
      .asPromise();
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('covers every model of src/models', () => {
    expect(
      allModelFactories()
        .filter((f) => !MODELS.includes(f as never))
        .map((f) => f.name),
    ).toEqual([]);
  });

  it('creates every unique index a schema declares', async () => {
    await ensureIndexes(db);
    const missing: string[] = [];
    for (const factory of MODELS) {
      const model = factory(db) as Model<unknown>;
      const present = (await model.collection.indexes()).filter((i) => i.unique).map((i) => JSON.stringify(i.key));
      for (const [fields, options] of model.schema.indexes()) {
        if (options.unique && !present.includes(JSON.stringify(fields)))
          missing.push(`${model.collection.collectionName} ${JSON.stringify(fields)}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
