import { parse } from 'yaml';
import { InputFileRefused, readBoundedFile } from '../client/files';
import { TOO_DEEP, yamlTooDeepAt } from '../depth';
import { CommandFailed } from './errors';

/** A file named on the command line, or a failure that names it and says why. */
export function readUserFile(file: string): string {
  try {
    return readBoundedFile(file);
  } catch (err) {
    throw new CommandFailed(err instanceof InputFileRefused ? `cannot read ${err.message}` : `cannot read ${file}`);
  }
}

/**
 * A JSON or YAML file named on the command line (a request, a description).
 * JSON is tried first: it is YAML too, and JSON.parse does not recurse, so a
 * document nested thousands deep reaches the input's own depth check (which
 * names where); YAML is measured from its text before the YAML parser, which
 * recurses, sees it.
 */
export function readStructuredFile(file: string): unknown {
  const text = readUserFile(file);
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: read as YAML
  }
  const deep = yamlTooDeepAt(text);
  if (deep !== undefined) throw new CommandFailed(`${file}: line ${deep}: ${TOO_DEEP}`);
  try {
    return parse(text);
  } catch (err) {
    throw new CommandFailed(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}
