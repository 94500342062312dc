import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { removeResources } from '../../src/activities/resources';
import { LocalProvider } from '../../src/providers/local';

// What compensation stands on when an attempt failed before reporting what it
// made: the local provider finds every kind of resource by the key it was
// made with, and nothing of another key.
describe('LocalProvider.findByKey and removeResources', () => {
  let dataDir: string;
  let db: Connection;
  let provider: LocalProvider;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-local-provider-'));
    db = await mongoose
      .createConnection(`mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/local_provider_${randomUUID().slice(0, 8)}`)
      .asPromise();
    provider = new LocalProvider(dataDir, db);
  });

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds a bucket, database, service and key by their key, and each delete leaves nothing to find', async () => {
    const step = `compose-${randomUUID()}/provision/step@1`;
    const other = `compose-${randomUUID()}/provision/step@1`;
    const made = [
      await provider.createBucket({ key: step, name: 'found', region: 'local' }),
      await provider.createDatabase({ key: step, name: 'found-db', engine: 'mongodb', sizeGb: 1 }),
      await provider.startService({ key: step, name: 'found-svc', region: 'local' }),
      await provider.createKey({ key: step, alias: 'mosaic/found', region: 'local' }),
    ];
    const otherBucket = await provider.createBucket({ key: other, name: 'found', region: 'local' });

    const found = await provider.findByKey(step);
    expect(found.map((r) => [r.kind, r.id]).sort()).toEqual(made.map((r) => [r.kind, r.id]).sort());
    expect(found.find((r) => r.kind === 'bucket')?.attributes.name).toBe('found');
    expect((await provider.findByKey(other)).map((r) => r.id)).toEqual([otherBucket.id]);

    // The compensation of a failed attempt: no refs reported, everything found by the step's key removed.
    await removeResources({ provider, key: step, request: { region: 'local' } }, []);
    expect(await provider.findByKey(step)).toEqual([]);
    expect(fs.existsSync(made[0]!.id)).toBe(false);
    expect(fs.existsSync(made[1]!.attributes.secretFile!)).toBe(false);
    expect(() => process.kill(Number(made[2]!.attributes.pid), 0)).toThrow();
    await provider.deleteBucket(otherBucket);
  }, 60_000);
});
