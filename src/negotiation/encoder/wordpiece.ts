/**
 * BERT's uncased tokenizer, as the sentence encoder was trained with it
 * (HuggingFace `BertNormalizer` + `BertPreTokenizer` + WordPiece): clean and
 * lower-case the text, strip accents, split on whitespace and punctuation
 * (and around CJK characters), then cut each word into the longest pieces the
 * vocabulary holds, "##" marking a piece that continues a word.
 */
export interface Vocabulary {
  ids: ReadonlyMap<string, number>;
  unknown: number;
  start: number;
  end: number;
}

/** Longer words are one unknown token, as in BERT: no vocabulary piece spans them. */
const MAX_WORD_CHARS = 100;

export function vocabularyOf(lines: string): Vocabulary {
  const ids = new Map<string, number>();
  lines.split('\n').forEach((token, i) => {
    if (token !== '' && !ids.has(token)) ids.set(token, i);
  });
  const id = (token: string) => {
    const found = ids.get(token);
    if (found === undefined) throw new Error(`the encoder's vocabulary has no ${token} token`);
    return found;
  };
  return { ids, unknown: id('[UNK]'), start: id('[CLS]'), end: id('[SEP]') };
}

// BERT counts all non-alphanumeric ASCII as punctuation, as well as Unicode's P* classes.
const isPunctuation = (c: string): boolean => {
  const code = c.codePointAt(0)!;
  if ((code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126)) return true;
  return /\p{P}/u.test(c);
};

const isCjk = (code: number): boolean =>
  (code >= 0x4e00 && code <= 0x9fff) ||
  (code >= 0x3400 && code <= 0x4dbf) ||
  (code >= 0x20000 && code <= 0x2a6df) ||
  (code >= 0x2a700 && code <= 0x2b73f) ||
  (code >= 0x2b740 && code <= 0x2b81f) ||
  (code >= 0x2b820 && code <= 0x2ceaf) ||
  (code >= 0xf900 && code <= 0xfaff) ||
  (code >= 0x2f800 && code <= 0x2fa1f);

/** The normalizer and pre-tokenizer: the words WordPiece then cuts. */
export function basicTokens(text: string): string[] {
  let spaced = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code === 0 || code === 0xfffd || (/\p{C}/u.test(c) && c !== '\t' && c !== '\n' && c !== '\r')) continue;
    if (/\s/u.test(c)) spaced += ' ';
    else if (isCjk(code)) spaced += ` ${c} `;
    else spaced += c;
  }
  const lowered = spaced
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
  const words: string[] = [];
  for (const chunk of lowered.split(' ')) {
    let word = '';
    for (const c of chunk) {
      if (isPunctuation(c)) {
        if (word) words.push(word);
        words.push(c);
        word = '';
      } else word += c;
    }
    if (word) words.push(word);
  }
  return words;
}

function wordPieces(word: string, vocabulary: Vocabulary): number[] {
  const chars = [...word];
  if (chars.length > MAX_WORD_CHARS) return [vocabulary.unknown];
  const pieces: number[] = [];
  for (let start = 0; start < chars.length;) {
    let end = chars.length;
    let found: number | undefined;
    for (; end > start; end--) {
      const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
      found = vocabulary.ids.get(piece);
      if (found !== undefined) break;
    }
    if (found === undefined) return [vocabulary.unknown];
    pieces.push(found);
    start = end;
  }
  return pieces;
}

/** [CLS] pieces… [SEP], at most `maxTokens` in all (the rest of a long text is cut, as the encoder's own tokenizer does). */
export function encodeText(text: string, vocabulary: Vocabulary, maxTokens: number): number[] {
  const ids = [vocabulary.start];
  for (const word of basicTokens(text)) {
    for (const id of wordPieces(word, vocabulary)) {
      if (ids.length >= maxTokens - 1) return [...ids, vocabulary.end];
      ids.push(id);
    }
  }
  return [...ids, vocabulary.end];
}
