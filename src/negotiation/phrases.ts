/**
 * Text as people type it, brought to one form before it is read: lower case,
 * single spaces, "3,000" and "3k" as 3000, "×" as x, polite and modal
 * openings ("please", "we need", "must be") dropped, closing punctuation gone.
 */
export function normalisePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d"]/g, '')
    .replace(/×/g, 'x')
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=')
    .replace(/(\d),(\d{3})\b/g, '$1$2')
    .replace(/\b(\d+(?:\.\d+)?)k\b/g, (_, n: string) => String(Math.round(Number(n) * 1000)))
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/\s*\bplease\b\s*/g, ' ')
    .replace(/^[\s,;:]+|[\s,;:.!?]+$/g, '')
    .replace(
      /^(?:(?:we|i)\s+(?:need|want|require|would like)\s+|(?:it\s+|they\s+)?(?:must|should|shall|needs?\s+to|has\s+to|have\s+to)\s+(?:be\s+|have\s+|run\s+)?|requires?\s+|only\s+)/,
      '',
    )
    .trim();
}

/** At most one edit apart (insert, delete, substitute, or swap two neighbours). */
export function closeWords(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
    return (
      diff.length === 1 || (diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!])
    );
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  for (let i = 0; i < long.length; i++) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
  return false;
}

const trigrams = (text: string) => {
  const padded = `  ${text.replace(/\d+(?:\.\d+)?/g, '#')} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
};

/** How alike two phrases read, 0..1 (Dice over letter trigrams, numbers counting as one symbol). */
export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  let shared = 0;
  for (const t of x) if (y.has(t)) shared += 1;
  return (2 * shared) / (x.size + y.size);
}

/**
 * The known phrase closest to what was typed, with the typed number in it
 * when the phrase takes one: "minimum iops 5000" → "at least 5000 IOPS".
 * Templates carry `{n}` where a number goes and an example number after `|`.
 */
export function closestPhrase(typed: string, templates: readonly string[]): string {
  const text = normalisePhrase(typed);
  const number = /\d+(?:\.\d+)?/.exec(text)?.[0];
  const ranked = templates
    .map((t) => {
      const [template, example] = t.split('|') as [string, string | undefined];
      const filled = template.replace('{n}', number ?? example ?? '');
      return { filled, score: similarity(text, filled.toLowerCase()) };
    })
    .sort((a, b) => b.score - a.score);
  return ranked[0]!.filled;
}
