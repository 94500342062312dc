import { Schema, type Connection, type Model } from 'mongoose';
import type { HandlerDescriptor } from '../handlers/descriptor';
import type { MetricCounters, OnlineState } from '../handlers/metrics';
import type { SignedRequest } from '../security/signed-request';
import { modelOn } from './model';
import { keyByField } from './rekey';

/** A registered handler version; `ref` is `id@version`. */
export interface StoredHandler extends HandlerDescriptor {
  ref: string;
  registeredBy: string;
  registeredAt: Date;
  /**
   * The signed request that registered this version and the descriptor as it
   * was signed: the worker checks both again each time it loads the version.
   * Absent on built-ins, which are checked against the catalog in the code.
   */
  registration?: { request: SignedRequest; payload: unknown };
  /**
   * The signed promote, rollback or retire that set the current `status` and
   * `canaryShare`, checked at load like the registration. Absent while the
   * status is the one registered.
   */
  statusChange?: { request: SignedRequest; payload: unknown };
}

/**
 * Counters of a handler version's calls. recordOutcome adds a composition's
 * calls only when it inserts that composition's outcome, so a retry never
 * counts twice.
 */
export interface StoredHandlerMetrics extends MetricCounters {
  /**
   * The ref again: FerretDB v1 pushes down only a filter on `_id` alone and
   * scans the collection for any other, so counters are updated by `_id`.
   */
  _id: string;
  ref: string;
  /** The latest calls, 1 for a failure: the recent error rate the decision reads. */
  recent?: number[];
  /** Residuals of the latest calls per region and the linear learner, against the model that predicted them (learning/online.ts). */
  online?: OnlineState;
  updatedAt: Date;
}

const handlerSchema = new Schema<StoredHandler>(
  {
    ref: { type: String, required: true, unique: true },
    id: { type: String, required: true },
    version: { type: String, required: true },
    description: String,
    resourceTypes: [String],
    providers: [String],
    engines: [String],
    requires: [String],
    provides: [String],
    retry: { type: Schema.Types.Mixed, required: true },
    timeoutMs: Number,
    idempotent: Boolean,
    undo: Boolean,
    hostCapabilities: [String],
    code: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['active', 'canary', 'retired'], required: true },
    canaryShare: Number,
    registeredBy: { type: String, required: true },
    registeredAt: { type: Date, required: true },
    registration: Schema.Types.Mixed,
    statusChange: Schema.Types.Mixed,
  },
  { collection: 'handlers', versionKey: false, minimize: false },
);

const metricsSchema = new Schema<StoredHandlerMetrics>(
  {
    _id: { type: String, required: true },
    ref: { type: String, required: true, unique: true },
    calls: { type: Number, default: 0 },
    successes: { type: Number, default: 0 },
    cpuMs: { type: Number, default: 0 },
    memoryMb: { type: Number, default: 0 },
    latencyBuckets: { type: Schema.Types.Mixed, default: {} },
    recent: { type: [Number], default: [] },
    online: Schema.Types.Mixed,
    updatedAt: Date,
  },
  { collection: 'handler_metrics', versionKey: false, minimize: false },
);

export function handlerModel(connection: Connection): Model<StoredHandler> {
  return modelOn(connection, 'StoredHandler', handlerSchema);
}

export function handlerMetricsModel(connection: Connection): Model<StoredHandlerMetrics> {
  return modelOn(connection, 'StoredHandlerMetrics', metricsSchema);
}

/** Counters written before they were keyed by ref move to `_id: ref` (see rekey.ts); a version that loses its row to a crash starts counting again. */
export const keyHandlerMetricsByRef = (connection: Connection) => keyByField(handlerMetricsModel(connection).collection, 'ref');
