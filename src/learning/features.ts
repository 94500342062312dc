import type { HandlerMetrics } from '../pdl/types';

/**
 * One featurize for training and serving: the retrain reads the decision
 * context logged with each outcome and calls the same function the worker
 * called when it decided, so a model never sees features built two ways.
 * Bump FEATURE_VERSION whenever the layout changes: stored models record it
 * and a worker refuses a model built for another layout.
 */
export const FEATURE_VERSION = 2;
/** Hashed one-hot slots for request fields, the candidate and their crosses (512: the 17 tokens of a row rarely collide). */
export const HASH_SLOTS = 512;
const NUMERIC = [
  'cpu',
  'memory',
  'network',
  'errorRate',
  'recentErrorRate',
  'trend',
  'latencyP50',
  'latencyP95',
  'calls',
  'preference',
] as const;
export const FEATURE_DIM = HASH_SLOTS + NUMERIC.length;

/** What the decision saw of the request and the system, logged with the outcome. */
export interface DecisionContext {
  account: string;
  region: string;
  resourceType: string;
  classification: string;
  cpu: number;
  memory: number;
  network: number;
}

/** One allowed candidate as the decision saw it. */
export interface CandidateView {
  ref: string;
  metrics: HandlerMetrics & { recentErrorRate?: number };
  preference: number;
  /** The online correction of the model's score (see online.ts); not a feature. */
  correction?: number;
}

/** FNV-1a, 32 bit: stable across processes and platforms, unlike any built-in. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const band = (load: number) => (load < 0.33 ? 'low' : load < 0.66 ? 'mid' : 'high');
const squash = (ms: number) => Math.log1p(Math.max(0, ms)) / 10;

/** The request's fields as tokens: what the model and the online learner know of a request besides its loads. */
export function contextTokens(ctx: DecisionContext): string[] {
  return [
    `account=${ctx.account}`,
    `region=${ctx.region}`,
    `type=${ctx.resourceType}`,
    `class=${ctx.classification}`,
    `load=${band(ctx.cpu)}`,
  ];
}

/** Every pair of tokens, once: the interactions a sum of single-field effects cannot represent. */
export function fieldPairs(fields: string[]): string[] {
  return fields.flatMap((f, i) => fields.slice(i + 1).map((g) => `${f}&${g}`));
}

/**
 * The hashed tokens of a (context, candidate) pair: fields, the candidate,
 * candidate × field crosses, and candidate × pair-of-fields crosses — a
 * handler that is good for databases in one region but not in another is an
 * interaction a sum of single-field effects cannot represent.
 */
export function tokens(ctx: DecisionContext, c: CandidateView): string[] {
  const id = c.ref.split('@')[0]!;
  const fields = contextTokens(ctx);
  const pairs = fieldPairs(fields).map((p) => `${c.ref}|${p}`);
  return [...fields, `ref=${c.ref}`, `id=${id}`, ...fields.map((f) => `${c.ref}|${f}`), ...pairs];
}

/** Writes one row of FEATURE_DIM values into `out` at `offset` (batch scoring and training fill one buffer). */
export function featurizeInto(ctx: DecisionContext, c: CandidateView, out: Float32Array, offset: number): void {
  out.fill(0, offset, offset + FEATURE_DIM);
  for (const t of tokens(ctx, c)) out[offset + (hash(t) % HASH_SLOTS)]! += 1;
  // Load crossed with the candidate as a value, not a band: how a handler's outcome moves with load, per handler.
  for (const [name, load] of [
    ['cpu', ctx.cpu],
    ['memory', ctx.memory],
    ['network', ctx.network],
  ] as const) {
    out[offset + (hash(`${c.ref}|${name}`) % HASH_SLOTS)]! += Number.isFinite(load) ? 2 * load - 1 : 0;
  }
  const m = c.metrics;
  const recent = m.recentErrorRate ?? m.errorRate;
  const numeric = [
    ctx.cpu,
    ctx.memory,
    ctx.network,
    m.errorRate,
    recent,
    recent - m.errorRate,
    squash(m.latencyP50Ms),
    squash(m.latencyP95Ms),
    Math.log1p(m.calls) / 10,
    c.preference,
  ];
  numeric.forEach((v, i) => (out[offset + HASH_SLOTS + i] = Number.isFinite(v) ? v : 0));
}

export function featurize(ctx: DecisionContext, c: CandidateView): Float32Array {
  const row = new Float32Array(FEATURE_DIM);
  featurizeInto(ctx, c, row, 0);
  return row;
}

/** All candidates of one decision as one row-major batch. */
export function featurizeBatch(ctx: DecisionContext, candidates: CandidateView[]): Float32Array {
  const out = new Float32Array(candidates.length * FEATURE_DIM);
  candidates.forEach((c, i) => featurizeInto(ctx, c, out, i * FEATURE_DIM));
  return out;
}
