import { ManifestInvalid } from '../../../src/snapshot/errors';
import { parseHost, parseTemplate } from '../../../src/snapshot/template';
import { hash } from './fixtures';

describe('templates and hosts', () => {
  it('computes the hash and size of inline files, and claims every service port', () => {
    const t = parseTemplate({
      id: 't',
      resources: [
        { kind: 'file', path: '/a.conf', content: 'x=1' },
        { kind: 'service', name: 'web', ports: [8080], cpu: '500m', memory: '256MiB' },
      ],
    });
    expect(t.resources[0]).toMatchObject({ hash: hash('x=1'), size: 3, mode: 0o644 });
    expect(t.resources[1]).toMatchObject({ cpu: 0.5, memory: 256 * 2 ** 20 });
    expect(t.resources[2]).toEqual({ kind: 'port', number: 8080, protocol: 'tcp', service: 'web', dependsOn: [] });
  });

  it('refuses a hash that is not the content, naming the resource', () => {
    expect(() => parseTemplate({ id: 't', resources: [{ kind: 'file', path: '/a', content: 'x', hash: 'a'.repeat(64) }] })).toThrow(
      new ManifestInvalid('resources[0]', 'hash is not the sha256 of content; leave hash out and it is computed'),
    );
    expect(() => parseTemplate({ id: 't', resources: [{ kind: 'service', name: 'web', memory: '2 gigs' }] })).toThrow(
      /^resources\[0\]\.memory: expected a number up to 1 PiB with a decimal unit/,
    );
    expect(() => parseTemplate({ id: 't', resources: [{ kind: 'file', path: '/a/../etc/passwd', content: 'x' }] })).toThrow(
      /^resources\[0\]\.path: expected an absolute path without \.\. segments/,
    );
  });

  it('requires a local host to say which paths may be captured', () => {
    expect(() => parseHost({ name: 'h', provider: 'local', root: '/srv/h', allowedPaths: [] })).toThrow(
      /^allowedPaths: expected at least one path/,
    );
    expect(() => parseHost({ name: 'h', provider: 'aws', instanceId: 'web-1', region: 'eu-west-1' })).toThrow(
      /^instanceId: expected an EC2 instance id/,
    );
  });
});

describe('one port per service within a source', () => {
  it('refuses a template with two services on one port, naming both', () => {
    expect(() =>
      parseTemplate({
        id: 'two_on_one',
        resources: [
          { kind: 'service', name: 'web', ports: [8080] },
          { kind: 'service', name: 'admin', healthCheck: { port: 8080, path: '/' } },
        ],
      }),
    ).toThrow('resources: services web and admin both listen on port 8080 (ports or healthCheck.port); give each its own port');
  });

  it('claims a health-check port as one of the service ports', () => {
    const t = parseTemplate({ id: 'hc', resources: [{ kind: 'service', name: 'web', healthCheck: { port: 9000 } }] });
    expect(t.resources).toContainEqual(expect.objectContaining({ kind: 'service', name: 'web', ports: [9000] }));
    expect(t.resources).toContainEqual(expect.objectContaining({ kind: 'port', number: 9000, service: 'web' }));
  });
});
