import { metricsPrior } from '../../../src/learning/decide';
import { NoEligibleHandler, planComposition, servingRegistry, type PlanInputs } from '../../../src/composition/planner';
import { parseCompositionRequest } from '../../../src/composition/request';
import { BUILTIN_HANDLERS } from '../../../src/handlers/catalog';
import { handlerDescriptorSchema, refOf, type HandlerDescriptor } from '../../../src/handlers/descriptor';
import { compilePolicy, parsePolicy, PolicySet } from '../../../src/pdl';
import { context, metrics, policyYaml } from '../pdl/fixtures';

// Planning without a store: the registry, policies, metrics and randomness are handed in.
const handler = (id: string, version: string, extra: Partial<HandlerDescriptor> = {}) =>
  handlerDescriptorSchema.parse({ id, version, resourceTypes: ['database'], code: { kind: 'builtin' }, ...extra });

const request = parseCompositionRequest({
  requestId: 'r-1',
  user: 'alice',
  account: 'acme',
  region: 'eu-west-1',
  resourceType: 'database',
  spec: { name: 'orders-db' },
});

function inputs(stages: unknown[], registry: HandlerDescriptor[], random: () => number, spec: Record<string, unknown> = {}): PlanInputs {
  const policy = parsePolicy(policyYaml('db', { stages, ...spec }));
  const refs = registry.map(refOf);
  return {
    request,
    registry: new Map(registry.map((h) => [refOf(h), h])),
    policies: { set: new PolicySet([compilePolicy(policy)]), byName: () => policy },
    context: context({ handlers: Object.fromEntries(refs.map((r) => [r, metrics(0.01)])) }),
    windows: new Map(),
    model: metricsPrior,
    random,
  };
}

/** A fixed sequence of uniforms, as a seeded generator would give. */
const uniforms = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('planComposition', () => {
  const stages = [
    { name: 'validate', candidates: ['validate-request@1'] },
    { name: 'provision', candidates: ['pg@1', 'pg@2'] },
  ];
  const registry = [
    handler('validate-request', '1', { provides: ['validated'] }),
    handler('pg', '1', { requires: ['validated'] }),
    handler('pg', '2', { requires: ['validated'] }),
  ];

  it('picks one handler per stage with the probability it had, ordered by requires/provides', () => {
    const plan = planComposition(inputs(stages, registry, uniforms(0.5)));
    expect(plan.policy).toBe('db');
    expect(plan.model).toBe('metrics-prior');
    expect(plan.levels.map((l) => l.map((s) => s.stage))).toEqual([['validate'], ['provision']]);
    const provision = plan.levels[1]![0]!;
    expect(['pg@1', 'pg@2']).toContain(provision.ref);
    expect(provision.reason).toBe('chosen');
    expect(provision.decision!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(provision.probability).toBe(provision.decision!.probabilities[provision.decision!.chosen]);
    expect(plan.explanation.some((l) => l.startsWith(`provision: metrics-prior chose ${provision.ref}`))).toBe(true);
  });

  it('is reproducible: the same randomness gives the same plan, other randomness can give another', () => {
    const epsilon = { exploration: { strategy: 'epsilon-greedy', epsilon: 1 } };
    const refs = (u: number) =>
      planComposition(inputs(stages, registry, uniforms(u), epsilon))
        .levels.flat()
        .map((s) => s.ref);
    expect(refs(0.1)).toEqual(refs(0.1));
    expect(refs(0.1)).not.toEqual(refs(0.9));
  });

  it('routes a canary its share of its handler’s traffic, with the exact probability', () => {
    const withCanary = [...registry.slice(0, 2), handler('pg', '2', { requires: ['validated'], status: 'canary', canaryShare: 0.25 })];
    // One uniform per stage's choice (validate, then the only stable pg), then one that falls in the canary's share.
    const plan = planComposition(inputs(stages, withCanary, uniforms(0.5, 0.5, 0.1)));
    const provision = plan.levels[1]![0]!;
    expect(provision).toMatchObject({ ref: 'pg@2', reason: 'canary', probability: 0.25 });
    expect(plan.strategies).toEqual(['squarecb', 'squarecb']);
  });

  it('refuses a stage whose required handler is not registered, naming it', () => {
    const required = [{ name: 'secure', candidates: ['pg@1'], require: [{ when: 'true', handlers: ['encrypt@1'] }] }];
    expect(() => planComposition(inputs(required, registry, uniforms(0.5)))).toThrow(
      new NoEligibleHandler('stage secure requires encrypt@1, which is not registered for a database on the local provider'),
    );
  });

  it('refuses a stage left with no eligible handler, saying why', () => {
    expect(() => planComposition(inputs([{ name: 'provision', candidates: ['rds@1'] }], registry, uniforms(0.5)))).toThrow(
      'no eligible handler for stage provision: rds@1 is not registered for a database on the local provider',
    );
  });

  describe('handlers that serve some providers only', () => {
    const byProvider = [
      handler('validate-request', '1', { provides: ['validated'] }),
      handler('mongo', '1', { requires: ['validated'], providers: ['local'] }),
      handler('rds', '1', { requires: ['validated'], providers: ['aws'] }),
      handler('anywhere', '1', { requires: ['validated'] }),
    ];
    const all = new Map(byProvider.map((h) => [refOf(h), h]));
    const provision = [
      { name: 'validate', candidates: ['validate-request@1'] },
      { name: 'provision', candidates: ['mongo@1', 'rds@1', 'anywhere@1'] },
    ];

    it('keeps for a request only the versions that serve its provider, and those that name none', () => {
      expect([...servingRegistry(all, request).keys()].sort()).toEqual(['anywhere@1', 'mongo@1', 'validate-request@1']);
      expect([...servingRegistry(all, { ...request, provider: 'aws' }).keys()].sort()).toEqual([
        'anywhere@1',
        'rds@1',
        'validate-request@1',
      ]);
      expect(servingRegistry(all, { ...request, resourceType: 'bucket' }).size).toBe(0);
    });

    it('keeps s3-bucket for a local request only on a worker with an S3 endpoint for local requests', () => {
      const buckets = new Map(
        BUILTIN_HANDLERS.filter((h) => h.resourceTypes.includes('bucket') && h.id.includes('bucket')).map((h) => [refOf(h), h]),
      );
      const bucket = { resourceType: 'bucket' as const, provider: 'local' as const, spec: { name: 'logs' } };
      expect([...servingRegistry(buckets, bucket).keys()]).toEqual(['provision-bucket@1']);
      expect([...servingRegistry(buckets, bucket, new Set(['local-s3'])).keys()].sort()).toEqual(['provision-bucket@1', 's3-bucket@1']);
      // On aws S3 is the provider itself: no facility is needed, and the directory bucket does not serve.
      expect([...servingRegistry(buckets, { ...bucket, provider: 'aws' }).keys()]).toEqual(['s3-bucket@1']);
      const only = [
        { name: 'validate', candidates: ['validate-request@1'] },
        { name: 'provision', after: ['validate'], candidates: ['s3-bucket@1'] },
      ];
      // Every built-in registered, on a worker without MOSAIC_LOCAL_S3_ENDPOINT: the refusal names the setting.
      const planned = inputs(only, BUILTIN_HANDLERS, uniforms(0.5));
      const local = parseCompositionRequest({ ...request, resourceType: 'bucket', spec: { name: 'logs' } });
      expect(() =>
        planComposition({
          ...planned,
          request: local,
          registry: servingRegistry(planned.registry, local),
        }),
      ).toThrow(
        'no eligible handler for stage provision: s3-bucket@1 is not registered for a bucket on the local provider, or this worker lacks what it needs there (MOSAIC_LOCAL_S3_ENDPOINT)',
      );
      // A user's version of the same id is its own code, with nothing of the built-in's to need.
      const script = handlerDescriptorSchema.parse({ ...buckets.get('s3-bucket@1'), version: '2', code: { kind: 'script', source: 'x' } });
      expect([...servingRegistry(new Map([['s3-bucket@2', script]]), bucket).keys()]).toEqual(['s3-bucket@2']);
    });

    it('never plans an aws-only handler for a local request, whatever the randomness', () => {
      const always = { exploration: { strategy: 'epsilon-greedy', epsilon: 1 } };
      for (const u of [0.01, 0.2, 0.4, 0.6, 0.8, 0.99]) {
        const planned = inputs(provision, byProvider, uniforms(u), always);
        const plan = planComposition({ ...planned, registry: servingRegistry(planned.registry, request) });
        expect(plan.levels.flat().map((s) => s.ref)).not.toContain('rds@1');
      }
    });

    it('says which provider a required version does not serve', () => {
      const required = [{ name: 'provision', candidates: ['mongo@1'], require: [{ when: 'true', handlers: ['rds@1'] }] }];
      const planned = inputs(required, byProvider, uniforms(0.5));
      expect(() => planComposition({ ...planned, registry: servingRegistry(planned.registry, request) })).toThrow(
        new NoEligibleHandler('stage provision requires rds@1, which is not registered for a database on the local provider'),
      );
    });
  });

  describe('handlers that make one database engine', () => {
    const byEngine = [
      handler('validate-request', '1', { provides: ['validated'] }),
      handler('mongo', '1', { requires: ['validated'], engines: ['mongodb'] }),
      handler('pg', '1', { requires: ['validated'], engines: ['postgres'] }),
      handler('any-engine', '1', { requires: ['validated'] }),
    ];
    const all = new Map(byEngine.map((h) => [refOf(h), h]));
    const stating = (engine: string) => ({ ...request, spec: { ...request.spec, engine } });

    it('lets a request that states no engine choose among all of them', () => {
      expect([...servingRegistry(all, request).keys()].sort()).toEqual(['any-engine@1', 'mongo@1', 'pg@1', 'validate-request@1']);
    });

    it('keeps for a stated engine only the versions that make it, and those that name none', () => {
      expect([...servingRegistry(all, stating('postgres')).keys()].sort()).toEqual(['any-engine@1', 'pg@1', 'validate-request@1']);
      expect([...servingRegistry(all, stating('mongodb')).keys()].sort()).toEqual(['any-engine@1', 'mongo@1', 'validate-request@1']);
    });

    it('says which engine a required version does not make', () => {
      const required = [{ name: 'provision', candidates: ['pg@1'], require: [{ when: 'true', handlers: ['pg@1'] }] }];
      const planned = inputs(required, byEngine, uniforms(0.5));
      const forMongo = stating('mongodb');
      expect(() => planComposition({ ...planned, request: forMongo, registry: servingRegistry(planned.registry, forMongo) })).toThrow(
        new NoEligibleHandler('stage provision requires pg@1, which is not registered for a mongodb database on the local provider'),
      );
    });
  });
});
