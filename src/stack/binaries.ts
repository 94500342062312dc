import fs from 'node:fs';
import path from 'node:path';

/** Versions `scripts/setup.sh` installs; the stack refuses binaries it cannot find. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
export const FERRETDB_VERSION = 'v1.24.2';

export class MissingBinary extends Error {
  readonly type = 'MissingBinary';
  constructor(
    readonly binary: string,
    readonly looked: string,
  ) {
    super(`${binary} is not installed (looked in ${looked}). Run \`npm run setup\` (scripts/setup.sh) to install it.`);
    this.name = 'MissingBinary';
  }
}

/** Binaries live in the user cache so a fresh clone or a new worktree reuses them. */
export function binaryPath(cacheDir: string, name: 'temporal' | 'ferretdb' | 'moto_server' | 'temporal-test-server'): string {
  const file = path.join(cacheDir, 'bin', name);
  if (!fs.existsSync(file)) throw new MissingBinary(name, path.dirname(file));
  return file;
}
