import type { WorkloadKind } from '../workload/kinds';

/** A kind the encoder finds a description nearest to, and the exemplar that was nearest. */
export interface KindGuess {
  kind: WorkloadKind;
  similarity: number;
  exemplar: string;
  /** The nearest exemplar of any other kind, for the user to see how close the call was. */
  runnerUp?: { kind: WorkloadKind; similarity: number };
}

export interface EmbeddedExemplar {
  /** "unknown" for a request that names no kind: a description nearest one of those is not guessed at. */
  kind: WorkloadKind | 'unknown';
  text: string;
  vector: Float32Array;
}

/**
 * Below this cosine similarity the description is not like any kind the
 * analyzer knows, and it says so: with all-MiniLM-L6-v2, paraphrases score
 * about 0.6–0.8 and texts on unrelated subjects under 0.2.
 */
export const MIN_SIMILARITY = 0.4;

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** The kind of the nearest exemplar, when it is near enough; the encoder's vectors are unit length, so a dot product is the cosine. */
export function nearestKind(vector: Float32Array, exemplars: readonly EmbeddedExemplar[]): KindGuess | undefined {
  const best = new Map<WorkloadKind | 'unknown', { similarity: number; exemplar: string }>();
  for (const e of exemplars) {
    const similarity = dot(vector, e.vector);
    if (similarity > (best.get(e.kind)?.similarity ?? -Infinity)) best.set(e.kind, { similarity, exemplar: e.text });
  }
  const ranked = [...best.keys()].map((kind) => ({ kind, ...best.get(kind)! })).sort((a, b) => b.similarity - a.similarity);
  const [first, second] = ranked;
  if (!first || first.kind === 'unknown' || first.similarity < MIN_SIMILARITY) return undefined;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    kind: first.kind,
    similarity: r(first.similarity),
    exemplar: first.exemplar,
    runnerUp: second && second.kind !== 'unknown' ? { kind: second.kind, similarity: r(second.similarity) } : undefined,
  };
}
