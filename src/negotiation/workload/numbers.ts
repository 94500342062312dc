import nlp from 'compromise';
import { readsAsDottedClock } from './working-hours';
import { expandShorthand, spellOutFields } from './shorthand';
import { inEnglishTerms } from './glossary';

/** A stated range ("5-10k rps", "between 1 and 2 TB"): the analysis sizes for its top. */
export interface StatedRange {
  low: number;
  high: number;
  text: string;
}

export interface NormalisedText {
  /** Lower-case, numbers as digits ("two terabytes" → "2 terabytes", "20k" → "20000"), ranges as their top. */
  text: string;
  ranges: StatedRange[];
  /** Vague amounts read as a figure ("a few hundred" → 300): the analysis is less sure of them. */
  vague: string[];
}

const NUMBER_WORDS =
  'zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half';
// A run of number words, "two thousand five hundred", "one and a half", "twenty-five", "half a million".
const WORD_RUN = new RegExp(`(?<!\\d\\s?)\\b(?:${NUMBER_WORDS})(?:(?:[\\s-]+|\\s+and\\s+|\\s+a\\s+)(?:${NUMBER_WORDS}))*\\b`, 'g');
const SCALE: Record<string, number> = { dozen: 12, hundred: 1e2, thousand: 1e3, million: 1e6, billion: 1e9 };
const VAGUE: Record<string, number> = {
  few: 3,
  'a few': 3,
  several: 5,
  couple: 2,
  'a couple': 2,
  'a couple of': 2,
  'couple of': 2,
  'a handful of': 5,
};

const n = (s: string) => Number(s);
/** "one hundred and twenty-five thousand three hundred" is eight words. */
const MAX_NUMBER_WORDS = 8;
const MAX_NUMBER_RUNS = 40;

// The same few runs ("one", "two thousand") recur across descriptions: parsed once each.
const parsed = new Map<string, string>();
function wordsToDigits(run: string): string {
  let out = parsed.get(run);
  if (out === undefined) {
    const values = nlp(run).numbers().get() as number[];
    out = values.length === 1 && Number.isFinite(values[0]) ? fmt(values[0]!) : run;
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(run, out);
  }
  return out;
}
const fmt = (v: number) => String(Math.round(v * 1e6) / 1e6);
/** A power written out, or the text as it was when the figure is past any quantity a workload states (the range checks refuse it then). */
const power = (written: string, v: number) => (Number.isFinite(v) && v <= 1e15 ? fmt(v) : written);

const DOTTED_CLOCK = /^(\d{1,2})\.([0-5]\d)$/;
/** "9.30 to 17.30 weekdays" is a working day (working-hours.ts reads it), not a range of decimals sized for 17.3. */
function isDottedClockRange(a: string, b: string, before: string, after: string): boolean {
  const [from, to] = [DOTTED_CLOCK.exec(a), DOTTED_CLOCK.exec(b)];
  return !!from && !!to && Number(from[1]) <= 24 && Number(to[1]) <= 24 && readsAsDottedClock(before, after);
}

/**
 * Puts every number of a description in digits so one scanner reads them all.
 * Number words go through compromise's number parser (it knows "two thousand
 * five hundred" and "one and a half"); only the runs of number words are
 * handed to it, which keeps it to a few milliseconds and away from words like
 * "second" that it would read as ordinals. Suffixes (k, M, bn), thousands
 * separators, vague amounts and ranges are plain text rules.
 */
export function normaliseNumbers(input: string): NormalisedText {
  const ranges: StatedRange[] = [];
  const vague: string[] = [];
  let t = inEnglishTerms(spellOutFields(input))
    .replace(/[×✕]/g, ' x ')
    // "nats-server 2.10 w/ JetStream": "w/" is "with", not weeks after a version.
    .replace(/(^|\s)w\/(?=\s)/gi, '$1with')
    .replace(/\s[—–]\s/g, ', ')
    .replace(/(\d)\s*[–—]\s*(\d)/g, '$1-$2')
    .replace(
      /\b4k\b(?=\s*(?:video|footage|uhd|hdr|content|streams?|render|h\.?26|resolution|frames?|images?|textures?|displays?|monitors?|screens?|tvs?|output))/gi,
      'uhd',
    )
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    // "2 000 TPS", "10 000": thousands grouped by a no-break or thin space (SI style) are one number.
    .replace(/(\d)[\u00a0\u202f\u2009](?=\d{3}\b)/g, '$1')
    // "10^6", "1e5": powers of ten as engineers type them.
    .replace(/(?<![\w.])(\d+(?:\.\d+)?)\s?(?:\^|\*\*)\s?(\d{1,2})\b/g, (m, b: string, e: string) => power(m, n(b) ** Number(e)))
    .replace(/(?<![\w.])(\d+(?:\.\d+)?)e(\d{1,2})\b/gi, (m, v: string, e: string) => power(m, n(v) * 10 ** Number(e)));
  // "MEDIA-118 Transcoding worker", "[PLAT-4821]": a ticket's key counts nothing (not standards: "ISO-27001", "SOC-2").
  t = t.replace(/(?<![\w-])(?!(?:ISO|IEC|NIST|SOC|FIPS|RFC|SP|CVE|EN|DIN|BS|PCI)-)[A-Z][A-Z0-9]{1,11}-\d{2,7}(?![\w.-])/g, 'ticket');
  // "MSSQL 2019 Standard VM", "Windows Server 2022 print server": a product's release year counts nothing.
  t = t.replace(
    /\b(sql server|mssql|windows server|windows|exchange server|exchange|sharepoint server|sharepoint|dynamics (?:ax|nav|gp)|visual studio|team foundation server|tfs)\s+(?:199\d|20[0-4]\d)\b/gi,
    '$1 release',
  );
  // Case matters for M (million) against m (minutes, metres): "1.5M DAU", "5M active series".
  t = t.replace(/(?<![\d.])(\d+(?:\.\d+)?)\s?M\b(?!i?B|bps|Hz)/g, (_, v: string) => fmt(n(v) * 1e6));
  t = t.toLowerCase();
  t = t.replace(
    /(?<![\d.])(\d+(?:\.\d+)?)\s?m\b(?=\s+(?:users|dau|mau|rows|records|events|documents|docs|keys|items|players|customers|series|requests|messages|devices|entities|products|place))/g,
    (_, v: string) => fmt(n(v) * 1e6),
  );
  // Ranges whose suffix is written once: "5-10k rps" is 5000 to 10000.
  t = t.replace(/(?<![\d.])(\d+(?:\.\d+)?)\s*(?:-|to)\s*(\d+(?:\.\d+)?)\s?(k|bn)\b(?!b|ib)/g, (_, a: string, b: string, s: string) => {
    const f = s === 'k' ? 1e3 : 1e9;
    return `${fmt(n(a) * f)}-${fmt(n(b) * f)}`;
  });
  t = t
    .replace(/(?<![\d.])(\d+(?:\.\d+)?)\s?k\b(?!b|ib)/g, (_, v: string) => fmt(n(v) * 1e3))
    .replace(/(?<![\d.])(\d+(?:\.\d+)?)\s?(?:bn|mm|mil)\b/g, (m, v: string) => fmt(n(v) * (m.endsWith('bn') ? 1e9 : 1e6)));
  // The count written after its name, as dashboards show it: "DAU 2M", "MAU: 40k", "CCU ~5000".
  t = t.replace(
    /\b(dau|mau|ccu|pcu)\s*(?:of|:|=|~|≈|is|around|about|approx\.?)?\s*~?\s*(\d+(?:\.\d+)?)\b(?!\s*(?:dau|mau|ccu|pcu)\b)/g,
    '$2 $1',
  );

  // Vague amounts: "a few hundred", "several thousand", "hundreds of", "a dozen".
  t = t.replace(
    /\b(a few|few|several|a couple(?: of)?|couple(?: of)?|a handful of)\s+(dozen|hundred|thousand|million|billion)s?\b/g,
    (m, q: string, s: string) => {
      vague.push(m);
      return fmt((VAGUE[q] ?? 3) * SCALE[s]!);
    },
  );
  t = t.replace(/\b(tens of thousands|hundreds of thousands|hundreds|thousands|millions|billions|dozens) of\b/g, (m, q: string) => {
    vague.push(m);
    const v: Record<string, number> = {
      'tens of thousands': 3e4,
      'hundreds of thousands': 3e5,
      hundreds: 300,
      thousands: 3000,
      millions: 3e6,
      billions: 3e9,
      dozens: 36,
    };
    return `${fmt(v[q]!)}`;
  });
  t = t.replace(/\bhalf a dozen\b/g, '6').replace(/\ba dozen\b/g, '12');
  // "half a terabyte", "a quarter of a petabyte", "a terabyte": a unit counted in words.
  const SIZE_WORD = '(kb|mb|gb|tb|pb|kib|mib|gib|tib|pib|kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?|gig|gigs)';
  t = t
    .replace(new RegExp(`\\bhalf an? ${SIZE_WORD}\\b`, 'g'), '0.5 $1')
    .replace(new RegExp(`\\ba quarter of an? ${SIZE_WORD}\\b`, 'g'), '0.25 $1')
    .replace(new RegExp(`(?<![\\d.]\\s?)\\b(?:a|one) ${SIZE_WORD}\\b`, 'g'), '1 $1');
  t = t.replace(/\b(a few|a couple of|a couple|a handful of|several)\b(?=\s+(?:\w+\s+)?[a-z])/g, (m, q: string) => {
    vague.push(m);
    return fmt(VAGUE[q] ?? 3);
  });
  // "keep a fortnight", "only keep an hour", "kept for a year", "once a minute", "every minute".
  t = t
    .replace(/\b(?:a|one)\s+fortnight\b/g, '14 days')
    .replace(
      /\b(keep|kept|retain|retained|retention(?: of)?|for|store|stored for|history of)\s+(only\s+)?(?:a|an)\s+(hour|day|week|month|year)\b/g,
      '$1 $21 $3',
    )
    .replace(/\bonce (?:a|an|per|every) (second|minute|hour|day|week|month)\b/g, 'every 1 $1')
    .replace(/\b(every|each) (second|minute|hour)\b/g, '$1 1 $2');

  // "finish within a weekend (about 48 hours)", "done over the weekend": a window named by the time it spans.
  t = t
    .replace(
      /\b(within|in|over|during) (?:a|the|one|un|une|uno|una|ein|een) (?:weekend|night|day|week|shift)\s*\(\s*(?:about |around |roughly |~\s?)?(\d+(?:\.\d+)?\s?(?:hours?|h|days?))\s*\)/g,
      '$1 $2',
    )
    .replace(/\b(finish\w*|done|complete\w*|ready) (?:within|in|over) (?:a|the) weekend\b/g, '$1 within 48 hours');
  // "a quarter million gets", "three quarters of a million users": the fraction of a scale word.
  t = t.replace(/\b(a|one|three) quarters? (?:of an? )?(thousand|million|billion)\b/g, (_, q: string, s: string) =>
    fmt((q === 'three' ? 0.75 : 0.25) * SCALE[s]!),
  );
  let runs = 0;
  t = t.replace(WORD_RUN, (run) => {
    // Nobody writes a number in more than a few words, nor a description with dozens of them:
    // longer runs and later ones are left as they are, which bounds the parser's work.
    if (/^half$/.test(run) || run.split(/[\s-]+/).length > MAX_NUMBER_WORDS || ++runs > MAX_NUMBER_RUNS) return run;
    return wordsToDigits(run);
  });
  // "two and a half terabytes", "1 and a quarter million": the word runs stop at "and a", so the fraction is added here.
  t = t.replace(/(?<![\d.])(\d+(?:\.\d+)?) and an? (half|quarter)\b/g, (_, v: string, f: string) =>
    fmt(n(v) + (f === 'half' ? 0.5 : 0.25)),
  );
  t = t.replace(/\ba (hundred|thousand|million|billion)\b/g, '1 $1');
  // "1.5 million", "30 thousand", "2 billion".
  t = t.replace(/(?<![\d.])(\d+(?:\.\d+)?)\s+(hundred|thousand|million|billion)\b/g, (_, v: string, s: string) => fmt(n(v) * SCALE[s]!));

  // Ranges: size for the top. "between 1 and 2 tb", "20-30 transactions", "2-3 builds", "5000-10000 rps".
  // Not clock times: "from 2 to 3am" is a time of day (working-hours.ts), not "3am".
  const clock = '(?!\\s*(?:am|pm|a\\.m\\.|p\\.m\\.)(?![a-z]))';
  t = t.replace(new RegExp(`\\bbetween (\\d+(?:\\.\\d+)?) and (\\d+(?:\\.\\d+)?)${clock}`, 'g'), (m, a: string, b: string) => {
    ranges.push({ low: n(a), high: n(b), text: m });
    return b;
  });
  t = t.replace(
    new RegExp(`(?<![\\d.:])(\\d+(?:\\.\\d+)?)\\s?(?:-|to)\\s?(\\d+(?:\\.\\d+)?)(?![\\d:])${clock}`, 'g'),
    (m, a: string, b: string, at: number, whole: string) => {
      if (n(b) <= n(a) || isDottedClockRange(a, b, whole.slice(0, at), whole.slice(at + m.length))) return m;
      ranges.push({ low: n(a), high: n(b), text: m });
      return b;
    },
  );
  return { text: expandShorthand(t.replace(/~/g, ' ~').replace(/\s+/g, ' ').trim()), ranges, vague };
}
