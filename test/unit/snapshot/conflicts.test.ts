import { conflictText, detectConflicts } from '../../../src/snapshot/conflicts';
import { file, snapshot, source } from './fixtures';

const a = source(0, 'template_a', 1);
const live = source(1, 'production_server_1', 2, 'live');

describe('conflict detection', () => {
  const detect = (left: Parameters<typeof snapshot>[1], right: Parameters<typeof snapshot>[1], limits = {}) =>
    detectConflicts([snapshot(a, left), snapshot(live, right)], limits).conflicts;

  it('finds the same port asked for by different services, naming both sources', () => {
    const [c, ...rest] = detect([{ kind: 'port', number: 8080, service: 'web' }], [{ kind: 'port', number: 8080, service: 'api' }]);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ kind: 'port', key: 'port:8080/tcp' });
    expect(conflictText(c!)).toBe(
      'port port:8080/tcp: template_a (port 8080/tcp of web) vs production_server_1 (port 8080/tcp of api): the same port for different services',
    );
  });

  it('finds the same file path with different content, and not with the same content', () => {
    expect(detect([file('/etc/app.conf', 'a=1')], [file('/etc/app.conf', 'a=2')])).toMatchObject([
      { kind: 'file', key: 'file:/etc/app.conf' },
    ]);
    expect(detect([file('/etc/app.conf', 'a=1')], [file('/etc/app.conf', 'a=1')])).toEqual([]);
  });

  it('finds the same env var with different values', () => {
    const [c] = detect([{ kind: 'env', name: 'LOG_LEVEL', value: 'info' }], [{ kind: 'env', name: 'LOG_LEVEL', value: 'debug' }]);
    expect(c).toMatchObject({ kind: 'env', detail: 'different values "info" and "debug"' });
    expect(c!.claims.map((cl) => cl.source.label)).toEqual(['template_a', 'production_server_1']);
  });

  it('finds packages at incompatible versions only', () => {
    expect(
      detect([{ kind: 'package', name: 'postgres', version: '14.2.0' }], [{ kind: 'package', name: 'postgres', version: '16.1.0' }]),
    ).toMatchObject([{ kind: 'package', detail: 'incompatible versions 14.2.0 and 16.1.0' }]);
    expect(
      detect([{ kind: 'package', name: 'lodash', version: '4.17.0' }], [{ kind: 'package', name: 'lodash', version: '4.17.21' }]),
    ).toEqual([]);
    expect(
      detect([{ kind: 'package', name: 'tzdata', version: '2024a' }], [{ kind: 'package', name: 'tzdata', version: '2024b' }]),
    ).toHaveLength(1);
  });

  it('finds a service or volume defined differently under one name', () => {
    expect(detect([{ kind: 'service', name: 'web', cpu: '1 core' }], [{ kind: 'service', name: 'web', cpu: '2 cores' }])).toMatchObject([
      { kind: 'service' },
    ]);
    expect(detect([{ kind: 'volume', name: 'data', size: '10GB' }], [{ kind: 'volume', name: 'data', size: '20GB' }])).toMatchObject([
      { kind: 'volume' },
    ]);
  });

  it('finds services of different sources that cannot both fit in the limits', () => {
    const conflicts = detect([{ kind: 'service', name: 'web', cpu: '5 cores' }], [{ kind: 'service', name: 'api', cpu: '4 cores' }], {
      cpu: 8,
    });
    expect(conflicts).toMatchObject([
      {
        kind: 'capacity',
        key: 'service:web + service:api',
        detail: 'together they need 9 cores of cpu, and resource_limits.cpu is 8 cores',
      },
    ]);
    expect(
      detect([{ kind: 'service', name: 'web', cpu: '4 cores' }], [{ kind: 'service', name: 'api', cpu: '4 cores' }], { cpu: 8 }),
    ).toEqual([]);
  });

  it('lists a key claimed by three sources once, with every claim', () => {
    const b = source(2, 'template_b');
    const { conflicts } = detectConflicts(
      [
        snapshot(a, [{ kind: 'env', name: 'X', value: '1' }]),
        snapshot(live, [{ kind: 'env', name: 'X', value: '2' }]),
        snapshot(b, [{ kind: 'env', name: 'X', value: '1' }]),
      ],
      {},
    );
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.claims.map((c) => c.source.label)).toEqual(['template_a', 'production_server_1', 'template_b']);
  });
});
