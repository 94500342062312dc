import { execFileSync } from 'node:child_process';
import { checkPackages } from '../../../src/providers/package-check';

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

  it('a name that is no Debian package name is not passed to dpkg at all', async () => {
    const [c] = await checkPackages([{ name: '--admindir=/tmp', version: '1.0' }]);
    expect(c).toMatchObject({ state: 'unknown', detail: '--admindir=/tmp is not a Debian package name, so this host cannot check it' });
  });
});
