import { Schema, type Connection, type Model } from 'mongoose';
import type { ServiceObservation } from '../snapshot/impact';
import type { Resolution } from '../snapshot/resolution';
import type { Resource, SourceRef } from '../snapshot/resources';
import type { Host, Template } from '../snapshot/template';
import { modelOn } from './model';

export interface StoredTemplate extends Template {
  createdAt: Date;
}

export type StoredHost = Host & { registeredAt: Date };

/** One source as retrieved for one composition: the resolve step reads these, so large trees never travel in workflow history. */
export interface SnapshotCapture {
  _id: string;
  workflowId: string;
  source: SourceRef;
  resources: Resource[];
  capturedAt: Date;
}

/** What a composition made and what its monitor window measured: teardown reads the first, the agent learns from the second. */
export interface SnapshotComposition {
  workflowId: string;
  manifest: Record<string, unknown>;
  resolution?: Resolution;
  workspace?: string;
  services: { key: string; name: string; pid: number; port?: number; runName: string }[];
  observations: ServiceObservation[];
  state: string;
  updatedAt: Date;
}

const mixed = Schema.Types.Mixed;

export function templateModel(c: Connection): Model<StoredTemplate> {
  return modelOn(
    c,
    'SnapshotTemplate',
    new Schema<StoredTemplate>(
      {
        id: { type: String, required: true, unique: true },
        description: String,
        tags: [String],
        resources: { type: mixed, required: true },
        createdAt: Date,
      },
      { collection: 'snapshot_templates', versionKey: false, minimize: false },
    ),
  );
}

export function hostModel(c: Connection): Model<StoredHost> {
  return modelOn(
    c,
    'SnapshotHost',
    new Schema<StoredHost>(
      {
        name: { type: String, required: true, unique: true },
        provider: { type: String, required: true },
        root: String,
        allowedPaths: [String],
        services: mixed,
        volumes: mixed,
        instanceId: String,
        region: String,
        restoreTo: String,
        address: String,
        port: Number,
        user: String,
        key: String,
        hostKey: String,
        registeredAt: Date,
      },
      { collection: 'snapshot_hosts', versionKey: false, minimize: false },
    ),
  );
}

export function captureModel(c: Connection): Model<SnapshotCapture> {
  return modelOn(
    c,
    'SnapshotCapture',
    new Schema<SnapshotCapture>(
      { _id: String, workflowId: { type: String, index: true }, source: mixed, resources: mixed, capturedAt: Date },
      { collection: 'snapshot_captures', versionKey: false, minimize: false },
    ),
  );
}

export function compositionModel(c: Connection): Model<SnapshotComposition> {
  return modelOn(
    c,
    'SnapshotComposition',
    new Schema<SnapshotComposition>(
      {
        workflowId: { type: String, required: true, unique: true },
        manifest: mixed,
        resolution: mixed,
        workspace: String,
        services: mixed,
        observations: mixed,
        state: String,
        updatedAt: Date,
      },
      { collection: 'snapshot_compositions', versionKey: false, minimize: false },
    ),
  );
}
