import {
  choose,
  distribution,
  metricsPrior,
  routeCanary,
  withFloor,
  DEFAULT_EXPLORATION,
  DEFAULT_OBJECTIVE,
  scoredDistribution,
  squareCbGamma,
  type Candidate,
} from '../../../src/learning/decide';

const metrics = (errorRate: number, latencyP50Ms = 100, calls = 100) => ({
  latencyP50Ms,
  latencyP95Ms: latencyP50Ms * 2,
  errorRate,
  calls,
  cpuMs: 0,
  memoryMb: 0,
});
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const context = {
  account: 'acme',
  region: 'eu-west-1',
  resourceType: 'database',
  classification: 'internal',
  cpu: 0.2,
  memory: 0.4,
  network: 0,
};

describe('distribution', () => {
  it.each([
    [{ strategy: 'epsilon-greedy' as const, epsilon: 0.1 }],
    [{ strategy: 'softmax' as const, temperature: 0.2 }],
    [{ strategy: 'squarecb' as const, gamma: 5 }],
  ])('is a probability distribution that favours the best score (%o)', (exploration) => {
    const p = distribution([0.2, 0.9, 0.5], exploration);
    expect(sum(p)).toBeCloseTo(1, 10);
    expect(p.every((x) => x > 0)).toBe(true);
    expect(p.indexOf(Math.max(...p))).toBe(1);
  });

  it('gives epsilon-greedy exactly 1-ε+ε/n to the best and ε/n to the others', () => {
    const p = distribution([1, 0, 0, 0], { strategy: 'epsilon-greedy', epsilon: 0.2 });
    [0.85, 0.05, 0.05, 0.05].forEach((expected, i) => expect(p[i]).toBeCloseTo(expected, 12));
  });

  it('tries an arm less under SquareCB the further its score is from the best', () => {
    const [best, near, far] = distribution([1, 0.9, 0.1], { strategy: 'squarecb', gamma: 10 });
    expect(best).toBeGreaterThan(near!);
    expect(near).toBeGreaterThan(far!);
  });
});

describe('choose', () => {
  const candidates: Candidate[] = [
    { ref: 'flaky@1', metrics: metrics(0.4), preference: 0 },
    { ref: 'steady@1', metrics: metrics(0.01), preference: 0 },
  ];
  const opts = (u: number) => ({
    context,
    objective: DEFAULT_OBJECTIVE,
    exploration: { strategy: 'epsilon-greedy' as const, epsilon: 0.1 },
    random: () => u,
  });

  it('exploits the better handler and logs the probability it had', () => {
    const choice = choose(candidates, metricsPrior, opts(0.5));
    expect(choice).toMatchObject({ ref: 'steady@1', strategy: 'epsilon-greedy' });
    expect(choice.probability).toBeCloseTo(0.95, 12);
  });

  it('explores the other with its small probability', () => {
    const choice = choose(candidates, metricsPrior, opts(0.01));
    expect(choice.ref).toBe('flaky@1');
    expect(choice.probability).toBeCloseTo(0.05, 12);
  });

  it('lets PDL preferences outweigh metrics', () => {
    const preferred = [candidates[0]!, { ...candidates[1]!, preference: 0 }].map((c) =>
      c.ref === 'flaky@1' ? { ...c, preference: 1 } : c,
    );
    expect(choose(preferred, metricsPrior, opts(0.5)).ref).toBe('flaky@1');
  });

  it('gives a version without calls the benefit of the doubt', () => {
    const fresh = [{ ref: 'new@2', metrics: metrics(0, 0, 0), preference: 0 }, candidates[1]!];
    expect(choose(fresh, metricsPrior, opts(0.5)).ref).toBe('new@2');
  });
});

describe('routeCanary', () => {
  const picked = {
    ref: 'provision-bucket@1',
    probability: 0.9,
    index: 0,
    probabilities: [0.9, 0.1],
    predicted: [1, 0],
    scores: [1, 0],
    strategy: 'epsilon-greedy' as const,
  };

  it('sends the canary its share and keeps the logged probability exact', () => {
    const toCanary = routeCanary(picked, [{ ref: 'provision-bucket@2', share: 0.2 }], () => 0.1);
    expect(toCanary).toMatchObject({ ref: 'provision-bucket@2', canary: true });
    expect(toCanary.probability).toBeCloseTo(0.18, 12);
    const stays = routeCanary(picked, [{ ref: 'provision-bucket@2', share: 0.2 }], () => 0.5);
    expect(stays).toMatchObject({ ref: 'provision-bucket@1', canary: false });
    expect(stays.probability).toBeCloseTo(0.72, 12);
  });

  it('leaves the choice alone without canaries', () => {
    expect(routeCanary(picked, [], () => 0)).toEqual({ ...picked, canary: false });
  });
});

describe('withFloor (cold start)', () => {
  it('raises a new version to its guaranteed share and keeps a distribution', () => {
    const p = withFloor([0.95, 0.025, 0.025], [false, true, false], 0.1);
    expect(sum(p)).toBeCloseTo(1, 12);
    expect(p[1]).toBeCloseTo(0.1, 12);
    // The mass comes from the others in proportion to what they had.
    expect(p[0]! / p[2]!).toBeCloseTo(0.95 / 0.025, 9);
  });

  it('leaves a version already above its share alone', () => {
    expect(withFloor([0.5, 0.5], [true, false], 0.1)).toEqual([0.5, 0.5]);
  });

  it('gives a version with few calls its share in choose, even when it looks worse and epsilon is 0', () => {
    const fresh = [
      { ref: 'new@2', metrics: metrics(0.5, 100, 5), preference: 0 },
      { ref: 'steady@1', metrics: metrics(0.01), preference: 0 },
    ];
    const choice = choose(fresh, metricsPrior, {
      context,
      objective: DEFAULT_OBJECTIVE,
      exploration: { strategy: 'epsilon-greedy', epsilon: 0 },
      random: () => 0.01,
    });
    expect(choice).toMatchObject({ ref: 'new@2', probabilities: [expect.closeTo(0.1, 12), expect.closeTo(0.9, 12)] });
  });
});

describe('each strategy matches its definition', () => {
  const scores = [0.9, 0.6, 0.1];
  it('softmax: p ∝ exp(s/T)', () => {
    const p = distribution(scores, { strategy: 'softmax', temperature: 0.5 });
    const w = scores.map((s) => Math.exp(s / 0.5));
    w.forEach((x, i) => expect(p[i]).toBeCloseTo(x / sum(w), 12));
  });
  it('SquareCB: p_a = 1/(n + γ(best − s_a)) for the others, the rest to the best', () => {
    const p = distribution(scores, { strategy: 'squarecb', gamma: 10 });
    expect(p[1]).toBeCloseTo(1 / (3 + 10 * 0.3), 12);
    expect(p[2]).toBeCloseTo(1 / (3 + 10 * 0.8), 12);
    expect(p[0]).toBeCloseTo(1 - p[1]! - p[2]!, 12);
  });
  it('SquareCB without a fixed γ, the shipped default: γ = 10·√n, so a worse arm is tried less as calls accumulate', () => {
    expect(DEFAULT_EXPLORATION).toEqual({ strategy: 'squarecb' });
    const early = distribution(scores, DEFAULT_EXPLORATION, 0);
    const later = distribution(scores, DEFAULT_EXPLORATION, 10_000);
    expect(early[2]).toBeCloseTo(1 / (3 + squareCbGamma(0) * 0.8), 12);
    expect(later[2]).toBeCloseTo(1 / (3 + 10 * 100 * 0.8), 12);
    expect(later[2]).toBeLessThan(early[2]! / 10);
    // The n is the candidates' calls, which the logged decision carries: a replayed decision gets the same numbers.
    const candidates = scores.map((s, i) => ({ ref: `h${i}@1`, metrics: { ...metrics(1 - s), calls: 5000 }, preference: 0 }));
    const scored = scoredDistribution(candidates, scores, {}, DEFAULT_EXPLORATION);
    distribution(scores, DEFAULT_EXPLORATION, 15_000).forEach((x, i) => expect(scored.probabilities[i]).toBeCloseTo(x, 12));
  });
  it('the chosen probability is the distribution entry of the chosen index', () => {
    for (const u of [0, 0.3, 0.6, 0.97]) {
      const c = choose(
        scores.map((s, i) => ({ ref: `h${i}@1`, metrics: metrics(1 - s), preference: 0 })),
        metricsPrior,
        {
          context,
          objective: { success: 1, latencyMs: 0, costUsd: 0 },
          exploration: { strategy: 'softmax', temperature: 0.3 },
          random: () => u,
        },
      );
      expect(c.probability).toBe(c.probabilities[c.index]);
      expect(sum(c.probabilities)).toBeCloseTo(1, 12);
    }
  });
});
