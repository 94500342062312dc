import highsLoader from 'highs';
import { ResolutionAgent, type AgentOptions } from '../../../src/snapshot/agent';
import { LimitsUnsatisfiable } from '../../../src/snapshot/errors';
import { NO_HISTORY, trainImpactModel } from '../../../src/snapshot/impact';
import type { MilpSolver } from '../../../src/snapshot/milp';
import { declaredAdjuster, type SourceAdjuster } from '../../../src/snapshot/adjustment';
import { keyOf, type ResourceInput } from '../../../src/snapshot/resources';
import { file, hash, snapshot, source } from './fixtures';

let solver: MilpSolver;
beforeAll(async () => {
  solver = (await highsLoader()) as unknown as MilpSolver;
});

const options = (extra: Partial<AgentOptions> = {}): AgentOptions => ({
  limits: {},
  impact: NO_HISTORY,
  adjusterFor: () => declaredAdjuster,
  solver,
  ...extra,
});
const find = (r: { resources: { source: string; resource: { kind: string } }[] }, key: string) =>
  r.resources.find((p) => keyOf(p.resource as never) === key);

describe('the AI_AGENT resolution agent', () => {
  const a = source(0, 'template_a', 1);
  const live = source(1, 'production_server_1', 2, 'live');

  it('gives a contested port to the stronger source and moves the loser to a port its provider offers, rewriting references', async () => {
    const web: ResourceInput = {
      kind: 'service',
      name: 'web',
      ports: [8080],
      env: { PUBLIC_URL: 'http://127.0.0.1:8080/app' },
      healthCheck: { port: 8080, path: '/' },
    };
    const agent = new ResolutionAgent(
      [
        snapshot(a, [
          web,
          { kind: 'port', number: 8080, service: 'web' },
          file('/etc/web.conf', 'listen 8080\nversion 1.8080.2\n', { dependsOn: ['port:8080/tcp'] }),
        ]),
        snapshot(live, [
          { kind: 'service', name: 'api', ports: [8080] },
          { kind: 'port', number: 8080, service: 'api' },
          { kind: 'port', number: 8081, service: 'metrics' },
        ]),
      ],
      options(),
    );
    const r = await agent.resolve();
    expect(find(r, 'port:8080/tcp')!.source).toBe('production_server_1');
    expect(find(r, 'port:8082/tcp')).toMatchObject({ source: 'template_a', resource: { service: 'web' } });
    expect(find(r, 'service:web')!.resource).toMatchObject({
      ports: [8082],
      env: { PUBLIC_URL: 'http://127.0.0.1:8082/app' },
      healthCheck: { port: 8082 },
    });
    // Only the port is rewritten, not digits that merely contain it.
    const conf = find(r, 'file:/etc/web.conf')!.resource as unknown as { content: string; hash: string };
    expect(conf.content).toBe('listen 8082\nversion 1.8080.2\n');
    expect(conf.hash).toBe(hash(conf.content));
    const decision = r.decisions.find((d) => d.key === 'port:8080/tcp')!;
    expect(decision.winner).toBe('production_server_1');
    expect(decision.adjusted[0]).toMatchObject({ source: 'template_a', to: { number: 8082 } });
    expect(decision.adjusted[0]!.rewrote.sort()).toEqual(['file:/etc/web.conf', 'service:web']);
    expect(decision.rule).toMatch(
      /^AI_AGENT score: production_server_1 3\.30 \(priority 2, 1 dependent, predicted impact: health 0\.80, CPU use 1\.00 \(prior\)\) over template_a 2\.59 \(priority 1, 2 dependents/,
    );
  });

  it('asks the losing source, not the winner, and discards when its provider offers nothing', async () => {
    const asked: string[] = [];
    const fixed: SourceAdjuster = {
      async alternatives({ source: s }) {
        asked.push(s.label);
        return [];
      },
    };
    const agent = new ResolutionAgent(
      [snapshot(a, [{ kind: 'port', number: 5432, service: 'db' }]), snapshot(live, [{ kind: 'port', number: 5432, service: 'pg' }])],
      options({ adjusterFor: () => fixed }),
    );
    const r = await agent.resolve();
    expect(asked).toEqual(['template_a']);
    expect(r.decisions[0]).toMatchObject({ winner: 'production_server_1', discarded: [{ source: 'template_a' }], adjusted: [] });
  });

  it('resolveConflict answers for one pair of requests', async () => {
    const left = snapshot(a, [{ kind: 'env', name: 'MODE', value: 'blue' }]);
    const right = snapshot(live, [{ kind: 'env', name: 'MODE', value: 'green' }]);
    const agent = new ResolutionAgent([left, right], options());
    const allocation = await agent.resolveConflict(
      { source: a, resource: left.resources[0]! },
      { source: live, resource: right.resources[0]! },
    );
    expect(allocation.granted.source.label).toBe('production_server_1');
    expect(allocation.discarded!.source.label).toBe('template_a');
  });

  it("brings a winner's dependencies with it: a resource many others need outweighs a higher priority", async () => {
    const b = source(1, 'template_b', 2);
    const needsWeb = Array.from({ length: 15 }, (_, i): ResourceInput => ({
      kind: 'env',
      name: `WEB_${i}`,
      value: 'x',
      dependsOn: ['service:web'],
    }));
    const r = await new ResolutionAgent(
      [
        snapshot(a, [{ kind: 'service', name: 'web', dependsOn: ['file:/etc/web.conf'] }, file('/etc/web.conf', 'a'), ...needsWeb]),
        snapshot(b, [file('/etc/web.conf', 'b')]),
      ],
      options(),
    ).resolve();
    expect(find(r, 'file:/etc/web.conf')!.source).toBe('template_a');
    expect(r.decisions[0]!.rule).toMatch(
      /^AI_AGENT score: template_a 3\.84 \(priority 1, 16 dependents, .*\) over template_b 2\.80 \(priority 2, 0 dependents/,
    );
  });

  it("re-points a loser's dependents to the winner's resource, and drops what needed a port it lost for good", async () => {
    const none: SourceAdjuster = { alternatives: async () => [] };
    const r = await new ResolutionAgent(
      [
        snapshot(a, [
          { kind: 'service', name: 'web', ports: [8080], dependsOn: ['env:MODE'] },
          { kind: 'port', number: 8080, service: 'web' },
          { kind: 'env', name: 'MODE', value: 'blue' },
          { kind: 'env', name: 'WEB_URL', value: 'http://web', dependsOn: ['service:web'] },
        ]),
        snapshot(live, [
          { kind: 'port', number: 8080, service: 'api' },
          { kind: 'env', name: 'MODE', value: 'green' },
        ]),
      ],
      options({ adjusterFor: () => none }),
    ).resolve();
    expect(find(r, 'env:MODE')).toMatchObject({ source: 'production_server_1', resource: { value: 'green' } });
    expect(find(r, 'service:web')).toBeUndefined();
    expect(r.dropped).toEqual(
      expect.arrayContaining([
        {
          source: 'template_a',
          key: 'service:web',
          reason: 'needs port:8080/tcp, which went to production_server_1, and its provider offered no other port',
        },
        {
          source: 'template_a',
          key: 'env:WEB_URL',
          reason: 'needs port:8080/tcp, which went to production_server_1, and its provider offered no other port',
        },
      ]),
    );
  });

  it('chooses service sizes and leaves out optional services to fit the limits, dropping what needs them', async () => {
    const agent = new ResolutionAgent(
      [
        snapshot(a, [
          { kind: 'service', name: 'web', cpu: '5 cores', memory: '8GB', tiers: [{ name: 'small', cpu: '2 cores', memory: '4GB' }] },
          { kind: 'service', name: 'batch', cpu: '3 cores', memory: '4GB', optional: true },
          { kind: 'env', name: 'BATCH_URL', value: 'http://batch', dependsOn: ['service:batch'] },
        ]),
        snapshot(live, [
          { kind: 'service', name: 'api', cpu: '4 cores', memory: '8GB' },
          { kind: 'service', name: 'reports', cpu: '2 cores', memory: '4GB', optional: true },
        ]),
      ],
      options({ limits: { cpu: 8, memory: 32e9 } }),
    );
    const r = await agent.resolve();
    expect(find(r, 'service:web')!.resource).toMatchObject({ cpu: 2, memory: 4e9 });
    expect(find(r, 'service:api')!.resource).toMatchObject({ cpu: 4 });
    expect(find(r, 'service:reports')).toBeDefined();
    expect(find(r, 'service:batch')).toBeUndefined();
    expect(r.dropped.map((d) => d.key).sort()).toEqual(['env:BATCH_URL', 'service:batch']);
    expect(r.totals).toMatchObject({ cpu: 8 });
    expect(r.explanation).toContainEqual(
      'optimiser: service:web of template_a runs at 2 cores/4GB instead of 5 cores/8GB: to fit resource_limits.cpu (8 cores): at full size it needs 5 cores, 2 cores is left',
    );
    expect(r.dropped.find((d) => d.key === 'service:batch')!.reason).toMatch(
      /^to fit resource_limits\.cpu \(8 cores\): at its smallest it needs 3 cores, 0 cores is left$/,
    );
    expect(r.decisions.find((d) => d.key === 'service:web + service:api')).toMatchObject({
      kind: 'capacity',
      rule: 'AI_AGENT optimiser: both fit at the sizes chosen',
      adjusted: [{ source: 'template_a', to: { cpu: 2 } }],
    });
  });

  it('refuses when the required services cannot fit whatever is dropped, saying what they need', async () => {
    const agent = new ResolutionAgent(
      [
        snapshot(a, [
          { kind: 'service', name: 'web', cpu: '12 cores', memory: '2GB', tiers: [{ name: 's', cpu: '10 cores', memory: '1GB' }] },
        ]),
      ],
      options({ limits: { cpu: 8 } }),
    );
    await expect(agent.resolve()).rejects.toThrow(LimitsUnsatisfiable);
    await expect(agent.resolve()).rejects.toThrow(/at their smallest they need 10 cores/);
  });

  it('learns from earlier outcomes: a service that used little CPU runs at a smaller tier', async () => {
    const make = () => [
      snapshot(a, [
        { kind: 'service', name: 'web', cpu: '4 cores', memory: '4GB', tiers: [{ name: 'small', cpu: '1 core', memory: '1GB' }] },
      ]),
    ];
    const prior = await new ResolutionAgent(make(), options()).resolve();
    expect(find(prior, 'service:web')!.resource).toMatchObject({ cpu: 4 });
    const impact = trainImpactModel(Array.from({ length: 20 }, () => ({ key: 'service:web', healthy: true, cpuUse: 0.1 })));
    const learned = await new ResolutionAgent(make(), options({ impact })).resolve();
    expect(find(learned, 'service:web')!.resource).toMatchObject({ cpu: 1 });
  });

  it('names the limit, the need and what is left in the unit the limit was written in', async () => {
    const r = await new ResolutionAgent(
      [
        snapshot(a, [{ kind: 'service', name: 'web', memory: '6GiB' }]),
        snapshot(live, [{ kind: 'service', name: 'cache', memory: '4GiB', optional: true }]),
      ],
      options({ limits: { memory: 8 * 2 ** 30 } }),
    ).resolve();
    expect(r.dropped).toEqual([
      {
        source: 'production_server_1',
        key: 'service:cache',
        reason: 'to fit resource_limits.memory (8GiB): at its smallest it needs 4GiB, 2GiB is left',
      },
    ]);
  });

  it('never leaves two services on one port, even when adjustment has nothing to offer', async () => {
    const none: SourceAdjuster = { alternatives: async () => [] };
    const r = await new ResolutionAgent(
      [snapshot(a, [{ kind: 'service', name: 'web', ports: [8080] }]), snapshot(live, [{ kind: 'service', name: 'api', ports: [8080] }])],
      options({ adjusterFor: () => none }),
    ).resolve();
    expect(r.resources.filter((p) => p.resource.kind === 'service').map((p) => p.resource)).toHaveLength(1);
    expect(r.dropped).toHaveLength(1);
    expect(r.dropped[0]!.reason).toMatch(/^needs port:8080\/tcp, which went to /);
  });
});
