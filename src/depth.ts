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

/**
 * How deep a YAML text nests, read from the text before any parser sees it:
 * the YAML parser recurses once per level, so a policy nested thousands deep
 * would end in "Maximum call stack size exceeded" rather than a clear error.
 * Block levels are the indentation steps in force (each `- ` opening a
 * sequence item counts one more), flow levels the open `[` and `{` outside
 * quotes and comments; block scalars' text is skipped. An estimate that can
 * only overcount a level where a plain scalar holds an unclosed bracket: well
 * past anything a policy needs.
 * Returns the first line deeper than `limit`, or undefined.
 */
export function yamlTooDeepAt(text: string, limit = MAX_INPUT_DEPTH): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  // Inside a block scalar (`key: |`), the lines indented past its key are text, not structure.
  let scalarAt: number | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const indent = line.length - line.trimStart().length;
    const content = line.slice(indent);
    if (!content.trim() || content.startsWith('#')) continue;
    if (scalarAt !== undefined && indent > scalarAt) continue;
    // Read before any comment: an indicator inside one (`a: x #: |`) must not hide the lines after it.
    scalarAt = flow === 0 && /(^|[:-]\s+)[|>][+-]?\d*$/.test(content.split(/\s#/)[0]!.trimEnd()) ? indent : undefined;
    if (flow === 0) {
      while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      for (let at = 0; /^-\s/.test(content.slice(at)); at += 2) indents.push(indent + at + 2);
    }
    let quote: string | undefined;
    for (let i = 0; i < content.length; i++) {
      const c = content[i]!;
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (i === 0 || /\s/.test(content[i - 1]!))) break;
      else if (c === '[' || c === '{') {
        if (indents.length + ++flow > limit) return n + 1;
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (indents.length + flow > limit) return n + 1;
  }
  return undefined;
}
