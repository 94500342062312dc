import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceRef } from '../providers/provider';
import { clip, quote } from '../quote';

/**
 * What a script handler may hand the host, and what it may hand the steps
 * after it. Pure checks: the activity (activities/script-handlers.ts) applies
 * them to every host call and to the output before anything acts on either.
 */

/** A name a host function takes: an identifier, never a path, so it cannot steer where a resource lands. */
export interface NameRule {
  field: string;
  pattern: RegExp;
  shape: string;
}

export const BUCKET_NAME: NameRule = {
  field: 'bucket name',
  pattern: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
  shape: '3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit',
};

export const KEY_ALIAS: NameRule = {
  field: 'key alias',
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
  shape: '1 to 64 letters, digits, underscores and hyphens, starting with a letter or digit',
};

// What one script may make in one step: a handful of resources, not a flood (one made 157,000 directories).
export const MAX_SCRIPT_RESOURCES = 16;
// Log lines a script may write in one step, and their length; past them lines are dropped, counted once.
export const MAX_LOG_LINES = 100;
export const MAX_LOG_CHARS = 1000;

/** The one argument of a host function that takes a name, checked against its rule. */
export function nameArgument(fn: string, rule: NameRule, args: unknown[]): string {
  if (args.length !== 1) throw new TypeError(`${fn} takes one argument, the ${rule.field}; it was given ${args.length}`);
  const [value] = args;
  if (typeof value !== 'string' || !rule.pattern.test(value)) {
    throw new TypeError(`${fn}: the ${rule.field} must be ${rule.shape} (a name, never a path); got ${quote(value)}`);
  }
  return value;
}

/** A log line as the worker writes it: one string, at most MAX_LOG_CHARS, no line breaks to forge other lines with. */
export function logLine(args: unknown[]): string {
  const text = args.map((a) => (typeof a === 'string' ? a : quote(a))).join(' ');
  const flat = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return flat.length <= MAX_LOG_CHARS ? flat : `${flat.slice(0, MAX_LOG_CHARS)}… (${flat.length} characters)`;
}

/** The file-system paths a step's resources occupy: what an output of that step may name. */
export function resourcePaths(refs: readonly ResourceRef[]): string[] {
  return refs.flatMap((r) => [r.id, ...Object.values(r.attributes)].filter((v) => path.isAbsolute(v)).map((v) => path.resolve(v)));
}

// Values a later step could read as a file: absolute, home-relative, a file: URL, or climbing with '..'.
const PATH_LIKE = /^(?:\/|~|file:)|(?:^|[\\/])\.\.(?:[\\/]|$)/i;
// A URL of another scheme names no file here (an endpoint), whatever its path says.
const OTHER_URL = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i;
const pathLike = (value: string) => PATH_LIKE.test(value) && !OTHER_URL.test(value);

/**
 * The output fields that name a file outside the step's own resources, each
 * with why. An output may point at what the step made (a bucket's directory
 * and what is inside it), never elsewhere on the worker: a later step (or
 * a person) may act on what an output names.
 */
export function outputsOutside(output: Record<string, string>, roots: readonly string[]): string[] {
  return Object.entries(output)
    .filter(([, value]) => pathLike(value) && !inside(value, roots))
    .map(([field, value]) => `${clip(field)} (${quote(value)})`);
}

function inside(value: string, roots: readonly string[]): boolean {
  let file: string;
  try {
    file = value.toLowerCase().startsWith('file:') ? fileURLToPath(value) : value;
  } catch {
    return false;
  }
  if (!path.isAbsolute(file)) return false;
  const resolved = path.resolve(file);
  return roots.some((root) => {
    const rel = path.relative(root, resolved);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  });
}
