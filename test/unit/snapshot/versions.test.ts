import { compatibleVersions, majorVersion, upstreamVersion } from '../../../src/snapshot/versions';

describe('versions as people write them and as Debian records them', () => {
  it.each([
    ['1:2.3-4', '2.3', '2'],
    ['1:9.2p1-2+deb12u10', '9.2p1', '9'],
    ['5.2.15-2+b8', '5.2.15', '5'],
    ['v14', '14', '14'],
    ['14.2.0', '14.2.0', '14'],
    ['2.3.1-beta', '2.3.1', '2'],
    ['2025b-0+deb12u2', '2025b', undefined],
    ['latest', 'latest', undefined],
  ])('%s is upstream %s, major %s', (version, upstream, major) => {
    expect(upstreamVersion(version)).toBe(upstream);
    expect(majorVersion(version)).toBe(major);
  });

  it('counts an epoch and a Debian revision as no difference, another major as one', () => {
    expect(compatibleVersions('1:2.3-4', '2.3')).toBe(true);
    expect(compatibleVersions('1:9.2p1-2+deb12u10', '9.2')).toBe(true);
    expect(compatibleVersions('14', '14.2.0')).toBe(true);
    expect(compatibleVersions('1:3.0-1', '2.3')).toBe(false);
    expect(compatibleVersions('14.2.0', '15.0.0')).toBe(false);
  });

  it('needs versions without a major to name the same upstream release', () => {
    expect(compatibleVersions('2025b-0+deb12u2', '2025b')).toBe(true);
    expect(compatibleVersions('2024a', '2024b')).toBe(false);
    expect(compatibleVersions('latest', 'latest')).toBe(true);
    expect(compatibleVersions('latest', '1.0')).toBe(false);
  });
});
