import { z } from 'zod';
import { graphsOf, type Placed } from './graph';
import { keyOf, type Snapshot, type SourceRef } from './resources';

/**
 * Predicted impact of keeping a service: how likely it is to be healthy and
 * how much of its requested CPU it will use, from features of the service and
 * of where it is placed, learned from what the monitor measured in earlier
 * compositions. With too little such data, or when the learned model does not
 * beat it on held-out records, the prediction is the running mean per service
 * shrunk to a prior, so one lucky or unlucky run does not decide.
 */

/** Where a service is placed, as the resolution left it: the features the model reads besides the service's history. */
export interface Placement {
  /** Requested cores and bytes. */
  cpu: number;
  memory: number;
  /** Resources of its own source that need it. */
  dependents: number;
  /** Other services in the composition, sharing the machine. */
  colocated: number;
  sourceType: SourceRef['type'];
  /** A past resolution outcome: its port was moved or its size cut to settle a conflict or fit the limits. */
  adjusted: boolean;
}

const placementSchema = z.preprocess(
  // Placements stored before the snapshot agent's dealings were renamed adjustment (issue 17) say `negotiated`.
  (stored) => {
    if (typeof stored !== 'object' || stored === null || !('negotiated' in stored) || 'adjusted' in stored) return stored;
    const { negotiated, ...rest } = stored as Record<string, unknown>;
    return { ...rest, adjusted: negotiated };
  },
  z.strictObject({
    cpu: z.number().finite().min(0),
    memory: z.number().finite().min(0),
    dependents: z.number().int().min(0),
    colocated: z.number().int().min(0),
    sourceType: z.enum(['template', 'live']),
    adjusted: z.boolean(),
  }),
);

export interface ServiceObservation {
  /** The service key, such as service:web. */
  key: string;
  healthy: boolean;
  /** Measured CPU over the CPU it asked for: 0.25 means it used a quarter. */
  cpuUse: number;
  /** Peak resident memory over the memory it asked for; absent in records older than the model. */
  memoryUse?: number;
  /** Absent in records older than the model: those feed the running mean only. */
  placement?: Placement;
}

export interface PerformanceMetrics {
  [serviceKey: string]: { samples: number; healthyRate: number; cpuUse: number; memoryUse: number };
}

export const PRIOR = { healthyRate: 0.8, cpuUse: 1, memoryUse: 0.5, weight: 3 } as const;

export interface Prediction {
  health: number;
  /** Share of its requested CPU the service is expected to use (1 = all of it). */
  cpuUse: number;
  basis: string;
}

/** Fewer observations with a placement than this, and the running mean decides. */
export const MIN_TRAINING = 60;
/** The newest records trained on: bounds one retrain, which runs on the worker's event loop, to about 120 ms on the 2-core machine. */
export const MAX_TRAINING = 2_000;
const HELD_OUT = 0.2;
/** How far below the running mean's the held-out error (health and CPU use summed) must be: a tie is noise, and the simpler estimate wins it. */
const MIN_GAIN = 0.01;
const EPOCHS = 200;
const LEARNING_RATE = 0.5;
const L2 = 1e-3;
const FEATURES = [
  'bias',
  'log cpu',
  'log memory GiB',
  'log dependents',
  'log colocated',
  'live source',
  'adjusted',
  'past health',
  'past cpu use',
  'past memory use',
  'log past runs',
] as const;

/** Per-service aggregates of many observations, oldest first. */
export function learnMetrics(observations: ServiceObservation[]): PerformanceMetrics {
  const out: PerformanceMetrics = {};
  for (const o of observations) addObservation(out, o);
  return out;
}

function addObservation(metrics: PerformanceMetrics, o: ServiceObservation): void {
  const m = (metrics[o.key] ??= { samples: 0, healthyRate: 0, cpuUse: 0, memoryUse: PRIOR.memoryUse });
  const mean = (old: number, x: number) => (old * m.samples + x) / (m.samples + 1);
  m.healthyRate = mean(m.healthyRate, o.healthy ? 1 : 0);
  m.cpuUse = mean(m.cpuUse, o.cpuUse);
  m.memoryUse = mean(m.memoryUse, o.memoryUse ?? PRIOR.memoryUse);
  m.samples += 1;
}

const clampUse = (x: number) => Math.min(1, Math.max(0.05, x));

/** The baseline: the service's running mean, shrunk to the prior while its samples are few. */
export function runningMean(metrics: PerformanceMetrics, key: string): Prediction {
  const { health, cpuUse, basis } = history(metrics, key);
  return { health, cpuUse, basis };
}

/** The running mean with what the model also reads of a service's past: memory use and how many runs. */
function history(metrics: PerformanceMetrics, key: string): Prediction & { memoryUse: number; samples: number } {
  const m = metrics[key];
  if (!m || m.samples === 0)
    return { health: PRIOR.healthyRate, cpuUse: PRIOR.cpuUse, memoryUse: PRIOR.memoryUse, samples: 0, basis: 'prior' };
  const shrink = (observed: number, prior: number) => (observed * m.samples + prior * PRIOR.weight) / (m.samples + PRIOR.weight);
  return {
    health: shrink(m.healthyRate, PRIOR.healthyRate),
    cpuUse: clampUse(shrink(m.cpuUse, PRIOR.cpuUse)),
    memoryUse: shrink(m.memoryUse, PRIOR.memoryUse),
    samples: m.samples,
    basis: `mean of ${m.samples} run${m.samples === 1 ? '' : 's'}`,
  };
}

function featuresOf(metrics: PerformanceMetrics, key: string, p: Placement): number[] {
  const past = history(metrics, key);
  const log = (x: number) => Math.log2(1 + Math.max(0, x));
  return [
    1,
    log(p.cpu),
    log(p.memory / 2 ** 30),
    log(p.dependents),
    log(p.colocated),
    p.sourceType === 'live' ? 1 : 0,
    p.adjusted ? 1 : 0,
    past.health,
    past.cpuUse,
    past.memoryUse,
    log(past.samples),
  ];
}

const modelSchema = z.strictObject({
  kind: z.enum(['learned', 'running-mean']),
  /** Observations with a placement it was trained on. */
  samples: z.number().int().min(0),
  /** Why the running mean decides, when it does. */
  reason: z.string().optional(),
  metrics: z.record(
    z.string(),
    z.strictObject({
      samples: z.number().int().min(1),
      healthyRate: z.number().min(0).max(1),
      cpuUse: z.number().finite(),
      memoryUse: z.number().finite(),
    }),
  ),
  fit: z
    .strictObject({
      mean: z.array(z.number().finite()).length(FEATURES.length),
      scale: z.array(z.number().finite().positive()).length(FEATURES.length),
      health: z.array(z.number().finite()).length(FEATURES.length),
      cpu: z.array(z.number().finite()).length(FEATURES.length),
    })
    .optional(),
  /** Mean absolute error on the newest HELD_OUT share of the records, the model's against the running mean's. */
  heldOut: z
    .strictObject({
      samples: z.number().int().min(0),
      model: z.strictObject({ health: z.number(), cpuUse: z.number() }),
      runningMean: z.strictObject({ health: z.number(), cpuUse: z.number() }),
    })
    .optional(),
});

export type ImpactModel = z.infer<typeof modelSchema>;

/** A stored model read back: anything malformed becomes the running mean over nothing, never a crash. */
export function parseImpactModel(stored: unknown): ImpactModel {
  const parsed = modelSchema.safeParse(stored);
  if (parsed.success && (parsed.data.kind === 'running-mean' || parsed.data.fit)) return parsed.data;
  return { kind: 'running-mean', samples: 0, reason: 'the stored model was unreadable', metrics: {} };
}

interface Row {
  x: number[];
  healthy: number;
  cpuUse: number;
  baseline: Prediction;
}

/** Each record's features as they stood before it was observed, so a record never predicts itself. */
function rowsOf(observations: ServiceObservation[]): { rows: Row[]; metrics: PerformanceMetrics } {
  const metrics: PerformanceMetrics = {};
  const rows: Row[] = [];
  for (const o of observations) {
    const placement = o.placement && placementSchema.safeParse(o.placement);
    if (placement && placement.success)
      rows.push({
        x: featuresOf(metrics, o.key, placement.data),
        healthy: o.healthy ? 1 : 0,
        cpuUse: clampUse(o.cpuUse),
        baseline: runningMean(metrics, o.key),
      });
    addObservation(metrics, o);
  }
  return { rows, metrics };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (w: number[], x: number[]) => w.reduce((acc, wi, i) => acc + wi * x[i]!, 0);

/** Logistic regression for health and linear regression for CPU use, by full-batch gradient descent on standardised features. */
function fit(rows: Row[]): NonNullable<ImpactModel['fit']> {
  const n = rows.length;
  const d = FEATURES.length;
  const mean = Array.from({ length: d }, (_, j) => (j === 0 ? 0 : rows.reduce((a, r) => a + r.x[j]!, 0) / n));
  const scale = Array.from({ length: d }, (_, j) => {
    if (j === 0) return 1;
    const sd = Math.sqrt(rows.reduce((a, r) => a + (r.x[j]! - mean[j]!) ** 2, 0) / n);
    return sd > 1e-9 ? sd : 1;
  });
  // One flat array and plain loops: a retrain runs in an activity, on the worker's event loop.
  const xs = new Float64Array(n * d);
  rows.forEach((r, i) => {
    for (let k = 0; k < d; k++) xs[i * d + k] = k === 0 ? 1 : (r.x[k]! - mean[k]!) / scale[k]!;
  });
  const healthy = Float64Array.from(rows, (r) => r.healthy);
  const cpuUse = Float64Array.from(rows, (r) => r.cpuUse);
  const wh = new Float64Array(d);
  const wc = new Float64Array(d);
  const gh = new Float64Array(d);
  const gc = new Float64Array(d);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    gh.fill(0);
    gc.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let zh = 0;
      let zc = 0;
      for (let k = 0; k < d; k++) {
        zh += wh[k]! * xs[o + k]!;
        zc += wc[k]! * xs[o + k]!;
      }
      const eh = sigmoid(zh) - healthy[i]!;
      const ec = zc - cpuUse[i]!;
      for (let k = 0; k < d; k++) {
        gh[k]! += eh * xs[o + k]!;
        gc[k]! += ec * xs[o + k]!;
      }
    }
    for (let k = 0; k < d; k++) {
      const decay = k === 0 ? 0 : L2;
      wh[k]! -= LEARNING_RATE * (gh[k]! / n + decay * wh[k]!);
      wc[k]! -= LEARNING_RATE * (gc[k]! / n + decay * wc[k]!);
    }
  }
  const health = Array.from(wh);
  const cpu = Array.from(wc);
  return { mean, scale, health, cpu };
}

function fitted(f: NonNullable<ImpactModel['fit']>, x: number[]): { health: number; cpuUse: number } {
  const z = x.map((v, j) => (j === 0 ? 1 : (v - f.mean[j]!) / f.scale[j]!));
  return { health: sigmoid(dot(f.health, z)), cpuUse: clampUse(dot(f.cpu, z)) };
}

/** Mean absolute error of predictions against what was observed. */
export function meanAbsoluteError(pairs: { predicted: number; observed: number }[]): number {
  return pairs.length ? pairs.reduce((a, p) => a + Math.abs(p.predicted - p.observed), 0) / pairs.length : 0;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Trains on the observations (oldest first; the newest MAX_TRAINING with a
 * placement count). The newest fifth is held out: the model is kept only if
 * its error there, health and CPU use together, is clearly below the running mean's;
 * it is then refitted on everything.
 */
export function trainImpactModel(observations: ServiceObservation[]): ImpactModel {
  const { rows: all, metrics } = rowsOf(observations);
  const rows = all.slice(-MAX_TRAINING);
  if (rows.length < MIN_TRAINING)
    return {
      kind: 'running-mean',
      samples: rows.length,
      reason: `${rows.length} observation${rows.length === 1 ? '' : 's'} with a placement, fewer than the ${MIN_TRAINING} the model needs`,
      metrics,
    };
  const cut = Math.floor(rows.length * (1 - HELD_OUT));
  const [train, test] = [rows.slice(0, cut), rows.slice(cut)];
  const candidate = fit(train);
  const predictions = test.map((r) => ({ r, p: fitted(candidate, r.x) }));
  const errors = (pick: (x: { r: Row; p: { health: number; cpuUse: number } }) => { health: number; cpuUse: number }) => ({
    health: round(meanAbsoluteError(predictions.map((x) => ({ predicted: pick(x).health, observed: x.r.healthy })))),
    cpuUse: round(meanAbsoluteError(predictions.map((x) => ({ predicted: pick(x).cpuUse, observed: x.r.cpuUse })))),
  });
  const heldOut = { samples: test.length, model: errors((x) => x.p), runningMean: errors((x) => x.r.baseline) };
  const better = heldOut.model.health + heldOut.model.cpuUse < heldOut.runningMean.health + heldOut.runningMean.cpuUse - MIN_GAIN;
  if (!better)
    return {
      kind: 'running-mean',
      samples: rows.length,
      reason: `the learned model's held-out error was not clearly below the running mean's`,
      metrics,
      heldOut,
    };
  return { kind: 'learned', samples: rows.length, metrics, fit: fit(rows), heldOut };
}

/** The model's prediction for a service placed so; the running mean when the model is not learned. */
export function predictImpact(model: ImpactModel, key: string, placement: Placement): Prediction {
  const baseline = runningMean(model.metrics, key);
  if (model.kind !== 'learned' || !model.fit) return baseline;
  const p = fitted(model.fit, featuresOf(model.metrics, key, placement));
  return { ...p, basis: `model of ${model.samples} runs` };
}

/** The model before anything was observed. */
export const NO_HISTORY: ImpactModel = { kind: 'running-mean', samples: 0, reason: 'nothing observed yet', metrics: {} };

/** Each placed service's placement in a resolution, against the snapshots it came from: what the monitor records beside its outcome. */
export function placementsOf(snapshots: Snapshot[], placed: Placed[]): Record<string, Placement> {
  const graphs = graphsOf(snapshots);
  const original = new Map(snapshots.map((s) => [s.source.index, new Map(s.resources.map((r) => [keyOf(r), r]))]));
  const sourceOf = new Map(snapshots.map((s) => [s.source.index, s.source]));
  const services = placed.filter((p) => p.resource.kind === 'service');
  const out: Record<string, Placement> = {};
  for (const p of services) {
    if (p.resource.kind !== 'service') continue;
    const key = keyOf(p.resource);
    const before = original.get(p.sourceIndex)?.get(key);
    out[key] = {
      cpu: p.resource.cpu,
      memory: p.resource.memory,
      dependents: graphs.get(p.sourceIndex)?.dependents(key).length ?? 0,
      colocated: services.length - 1,
      sourceType: sourceOf.get(p.sourceIndex)?.type ?? 'template',
      adjusted: before !== undefined && JSON.stringify(before) !== JSON.stringify(p.resource),
    };
  }
  return out;
}
