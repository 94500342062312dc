/** The most of an offending value an error message repeats: enough to recognise it, never the whole of a 10 MB input. */
export const QUOTE_LIMIT = 200;

/**
 * A value as an error message shows it: JSON-quoted (so control characters
 * and NUL bytes are visible, not printed), cut at QUOTE_LIMIT characters
 * with the full length said.
 */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (text.length <= QUOTE_LIMIT) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTE_LIMIT))}… (${text.length} characters)`;
}

/** Text cut at QUOTE_LIMIT characters, unquoted: for names (a field, a path) that are shown as they are. */
export const clip = (text: string): string => (text.length <= QUOTE_LIMIT ? text : `${text.slice(0, QUOTE_LIMIT)}…`);
