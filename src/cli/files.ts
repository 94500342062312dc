import { InputFileRefused, readBoundedFile } from '../client/files';
import { CommandFailed } from './errors';

/** A file named on the command line, or a failure that names it and says why. */
export function readUserFile(file: string): string {
  try {
    return readBoundedFile(file);
  } catch (err) {
    throw new CommandFailed(err instanceof InputFileRefused ? `cannot read ${err.message}` : `cannot read ${file}`);
  }
}
