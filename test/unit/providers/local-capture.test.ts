import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureLocalHost } from '../../../src/providers/local-capture';
import { HostUnavailable, PathOutsideRoots } from '../../../src/snapshot/errors';
import { parseHost, parseTemplate } from '../../../src/snapshot/template';
import { hash } from '../snapshot/fixtures';

describe('capturing a live local host', () => {
  let root: string;
  let outside: string;
  const host = () =>
    parseHost({
      name: 'production_server_1',
      provider: 'local',
      root,
      allowedPaths: ['/var/app'],
      services: [{ kind: 'service', name: 'api', ports: [18080], healthCheck: { port: 18080, path: '/' } }],
    }) as Extract<ReturnType<typeof parseHost>, { provider: 'local' }>;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-host-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-outside-'));
    fs.mkdirSync(path.join(root, 'var/app/conf'), { recursive: true });
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(root, 'var/app/conf/app.conf'), 'port=18080\n');
    fs.writeFileSync(path.join(root, 'var/app/blob.bin'), Buffer.from([0, 1, 2, 3]));
    fs.writeFileSync(path.join(root, 'etc/shadow'), 'secret');
    fs.writeFileSync(path.join(outside, 'secret'), 'secret');
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('walks the path, hashes every file, and adds the declared services with their ports', async () => {
    const progress: number[] = [];
    const resources = await captureLocalHost(host(), '/var/app', (n) => progress.push(n));
    expect(resources.filter((r) => r.kind === 'file')).toEqual([
      {
        kind: 'file',
        path: '/var/app/blob.bin',
        hash: hash('\u0000\u0001\u0002\u0003'),
        size: 4,
        mode: expect.any(Number),
        origin: fs.realpathSync(path.join(root, 'var/app/blob.bin')),
        dependsOn: [],
      },
      {
        kind: 'file',
        path: '/var/app/conf/app.conf',
        hash: hash('port=18080\n'),
        size: 11,
        mode: expect.any(Number),
        content: 'port=18080\n',
        dependsOn: [],
      },
    ]);
    expect(resources.filter((r) => r.kind !== 'file').map((r) => r.kind)).toEqual(['service', 'port']);
    expect(progress.at(-1)).toBe(2);
  });

  it('follows a symlink that stays inside the allowed path', async () => {
    fs.symlinkSync(path.join(root, 'var/app/conf/app.conf'), path.join(root, 'var/app/link.conf'));
    const files = (await captureLocalHost(host(), '/var/app')).filter((r) => r.kind === 'file');
    expect(files.map((f) => f.kind === 'file' && f.path)).toContain('/var/app/link.conf');
  });

  it('refuses a path outside the allowed paths, by .. or by name', async () => {
    await expect(captureLocalHost(host(), '/var/app/../../etc')).rejects.toThrow(PathOutsideRoots);
    await expect(captureLocalHost(host(), '/etc')).rejects.toThrow(
      'path /etc is outside what host production_server_1 allows (/var/app); use one of those paths or a path below one',
    );
  });

  it('refuses a symlink that escapes, inside the tree or as the path itself', async () => {
    fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'var/app/escape'));
    await expect(captureLocalHost(host(), '/var/app')).rejects.toThrow(
      /\/var\/app\/escape on host production_server_1 is a symlink to .*, outside \/var\/app/,
    );
    fs.rmSync(path.join(root, 'var/app/escape'));
    fs.symlinkSync(outside, path.join(root, 'var/app/sub'));
    await expect(captureLocalHost(host(), '/var/app/sub')).rejects.toThrow(/leads through a symlink outside \/var\/app/);
  });

  it('says when the host is not reachable', async () => {
    const gone = { ...host(), root: path.join(root, 'nope') };
    await expect(captureLocalHost(gone, '/var/app')).rejects.toThrow(HostUnavailable);
  });

  describe('volumes a local host declares', () => {
    const withVolumes = (volumes: unknown[]) =>
      parseHost({ name: 'db_host', provider: 'local', root, allowedPaths: ['/var/app'], volumes }) as Extract<
        ReturnType<typeof parseHost>,
        { provider: 'local' }
      >;

    beforeEach(() => {
      fs.mkdirSync(path.join(root, 'var/app/pgdata'), { recursive: true });
      fs.writeFileSync(path.join(root, 'var/app/pgdata/base.dat'), 'x'.repeat(1000));
    });

    it('captures each as a volume restored from its directory, sized by its content or its declared capacity', async () => {
      const resources = await captureLocalHost(
        withVolumes([
          { name: 'pgdata', path: '/var/app/pgdata' },
          { name: 'big', path: '/var/app/pgdata', size: '2GiB' },
        ]),
        '/var/app/conf',
      );
      const real = fs.realpathSync(path.join(root, 'var/app/pgdata'));
      expect(resources.filter((r) => r.kind === 'volume')).toEqual([
        { kind: 'volume', name: 'pgdata', size: 1000, optional: false, origin: `local:${real}`, dependsOn: [] },
        { kind: 'volume', name: 'big', size: 2 * 2 ** 30, optional: false, origin: `local:${real}`, dependsOn: [] },
      ]);
    });

    it('refuses a volume outside the allowed paths, by name or through a symlink', async () => {
      await expect(captureLocalHost(withVolumes([{ name: 'etc', path: '/etc' }]), '/var/app')).rejects.toThrow(PathOutsideRoots);
      fs.symlinkSync(outside, path.join(root, 'var/app/escape'));
      await expect(captureLocalHost(withVolumes([{ name: 'esc', path: '/var/app/escape' }]), '/var/app/conf')).rejects.toThrow(
        /leads through a symlink outside \/var\/app/,
      );
    });

    it('refuses a declared size smaller than the content, naming both', async () => {
      await expect(
        captureLocalHost(withVolumes([{ name: 'pgdata', path: '/var/app/pgdata', size: '512B' }]), '/var/app/conf'),
      ).rejects.toThrow('volume pgdata of host db_host holds 1KB, more than its declared size 512B; raise size or leave it out');
    });

    it("refuses an unknown field, and a template cannot point a volume at the worker's files", () => {
      expect(() => withVolumes([{ name: 'x', path: '/var/app', mount: '/mnt' }])).toThrow(/unknown field mount/);
      expect(() => parseTemplate({ id: 't', resources: [{ kind: 'volume', name: 'v', size: '1GB', origin: 'local:/etc' }] })).toThrow(
        /a template volume cannot have an origin/,
      );
    });
  });
});
