import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { registerBuiltinHandlers } from '../../src/activities/composition';
import { generationCache } from '../../src/activities/generation-cache';
import { bumpGeneration, readGeneration } from '../../src/models/generation';
import { handlerModel } from '../../src/models/handler';

// A cache of the handler rows, with composition's intervals, on the real store and a clock the test
// moves: governed writes are seen at the next check, a row changed behind Mosaic's back at the next
// full reload, where composition's loader verifies and refuses it (handler-registry.test.ts).
describe('the handler registry cached by generation', () => {
  let connection: mongoose.Connection;
  let clock = 0;
  let loads = 0;
  /** Each version's code kind, as last loaded. */
  let registry: () => Promise<Map<string, string>>;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/generations_${randomUUID().slice(0, 8)}`)
      .asPromise();
    await registerBuiltinHandlers(connection);
    registry = generationCache(
      connection,
      'handlers',
      async () => {
        loads++;
        return new Map((await handlerModel(connection).find().lean()).map((h) => [h.ref, h.code.kind]));
      },
      { checkMs: 1000, reverifyMs: 30_000 },
      () => clock,
    );
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('loads once for concurrent callers and serves that until a governed write moves the generation', async () => {
    const first = await Promise.all([registry(), registry(), registry()]);
    expect(loads).toBe(1);
    expect(first[0].get('provision-bucket@1')).toBe('builtin');
    clock += 1000;
    await registry();
    // Checked, unchanged: nothing loaded.
    expect(loads).toBe(1);

    const before = await readGeneration(connection, 'handlers');
    await registerBuiltinHandlers(connection);
    expect(await readGeneration(connection, 'handlers')).not.toBe(before);
    clock += 500;
    await registry();
    expect(loads).toBe(1);
    clock += 500;
    await registry();
    expect(loads).toBe(2);
  });

  it('sees a row changed directly in the database at the next full reload, not before', async () => {
    const loadedAt = clock;
    await handlerModel(connection).updateOne(
      { ref: 'provision-bucket@1' },
      { $set: { code: { kind: 'script', source: 'function handle() { return {}; }' } } },
    );
    clock = loadedAt + 29_000;
    expect((await registry()).get('provision-bucket@1')).toBe('builtin');
    expect(loads).toBe(2);
    clock = loadedAt + 30_000;
    expect((await registry()).get('provision-bucket@1')).toBe('script');
    expect(loads).toBe(3);
  });

  it('sees the row again once a governed write restores it', async () => {
    // The built-ins' registration brings the row back in line with the catalog, and moves the generation.
    await registerBuiltinHandlers(connection);
    clock += 1000;
    expect((await registry()).get('provision-bucket@1')).toBe('builtin');
    expect(loads).toBe(4);
  });

  it('gives every write a value no cache has seen, also when writes race', async () => {
    const seen = new Set([await readGeneration(connection, 'handlers')]);
    for (let i = 0; i < 3; i++) {
      await Promise.all([bumpGeneration(connection, 'handlers'), bumpGeneration(connection, 'handlers', 'policies')]);
      const value = await readGeneration(connection, 'handlers');
      expect(seen).not.toContain(value);
      seen.add(value);
    }
  });
});
