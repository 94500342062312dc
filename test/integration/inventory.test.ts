import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { BUILTIN_IMPLEMENTATIONS, type HandlerContext } from '../../src/activities/builtin-handlers';
import { parseCompositionRequest } from '../../src/composition/request';
import { ensureIndexes } from '../../src/models/indexes';
import { accountUsageModel, backfillAccountUsage, inventoryModel, keyInventoryByKey } from '../../src/models/inventory';
import type { Provider } from '../../src/providers/provider';
import { failureOf } from '../harness/failures';

// Inventory entries are keyed by step key and quota-check reads one usage
// document per account: with FerretDB v1 any other filter decodes the whole
// inventory, once per composition.
describe('inventory and quota on the real store', () => {
  let connection: mongoose.Connection;
  const { 'quota-check': quota, 'register-inventory': register } = BUILTIN_IMPLEMENTATIONS;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(`mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/inventory_${randomUUID().slice(0, 8)}`)
      .asPromise();
    await ensureIndexes(connection);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const ctx = (account: string, key: string, quotaPerAccount = 2): HandlerContext => ({
    request: parseCompositionRequest({
      requestId: key.replace(/\W/g, '-'),
      user: 'u',
      account,
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'b' },
    }),
    key,
    workflowId: `compose-${key}`,
    provider: {} as Provider,
    connection,
    outputs: {},
    resources: [],
    settings: { quotaPerAccount },
  });

  it('counts registrations once however often retried, frees quota on undo, and refuses the account over it', async () => {
    const account = `acct-${randomUUID().slice(0, 6)}`;
    await register!.run(ctx(account, `${account}/a`));
    await register!.run(ctx(account, `${account}/a`));
    expect(await quota!.run(ctx(account, `${account}/q`))).toMatchObject({ output: { quotaUsed: '1', quotaLimit: '2' } });
    await register!.run(ctx(account, `${account}/b`));
    const refused = await failureOf(quota!.run(ctx(account, `${account}/q`)));
    expect(refused).toMatchObject({ type: 'QuotaExceeded' });
    expect(refused.message).toContain(`account ${account} has 2 resources, its quota is 2`);
    await register!.undo!(ctx(account, `${account}/b`), []);
    await register!.undo!(ctx(account, `${account}/b`), []);
    expect(await quota!.run(ctx(account, `${account}/q`))).toMatchObject({ output: { quotaUsed: '1' } });
    expect(await inventoryModel(connection).find({ account }).lean()).toEqual([
      expect.objectContaining({ _id: `${account}/a`, key: `${account}/a` }),
    ]);
  });

  it('moves entries written before they were keyed by step key, and builds the usage of a store that kept none', async () => {
    const account = `legacy-${randomUUID().slice(0, 6)}`;
    const entry = (key: string) => ({
      _id: new mongoose.Types.ObjectId(),
      key,
      account,
      region: 'us-east-1',
      resourceType: 'bucket',
      name: key,
      workflowId: key,
      resources: [],
      createdAt: new Date(),
    });
    await inventoryModel(connection).collection.insertMany([entry(`${account}/1`), entry(`${account}/2`)] as never[]);
    expect(await keyInventoryByKey(connection)).toBe(2);
    expect(await keyInventoryByKey(connection)).toBe(0);
    expect((await inventoryModel(connection).find({ account }).lean()).map((e) => e._id).sort()).toEqual([`${account}/1`, `${account}/2`]);

    await accountUsageModel(connection).deleteMany({});
    expect(await backfillAccountUsage(connection)).toBeGreaterThanOrEqual(1);
    expect(await backfillAccountUsage(connection)).toBe(0);
    expect(await quota!.run(ctx(account, `${account}/q`, 3))).toMatchObject({ output: { quotaUsed: '2' } });
    // Undo of a legacy entry's step removes it by its key, now its _id.
    await register!.undo!(ctx(account, `${account}/1`), []);
    expect(await inventoryModel(connection).countDocuments({ account })).toBe(1);
    expect(await quota!.run(ctx(account, `${account}/q`, 3))).toMatchObject({ output: { quotaUsed: '1' } });
  });
});
