import fs from 'node:fs';
import { CommandFailed } from './errors';

/** A file named on the command line, or a failure that names it. */
export function readUserFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new CommandFailed(`cannot read ${file}`);
  }
}
