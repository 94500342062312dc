import highsLoader from 'highs';
import { ResolutionAgent } from '../../../src/snapshot/agent';
import {
  MIN_TRAINING,
  NO_HISTORY,
  parseImpactModel,
  placementsOf,
  predictImpact,
  trainImpactModel,
  type Placement,
  type ServiceObservation,
} from '../../../src/snapshot/impact';
import { seededRandom as random } from '../../../src/random';
import type { MilpSolver } from '../../../src/snapshot/milp';
import { declaredAdjuster } from '../../../src/snapshot/adjustment';
import { snapshot, source } from './fixtures';

const GiB = 2 ** 30;
const placement = (extra: Partial<Placement> = {}): Placement => ({
  cpu: 1,
  memory: GiB,
  dependents: 1,
  colocated: 2,
  sourceType: 'template',
  adjusted: false,
  ...extra,
});

/**
 * Services seen once each (so their own history says nothing), whose health
 * and CPU use depend on where they run: on a live host they stay healthy and
 * use a fifth of their CPU, from a template they fail two times in three and
 * use most of it.
 */
function sourceKindWorld(n: number, seed = 7): ServiceObservation[] {
  const next = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const live = next() < 0.5;
    return {
      key: `service:s${i}`,
      healthy: live ? next() < 0.95 : next() < 0.33,
      cpuUse: live ? 0.2 : 0.8,
      placement: placement({ sourceType: live ? 'live' : 'template' }),
    };
  });
}

describe('the impact model', () => {
  it('trains on placements stored before `adjusted` was named, when it was called `negotiated`', () => {
    // Half the services were adjusted, and those fail: the feature must reach the model under either name.
    const world = sourceKindWorld(MIN_TRAINING * 2).map((o, i) => ({
      ...o,
      healthy: i % 2 === 0,
      placement: placement({ adjusted: i % 2 === 1 }),
    }));
    const stored = world.map(({ placement: { adjusted, ...rest }, ...o }) => ({ ...o, placement: { ...rest, negotiated: adjusted } }));
    const model = trainImpactModel(world);
    expect(model.kind).toBe('learned');
    expect(trainImpactModel(stored as unknown as ServiceObservation[])).toEqual(model);
  });

  it('predicts the prior for a service it has never seen, and says so', () => {
    expect(predictImpact(NO_HISTORY, 'service:new', placement())).toEqual({ health: 0.8, cpuUse: 1, basis: 'prior' });
  });

  it('keeps the running mean, and says why, while there are fewer observations with a placement than it needs', () => {
    const few = sourceKindWorld(MIN_TRAINING - 1);
    const model = trainImpactModel(few);
    expect(model).toMatchObject({ kind: 'running-mean', samples: MIN_TRAINING - 1 });
    expect(model.reason).toMatch(`${MIN_TRAINING - 1} observations with a placement, fewer than the ${MIN_TRAINING}`);
    // The running mean still learns from them: a service seen unhealthy every time is predicted worse than the prior.
    const down = Array.from({ length: 6 }, () => ({ key: 'service:web', healthy: false, cpuUse: 0.5 }));
    const seen = predictImpact(trainImpactModel(down), 'service:web', placement());
    expect(seen.basis).toBe('mean of 6 runs');
    expect(seen.health).toBeCloseTo(0.8 * (3 / 9));
  });

  it('uses records written before placements were recorded for the running mean only', () => {
    const old = Array.from({ length: 500 }, (_, i) => ({ key: `service:s${i % 5}`, healthy: i % 2 === 0, cpuUse: 0.5 }));
    expect(trainImpactModel(old)).toMatchObject({ kind: 'running-mean', samples: 0 });
    expect(trainImpactModel(old).metrics['service:s0']!.samples).toBe(100);
  });

  it('learns what placement does, and beats the running mean on the held-out records', () => {
    const model = trainImpactModel(sourceKindWorld(600));
    expect(model.kind).toBe('learned');
    const { heldOut } = model;
    expect(heldOut!.samples).toBe(120);
    expect(heldOut!.model.health).toBeLessThan(heldOut!.runningMean.health);
    expect(heldOut!.model.cpuUse).toBeLessThan(heldOut!.runningMean.cpuUse / 2);
    const onLive = predictImpact(model, 'service:unseen', placement({ sourceType: 'live' }));
    const onTemplate = predictImpact(model, 'service:unseen', placement({ sourceType: 'template' }));
    expect(onLive.health).toBeGreaterThan(0.85);
    expect(onTemplate.health).toBeLessThan(0.5);
    expect(onLive.cpuUse).toBeLessThan(0.35);
    expect(onLive.basis).toBe('model of 600 runs');
  });

  it('falls back to the running mean when the learned model does not beat it on held-out records', () => {
    // Health and CPU use are coin flips: nothing about a service or its placement says anything.
    const next = random(3);
    const obs = Array.from({ length: 800 }, (_, i) => ({
      key: `service:s${i % 10}`,
      healthy: next() < 0.5,
      cpuUse: next(),
      placement: placement({ colocated: Math.floor(next() * 8) }),
    }));
    const model = trainImpactModel(obs);
    expect(model).toMatchObject({
      kind: 'running-mean',
      samples: 800,
      reason: expect.stringMatching(/held-out error was not clearly below/),
    });
    expect(predictImpact(model, 'service:s1', placement()).basis).toBe('mean of 80 runs');
  });

  it('reads a tampered or truncated stored model as the running mean over nothing, never a crash', () => {
    const good = trainImpactModel(sourceKindWorld(300));
    const tampered = [
      null,
      'model',
      { ...good, fit: { ...good.fit!, health: good.fit!.health.slice(1) } },
      { ...good, fit: { ...good.fit!, scale: good.fit!.scale.map(() => 0) } },
      { ...good, fit: { ...good.fit!, cpu: good.fit!.cpu.map(() => Number.NaN) } },
      { ...good, fit: undefined },
      { ...good, extra: 1 },
    ];
    for (const t of tampered) {
      const model = parseImpactModel(t);
      expect(model).toMatchObject({ kind: 'running-mean', samples: 0, reason: 'the stored model was unreadable' });
      expect(predictImpact(model, 'service:web', placement()).basis).toBe('prior');
    }
    expect(parseImpactModel(JSON.parse(JSON.stringify(good)))).toEqual(good);
  });

  it('ignores observations whose placement is malformed instead of training on them', () => {
    const bad = sourceKindWorld(200).map((o) => ({ ...o, placement: { ...o.placement!, colocated: -4 } }));
    expect(trainImpactModel(bad)).toMatchObject({ kind: 'running-mean', samples: 0 });
  });

  it('records each placed service with its dependents, neighbours, source kind and whether the resolution changed it', () => {
    const a = source(0, 'template_a', 0);
    const live = source(1, 'production_server_1', 0, 'live');
    const snapshots = [
      snapshot(a, [
        { kind: 'service', name: 'web', cpu: 2, memory: '1GiB', ports: [8080] },
        { kind: 'env', name: 'WEB', value: 'x', dependsOn: ['service:web'] },
      ]),
      snapshot(live, [{ kind: 'service', name: 'api', cpu: 1 }]),
    ];
    const web = snapshots[0]!.resources[0]!;
    const placed = [
      { source: 'template_a', sourceIndex: 0, resource: { ...web, ports: [8081] } as typeof web },
      { source: 'production_server_1', sourceIndex: 1, resource: snapshots[1]!.resources[0]! },
    ];
    expect(placementsOf(snapshots, placed)).toEqual({
      'service:web': { cpu: 2, memory: GiB, dependents: 1, colocated: 1, sourceType: 'template', adjusted: true },
      'service:api': { cpu: 1, memory: 64 * 2 ** 20, dependents: 0, colocated: 1, sourceType: 'live', adjusted: false },
    });
  });
});

describe('the agent deciding with the impact model', () => {
  let solver: MilpSolver;
  beforeAll(async () => {
    solver = (await highsLoader()) as unknown as MilpSolver;
  });
  const impact = trainImpactModel(sourceKindWorld(600));
  const contest = (templatePriority: number) =>
    new ResolutionAgent(
      [
        snapshot(source(0, 'template_a', templatePriority), [{ kind: 'service', name: 'web', ports: [8080] }]),
        snapshot(source(1, 'production_server_1', 0, 'live'), [{ kind: 'service', name: 'api', ports: [8080] }]),
      ],
      { limits: {}, impact, adjusterFor: () => ({ alternatives: async () => [] }), solver },
    ).resolve();

  it('gives a contested port to the placement predicted healthier when priorities are equal, and shows the prediction that decided', async () => {
    const r = await contest(0);
    const decision = r.decisions.find((d) => d.key === 'port:8080/tcp')!;
    expect(decision.winner).toBe('production_server_1');
    expect(decision.rule).toMatch(
      /production_server_1 [\d.]+ \(priority 0, 1 dependent, predicted impact: health 0\.9\d, CPU use 0\.\d\d \(model of 600 runs\)\) over template_a [\d.]+ \(priority 0, 1 dependent, predicted impact: health 0\.[0-4]\d/,
    );
  });

  it("lets the user's priority override the prediction", async () => {
    const r = await contest(1);
    expect(r.decisions.find((d) => d.key === 'port:8080/tcp')!.winner).toBe('template_a');
  });

  it('decides as before with no history at all', async () => {
    const r = await new ResolutionAgent([snapshot(source(0, 'template_a', 0), [{ kind: 'service', name: 'web', ports: [8080] }])], {
      limits: {},
      impact: NO_HISTORY,
      adjusterFor: () => declaredAdjuster,
      solver,
    }).resolve();
    expect(r.resources.map((p) => p.source)).toContain('template_a');
  });
});
