import { Schema, type Connection, type Model } from 'mongoose';
import type { ResourceRef } from '../providers/provider';
import { modelOn } from './model';

/** A resource Mosaic made, by the key of the step that made it. */
export interface InventoryEntry {
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
