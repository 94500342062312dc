import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compatibleVersions } from '../snapshot/conflicts';

const run = promisify(execFile);

/** What the target has of a package a source declared, and what would make it right. */
export interface PackageCheck {
  name: string;
  /** The version the composition asked for. */
  version: string;
  /** installed: a compatible version is there; incompatible: another major is; missing: none is; unknown: this target cannot say. */
  state: 'installed' | 'incompatible' | 'missing' | 'unknown';
  /** The version found on the target. */
  found?: string;
  /** The install step planned for a missing or incompatible package; Mosaic does not run it on the worker's machine. */
  plan?: string;
  detail: string;
}

/** Debian's package names: lower case, digits, + - . (policy 5.6.1). */
const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** "1:9.2p1-2+deb12u3" → "9.2": no epoch (ordering only), no Debian revision, the numeric upstream part a person writes. */
function upstream(v: string): string {
  const numeric = /^\d+(?:\.\d+)*/.exec(v.replace(/^\d+:/, ''))?.[0] ?? v;
  return numeric.includes('.') ? numeric : `${numeric}.0`;
}

/**
 * Each declared package checked against the target's package database
 * (dpkg, on the Debian machines the local provider runs on): compatible
 * (same major version, as conflict detection counts it), present at another
 * major, or missing with the apt-get step planned. Never silently ignored.
 */
export async function checkPackages(packages: { name: string; version: string }[]): Promise<PackageCheck[]> {
  const out: PackageCheck[] = [];
  for (const { name, version } of packages) {
    const base = { name, version };
    if (!DEBIAN_NAME.test(name)) {
      out.push({ ...base, state: 'unknown', detail: `${name} is not a Debian package name, so this host cannot check it` });
      continue;
    }
    const plan = `apt-get install -y ${name}`;
    let status: string;
    try {
      status = (await run('dpkg-query', ['-W', '-f=${Status}\t${Version}', name], { timeout: 10_000 })).stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') {
        out.push({ ...base, state: 'unknown', detail: 'this host has no dpkg package database to check against' });
        continue;
      }
      // dpkg-query exits 1 for a name it has never heard of.
      status = '';
    }
    const [state = '', found = ''] = status.split('\t');
    if (!state.endsWith(' installed') || !found) {
      out.push({ ...base, state: 'missing', plan, detail: `not installed; planned: ${plan} (not run by Mosaic)` });
    } else if (compatibleVersions(upstream(found), version)) {
      out.push({ ...base, state: 'installed', found, detail: `installed at ${found}` });
    } else {
      out.push({
        ...base,
        state: 'incompatible',
        found,
        plan: `apt-get install -y ${name}=${version}`,
        detail: `installed at ${found}, which is not compatible with ${version}; planned: apt-get install -y ${name}=${version} (not run by Mosaic)`,
      });
    }
  }
  return out;
}
