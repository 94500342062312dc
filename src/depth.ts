import { clip } from './quote';

/**
 * The deepest nesting of arrays and objects an input may have. Every
 * manifest, request and persona Mosaic knows is under 10 levels; a 10,000
 * level one exists only to overflow a recursive parser (RangeError) or the
 * JSON encoder that writes it into workflow history.
 */
export const MAX_INPUT_DEPTH = 32;

/**
 * Where `value` first nests deeper than `limit`, as a path such as
 * `constraints[0].region.region`, or undefined when it does not. Walks with a
 * stack of its own: no recursion for the input to overflow.
 */
export function tooDeepAt(value: unknown, limit = MAX_INPUT_DEPTH): string | undefined {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length) {
    const [v, depth, at] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return at || '(top)';
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((e, i) => [`[${i}]`, e])
      : Object.entries(v).map(([k, e]) => [`.${k}`, e]);
    for (const [step, child] of entries) stack.push([child, depth + 1, at ? `${at}${step}` : step.replace(/^\./, '')]);
  }
  return undefined;
}

/** What a refusal for nesting says after the path. */
export const TOO_DEEP = `nested more than ${MAX_INPUT_DEPTH} levels deep; Mosaic inputs are flat documents, remove the nesting`;

/** The path, cut to 200 characters for a message. */
export const shortPath = clip;
