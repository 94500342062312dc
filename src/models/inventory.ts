import { Schema, type Connection, type Model } from 'mongoose';
import type { ResourceRef } from '../providers/provider';
import { modelOn } from './model';
import { keyByField } from './rekey';

/** A resource Mosaic made, by the key of the step that made it (also its `_id`: see keyInventoryByKey). */
export interface InventoryEntry {
  _id: string;
  key: string;
  account: string;
  region: string;
  resourceType: string;
  name: string;
  workflowId: string;
  resources: ResourceRef[];
  createdAt: Date;
}

const schema = new Schema<InventoryEntry>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true, unique: true },
    account: { type: String, required: true, index: true },
    region: { type: String, required: true },
    resourceType: { type: String, required: true },
    name: { type: String, required: true },
    workflowId: { type: String, required: true },
    resources: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'inventory', versionKey: false, minimize: false },
);

export function inventoryModel(connection: Connection): Model<InventoryEntry> {
  return modelOn(connection, 'InventoryEntry', schema);
}

/** Entries written before the inventory was keyed by step key move to `_id: key` (see rekey.ts). */
export const keyInventoryByKey = (connection: Connection) => keyByField(inventoryModel(connection).collection, 'key');

/**
 * The inventory keys of one account, for quota-check: read by `_id`, where
 * counting an account's entries makes FerretDB v1 decode the whole inventory
 * on every composition (a 2,000-composition load saturated it). Kept beside
 * each entry's write and removal with `$addToSet`/`$pull`, which a retry can
 * repeat. FerretDB v1 applies concurrent updates of one document without
 * isolation, so there two registrations of one account at the same instant
 * can leave one key out (real MongoDB applies each update atomically).
 */
export interface AccountUsage {
  _id: string;
  keys: string[];
}

const usageSchema = new Schema<AccountUsage>(
  { _id: { type: String, required: true }, keys: { type: [String], required: true } },
  { collection: 'account_usage', versionKey: false },
);

export function accountUsageModel(connection: Connection): Model<AccountUsage> {
  return modelOn(connection, 'AccountUsage', usageSchema);
}

/** Usage built from the inventory once, when none is kept yet (a store from before it was): harmless to repeat, as `$addToSet` is. */
export async function backfillAccountUsage(connection: Connection): Promise<number> {
  const usage = accountUsageModel(connection);
  if (await usage.exists({})) return 0;
  const byAccount = new Map<string, string[]>();
  for (const { account, key } of await inventoryModel(connection).find({}, { account: 1, key: 1 }).lean())
    byAccount.set(account, [...(byAccount.get(account) ?? []), key]);
  for (const [account, keys] of byAccount)
    await usage.updateOne({ _id: account }, { $addToSet: { keys: { $each: keys } } }, { upsert: true });
  return byAccount.size;
}
