import { LimitsUnsatisfiable } from '../../../src/snapshot/errors';
import { keyOf } from '../../../src/snapshot/resources';
import { resolveByRule } from '../../../src/snapshot/strategies';
import { file, snapshot, source } from './fixtures';

const first = source(0, 'template_a', 1);
const second = source(1, 'production_server_1', 2, 'live');
const third = source(2, 'template_b', 0);

const snapshots = [
  snapshot(first, [
    { kind: 'env', name: 'LOG_LEVEL', value: 'info' },
    file('/etc/app.conf', 'port=8080'),
    { kind: 'package', name: 'lodash', version: '4.17.0' },
  ]),
  snapshot(second, [
    { kind: 'env', name: 'LOG_LEVEL', value: 'debug' },
    file('/etc/app.conf', 'port=9090'),
    { kind: 'package', name: 'lodash', version: '4.17.21' },
  ]),
  snapshot(third, [{ kind: 'env', name: 'LOG_LEVEL', value: 'warn' }]),
];

const valueOf = (r: ReturnType<typeof resolveByRule>, key: string) => r.resources.find((p) => keyOf(p.resource) === key);

describe('rule strategies', () => {
  it('FIRST_WIN keeps the source named first and records every discarded side', () => {
    const r = resolveByRule(snapshots, 'FIRST_WIN', {});
    expect(valueOf(r, 'env:LOG_LEVEL')).toMatchObject({ source: 'template_a', resource: { value: 'info' } });
    const decision = r.decisions.find((d) => d.key === 'env:LOG_LEVEL')!;
    expect(decision).toMatchObject({ winner: 'template_a', sources: ['template_a', 'production_server_1', 'template_b'] });
    expect(decision.discarded.map((d) => [d.source, d.resource.kind === 'env' && d.resource.value])).toEqual([
      ['production_server_1', 'debug'],
      ['template_b', 'warn'],
    ]);
    expect(decision.rule).toBe('FIRST_WIN: template_a is sources[0], named before the others');
  });

  it('LAST_WIN keeps the source named last', () => {
    const r = resolveByRule(snapshots, 'LAST_WIN', {});
    expect(valueOf(r, 'env:LOG_LEVEL')!.source).toBe('template_b');
    expect(valueOf(r, 'file:/etc/app.conf')!.source).toBe('production_server_1');
  });

  it('PRIORITY keeps the highest priority and says when a tie went to the source named first', () => {
    const r = resolveByRule(snapshots, 'PRIORITY', {});
    expect(valueOf(r, 'env:LOG_LEVEL')!.source).toBe('production_server_1');
    const tied = resolveByRule(
      [
        snapshot(source(0, 'a', 1), [{ kind: 'env', name: 'X', value: '1' }]),
        snapshot(source(1, 'b', 1), [{ kind: 'env', name: 'X', value: '2' }]),
      ],
      'PRIORITY',
      {},
    );
    expect(tied.decisions[0]!.rule).toBe('PRIORITY: a has priority 1, tied with b and named first');
  });

  it('merges agreeing claims: one copy, the highest compatible package version', () => {
    const r = resolveByRule(snapshots, 'FIRST_WIN', {});
    expect(valueOf(r, 'package:lodash')!.resource).toMatchObject({ version: '4.17.21' });
    expect(r.decisions.map((d) => d.key).sort()).toEqual(['env:LOG_LEVEL', 'file:/etc/app.conf']);
  });

  it('is deterministic', () => {
    expect(resolveByRule(snapshots, 'PRIORITY', {})).toEqual(resolveByRule(snapshots, 'PRIORITY', {}));
  });

  it('drops the lower-ranked of two services that cannot both fit, and what needs it', () => {
    const r = resolveByRule(
      [
        snapshot(first, [{ kind: 'service', name: 'web', cpu: '6 cores' }]),
        snapshot(second, [
          { kind: 'service', name: 'api', cpu: '4 cores' },
          { kind: 'env', name: 'API_URL', value: 'http://api', dependsOn: ['service:api'] },
        ]),
      ],
      'FIRST_WIN',
      { cpu: 8 },
    );
    expect(r.resources.map((p) => keyOf(p.resource))).toEqual(['service:web']);
    expect(r.decisions[0]).toMatchObject({ kind: 'capacity', winner: 'template_a', discarded: [{ source: 'production_server_1' }] });
    expect(r.dropped).toEqual([
      { source: 'production_server_1', key: 'env:API_URL', reason: 'needs service:api, which no source provides any more' },
    ]);
  });

  it('refuses a composition over the limits with what is over and the fix', () => {
    expect(() => resolveByRule([snapshot(first, [file('/big', 'x'.repeat(100))])], 'FIRST_WIN', { disk: 10 })).toThrow(LimitsUnsatisfiable);
    expect(() => resolveByRule([snapshot(first, [file('/big', 'x'.repeat(100))])], 'FIRST_WIN', { disk: 10 })).toThrow(
      /\(disk 100B > 10B\) under FIRST_WIN; raise the limits/,
    );
  });

  describe('one owner per port, whatever the strategy', () => {
    // Two sources whose services listen on one port, written without port resources (as a user would):
    // the service of the losing side must leave with its port, never run beside the winner.
    const collide = () => [
      snapshot(first, [
        { kind: 'service', name: 'web', ports: [8080] },
        { kind: 'service', name: 'db', ports: [5432] },
      ]),
      snapshot(second, [
        { kind: 'service', name: 'api', healthCheck: { port: 8080, path: '/' } },
        { kind: 'env', name: 'API_URL', value: 'http://127.0.0.1:8080', dependsOn: ['service:api'] },
      ]),
    ];
    const ports = (r: ReturnType<typeof resolveByRule>) =>
      r.resources.flatMap((p) =>
        p.resource.kind === 'service' ? p.resource.ports.map((n) => `${p.resource.kind === 'service' && p.resource.name}:${n}`) : [],
      );

    it.each([
      ['FIRST_WIN', 'template_a', 'web', 'production_server_1', 'api'],
      ['LAST_WIN', 'production_server_1', 'api', 'template_a', 'web'],
    ] as const)('%s keeps the winner on the port and drops the loser, saying why', (strategy, winner, kept, loser, gone) => {
      const r = resolveByRule(collide(), strategy, {});
      expect(ports(r).filter((p) => p.endsWith(':8080'))).toEqual([`${kept}:8080`]);
      const decision = r.decisions.find((d) => d.kind === 'port')!;
      expect(decision).toMatchObject({ key: 'port:8080/tcp', winner, discarded: [{ source: loser }] });
      expect(r.dropped).toContainEqual({
        source: loser,
        key: `service:${gone}`,
        reason: expect.stringMatching(/^needs port:8080\/tcp, which went to /),
      });
      expect(r.dropped.find((d) => d.key === `service:${gone}`)!.reason).toContain(`went to ${winner} (${strategy}: `);
      expect(r.explanation).toContainEqual(expect.stringMatching(new RegExp(`^dropped service:${gone} of ${loser}: needs port:8080/tcp`)));
    });

    it('drops what needed the losing service too', () => {
      const r = resolveByRule(collide(), 'FIRST_WIN', {});
      expect(r.resources.find((p) => keyOf(p.resource) === 'env:API_URL')).toBeUndefined();
    });

    it('refuses one source that puts two services on one port, naming both', () => {
      expect(() =>
        resolveByRule(
          [
            snapshot(first, [
              { kind: 'service', name: 'web', ports: [8080] },
              { kind: 'service', name: 'admin', healthCheck: { port: 8080 } },
            ]),
          ],
          'FIRST_WIN',
          {},
        ),
      ).toThrow(/port 8080 would be held by web of template_a and admin of template_a/);
    });
  });
});
