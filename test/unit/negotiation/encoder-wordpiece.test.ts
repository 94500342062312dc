import { basicTokens, encodeText, vocabularyOf } from '../../../src/negotiation/encoder/wordpiece';

// A vocabulary small enough to read: the pieces BERT's own tokenizer would pick from it.
const vocabulary = vocabularyOf(
  ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'post', '##gre', '##s', '##q', '##l', 'cafe', 'tb', '2', ',', '!', "'", 's', 'data'].join('\n'),
);
const ids = (text: string, max = 64) => encodeText(text, vocabulary, max);

describe("the encoder's tokenizer (BERT uncased)", () => {
  it('lower-cases, strips accents and splits punctuation off words, as BERT does', () => {
    expect(basicTokens("Café résumé — Zürich's élan")).toEqual(['cafe', 'resume', '—', 'zurich', "'", 's', 'elan']);
    expect(basicTokens('p99<10ms @ 5k req/s')).toEqual(['p99', '<', '10ms', '@', '5k', 'req', '/', 's']);
  });

  it('cuts a word into the longest pieces the vocabulary holds, and a word it cannot cut is one unknown token', () => {
    // [CLS] post ##gre ##s ##q ##l [SEP]
    expect(ids('PostgreSQL')).toEqual([2, 4, 5, 6, 7, 8, 3]);
    expect(ids('Postgres, 2 TB!')).toEqual([2, 4, 5, 6, 12, 11, 10, 13, 3]);
    expect(ids('mongodb data')).toEqual([2, 1, 16, 3]);
  });

  it('drops control and zero-width characters, splits CJK characters, and treats tabs and newlines as spaces', () => {
    expect(basicTokens('tab\tnew\nline\u0007 zero\u200bwidth')).toEqual(['tab', 'new', 'line', 'zerowidth']);
    expect(basicTokens('数据库cache')).toEqual(['数', '据', '库', 'cache']);
  });

  it('keeps [CLS] and [SEP] and at most the bound of tokens however long the text', () => {
    const long = ids('data '.repeat(10_000), 256);
    expect(long).toHaveLength(256);
    expect(long[0]).toBe(2);
    expect(long.at(-1)).toBe(3);
    expect(ids('')).toEqual([2, 3]);
    expect(ids('x'.repeat(101))).toEqual([2, 1, 3]);
  });

  it('refuses a vocabulary without the special tokens it needs', () => {
    expect(() => vocabularyOf('a\nb')).toThrow("the encoder's vocabulary has no [UNK] token");
  });
});
