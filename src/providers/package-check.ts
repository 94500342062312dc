import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compatibleVersions } from '../snapshot/versions';

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

/** Debian's package names: lower case, digits, + - . (policy 5.6.1), with an optional architecture qualifier (libc6:amd64). */
const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?$/;

/**
 * Names per dpkg-query run: one run per package took 17 s for the 866 a
 * Debian host has; a few runs take well under one. The bound keeps the
 * command line far below ARG_MAX whatever the names.
 */
export const DPKG_BATCH = 500;

/** What dpkg knows of each name it was asked about; a name it has never heard of is absent. */
async function queryInstalled(names: string[]): Promise<Map<string, { status: string; version: string }> | undefined> {
  const known = new Map<string, { status: string; version: string }>();
  for (let i = 0; i < names.length; i += DPKG_BATCH) {
    let stdout: string;
    try {
      stdout = (
        await run(
          'dpkg-query',
          ['-W', '-f=${binary:Package}\t${Package}\t${Status}\t${Version}\n', '--', ...names.slice(i, i + DPKG_BATCH)],
          {
            timeout: 30_000,
            maxBuffer: 16 * 2 ** 20,
          },
        )
      ).stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stdout?: string };
      if (e.code === 'ENOENT') return undefined;
      // dpkg-query exits 1 when any name is unknown, and still prints the ones it knows; killed or crashed, it said nothing to trust.
      if ((e as { code?: unknown }).code !== 1 || typeof e.stdout !== 'string') throw err;
      stdout = e.stdout;
    }
    for (const line of stdout.split('\n')) {
      const [qualified, name, status = '', version = ''] = line.split('\t');
      if (!qualified || !name) continue;
      // Asked as libc6 or libc6:amd64, either answers.
      for (const key of [qualified, name]) if (!known.get(key)?.status.endsWith(' installed')) known.set(key, { status, version });
    }
  }
  return known;
}

/**
 * Each declared package checked against the target's package database
 * (dpkg, on the Debian machines the local provider runs on), in batches:
 * compatible (the same upstream major, epoch and Debian revision set aside,
 * as conflict detection counts it), present at another major, or missing
 * with the apt-get step planned. Never silently ignored.
 */
export async function checkPackages(packages: { name: string; version: string }[]): Promise<PackageCheck[]> {
  const names = [...new Set(packages.map((p) => p.name).filter((n) => DEBIAN_NAME.test(n)))];
  const known = names.length ? await queryInstalled(names) : new Map<string, { status: string; version: string }>();
  return packages.map(({ name, version }): PackageCheck => {
    const base = { name, version };
    if (!DEBIAN_NAME.test(name))
      return { ...base, state: 'unknown', detail: `${name} is not a Debian package name, so this host cannot check it` };
    if (!known) return { ...base, state: 'unknown', detail: 'this host has no dpkg package database to check against' };
    const plan = `apt-get install -y ${name}`;
    const entry = known.get(name);
    if (!entry?.status.endsWith(' installed') || !entry.version)
      return { ...base, state: 'missing', plan, detail: `not installed; planned: ${plan} (not run by Mosaic)` };
    const found = entry.version;
    if (compatibleVersions(found, version)) return { ...base, state: 'installed', found, detail: `installed at ${found}` };
    return {
      ...base,
      state: 'incompatible',
      found,
      plan: `apt-get install -y ${name}=${version}`,
      detail: `installed at ${found}, which is not compatible with ${version}; planned: apt-get install -y ${name}=${version} (not run by Mosaic)`,
    };
  });
}
