import { execFileSync } from 'node:child_process';
import { checkPackages, DPKG_BATCH } from '../../../src/providers/package-check';

// Against this machine's real dpkg database (the local provider's targets are Debian machines).
describe('packages a source declares, checked on the target', () => {
  const bash = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'bash'], { encoding: 'utf8' });
  const major = Number(/^(?:\d+:)?(\d+)/.exec(bash)![1]);

  it('a compatible installed version is installed, with the version found', async () => {
    expect(await checkPackages([{ name: 'bash', version: `${major}.0.0` }])).toEqual([
      { name: 'bash', version: `${major}.0.0`, state: 'installed', found: bash, detail: `installed at ${bash}` },
    ]);
  });

  it('another major is incompatible, with the install step planned', async () => {
    const [c] = await checkPackages([{ name: 'bash', version: `${major + 1}.0.0` }]);
    expect(c).toMatchObject({ state: 'incompatible', found: bash, plan: `apt-get install -y bash=${major + 1}.0.0` });
  });

  it('a package the machine does not have is missing, never ignored', async () => {
    expect(await checkPackages([{ name: 'postgres', version: '14.2.0' }])).toEqual([
      {
        name: 'postgres',
        version: '14.2.0',
        state: 'missing',
        plan: 'apt-get install -y postgres',
        detail: 'not installed; planned: apt-get install -y postgres (not run by Mosaic)',
      },
    ]);
  });

  it('an epoch and a Debian revision on the target do not make the upstream version a person wrote incompatible', async () => {
    const sshd = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'openssh-server'], { encoding: 'utf8' });
    // Debian's openssh-server carries an epoch: "1:9.2p1-2+deb12u3" is OpenSSH 9.2.
    expect(sshd).toMatch(/^1:\d+\.\d+p\d+-/);
    const upstream = /^1:(\d+\.\d+)/.exec(sshd)![1]!;
    expect(await checkPackages([{ name: 'openssh-server', version: upstream }])).toEqual([
      { name: 'openssh-server', version: upstream, state: 'installed', found: sshd, detail: `installed at ${sshd}` },
    ]);
  });

  it('checks every package the machine has in a few dpkg runs, each answered in the order asked, unknown ones among them missing', async () => {
    const installed = execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\t${Package}\t${Version}\n'], { encoding: 'utf8' })
      .split('\n')
      .flatMap((line) => {
        const [status, name, version] = line.split('\t');
        return status?.startsWith('ii') && name && version ? [{ name, version }] : [];
      });
    // More than one batch, so the batches' seams are crossed.
    expect(installed.length).toBeGreaterThan(DPKG_BATCH);
    const asked = [...installed.slice(0, 3), { name: 'no-such-package-mosaic', version: '1.0' }, ...installed.slice(3)];
    const checked = await checkPackages(asked);
    expect(checked.map((c) => c.name)).toEqual(asked.map((a) => a.name));
    expect(checked.filter((c) => c.state !== 'installed')).toEqual([
      expect.objectContaining({ name: 'no-such-package-mosaic', state: 'missing' }),
    ]);
  });

  it('answers a name qualified with its architecture as the plain name', async () => {
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    const [c] = await checkPackages([{ name: `libc6:${arch}`, version: '2' }]);
    expect(c).toMatchObject({ state: 'installed', found: expect.stringMatching(/^2\./) });
  });

  it('a name that is no Debian package name is not passed to dpkg at all', async () => {
    const [c] = await checkPackages([{ name: '--admindir=/tmp', version: '1.0' }]);
    expect(c).toMatchObject({ state: 'unknown', detail: '--admindir=/tmp is not a Debian package name, so this host cannot check it' });
  });
});
