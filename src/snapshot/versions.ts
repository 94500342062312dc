/**
 * The upstream version, from a Debian or a semantic version: no epoch ("1:"
 * only orders versions across a renumbering), no Debian revision (the
 * packaging's "-2+deb12u3", or a semantic pre-release, after the last
 * hyphen), no "v". "1:9.2p1-2+deb12u3" → "9.2p1", "v14" → "14".
 */
export function upstreamVersion(version: string): string {
  const noEpoch = version.trim().replace(/^\d+:/, '');
  const hyphen = noEpoch.lastIndexOf('-');
  return (hyphen > 0 ? noEpoch.slice(0, hyphen) : noEpoch).replace(/^v(?=\d)/, '');
}

/**
 * The major number of a numbered version: a bare number ("14") or dotted
 * numbers ("9.2p1", "14.2.0"). A number with letters straight after it
 * ("2024a", tzdata's) is a name of one release, not a major; it has none.
 */
export function majorVersion(version: string): string | undefined {
  return /^(\d+)(?:$|\.\d)/.exec(upstreamVersion(version))?.[1];
}

/**
 * Versions with the same major are compatible ("1:2.3-4" and "2.3", "14.2.0"
 * and "14"); others are when their upstream versions are equal ("2024a-0"
 * and "2024a", not "2024b").
 */
export function compatibleVersions(a: string, b: string): boolean {
  const [ma, mb] = [majorVersion(a), majorVersion(b)];
  return ma !== undefined && mb !== undefined ? ma === mb : upstreamVersion(a) === upstreamVersion(b);
}
