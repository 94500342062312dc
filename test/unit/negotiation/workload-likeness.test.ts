import { MIN_SIMILARITY, nearestKind, type EmbeddedExemplar, type KindGuess } from '../../../src/negotiation/encoder/nearest-kind';
import { analyzeDescription } from '../../../src/negotiation/workload/analyze';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return new Float32Array(v.map((x) => x / n));
};
const exemplars: EmbeddedExemplar[] = [
  { kind: 'relational-database', text: 'tables and transactions', vector: unit(1, 0, 0) },
  { kind: 'relational-database', text: 'orders in SQL', vector: unit(0.9, 0.1, 0) },
  { kind: 'cache', text: 'hot keys in memory', vector: unit(0, 1, 0) },
  { kind: 'unknown', text: 'set something up for me', vector: unit(0, 0, 1) },
];

describe('the nearest kind of a description', () => {
  it("is the kind of the most similar exemplar, with the next kind's similarity beside it", () => {
    const guess = nearestKind(unit(0.95, 0.3, 0), exemplars);
    expect(guess).toMatchObject({ kind: 'relational-database', exemplar: 'orders in SQL', runnerUp: { kind: 'cache' } });
    expect(guess!.similarity).toBeGreaterThan(guess!.runnerUp!.similarity);
  });

  it('is none when nothing is similar enough, or when the nearest is a request that names no kind', () => {
    // Orthogonal to every exemplar but one, and that one below the bound.
    expect(
      nearestKind(unit(0.3, 0, 0, 0.95), [...exemplars.map((e) => ({ ...e, vector: new Float32Array([...e.vector, 0]) }))]),
    ).toBeUndefined();
    expect(MIN_SIMILARITY).toBeGreaterThan(0.3 / Math.hypot(0.3, 0.95));
    expect(nearestKind(unit(0.1, 0.2, 1), exemplars)).toBeUndefined();
  });
});

describe('the analyzer with a kind read by likeness', () => {
  const likeness: KindGuess = {
    kind: 'relational-database',
    similarity: 0.5,
    exemplar: 'orders in SQL',
    runnerUp: { kind: 'cache', similarity: 0.3 },
  };

  it('sizes a description the rules cannot place as the nearest kind, and asks first whether that is what it is', () => {
    const text = 'somewhere to put the customer orders and invoices, about 200 GB';
    expect(analyzeDescription(text).role).toBe('unknown');
    const a = analyzeDescription(text, { likeness });
    expect(a).toMatchObject({ role: 'database', kind: 'relational-database', likeness });
    // The relational model's storage for 200 GB of data, not the unknown workload's 50 GiB box.
    expect(a.storageGib).toBeGreaterThan(200);
    expect(a.questions[0]).toMatchObject({ id: 'kind' });
    expect(a.questions[0]!.assumed).toContain('reads most like relational-database ("orders in SQL", similarity 0.5; next cache at 0.3)');
    expect(a.confidence).toBeLessThanOrEqual(0.3);
    expect(a.evidence).toEqual(['reads like "orders in SQL" (sentence encoder, similarity 0.5)']);
  });

  it('leaves a description the rules place, or whose kind was answered, to the rules and the answer', () => {
    expect(analyzeDescription('Redis cache for sessions, 8 GB', { likeness })).toMatchObject({ kind: 'cache', likeness: undefined });
    const answered = analyzeDescription('somewhere to put the customer orders', { likeness, answers: { kind: 'document-database' } });
    expect(answered).toMatchObject({ kind: 'document-database', likeness: undefined, confidence: expect.any(Number) });
    expect(answered.questions.map((q) => q.id)).not.toContain('kind');
  });
});
