import { REGIONS } from '../catalog';

/** Where a description says the workload runs: the catalog region and the words it was read from. */
export interface StatedRegion {
  region: string;
  text: string;
}

// AWS's own names for its regions' locations (the console's region picker), lower case.
const PLACES: [RegExp, string][] = [
  [/\b(?:n(?:orth(?:ern)?)?\.? virginia|virginia)\b/, 'us-east-1'],
  [/\bohio\b/, 'us-east-2'],
  [/\bn(?:orth(?:ern)?)?\.? california\b/, 'us-west-1'],
  [/\boregon\b/, 'us-west-2'],
  [/\bfrankfurt\b/, 'eu-central-1'],
  [/\bz(?:u|ü)rich\b/, 'eu-central-2'],
  [/\b(?:ireland|dublin)\b/, 'eu-west-1'],
  [/\blondon\b/, 'eu-west-2'],
  [/\bparis\b/, 'eu-west-3'],
  [/\bstockholm\b/, 'eu-north-1'],
  [/\bmilan\b/, 'eu-south-1'],
  [/\bspain\b|\bmadrid\b/, 'eu-south-2'],
  [/\btokyo\b/, 'ap-northeast-1'],
  [/\bseoul\b/, 'ap-northeast-2'],
  [/\bosaka\b/, 'ap-northeast-3'],
  [/\bsingapore\b/, 'ap-southeast-1'],
  [/\bsydney\b/, 'ap-southeast-2'],
  [/\bjakarta\b/, 'ap-southeast-3'],
  [/\bmelbourne\b/, 'ap-southeast-4'],
  [/\bmumbai\b/, 'ap-south-1'],
  [/\bhyderabad\b/, 'ap-south-2'],
  [/\bhong kong\b/, 'ap-east-1'],
  [/\b(?:s(?:a|ã)o paulo)\b/, 'sa-east-1'],
  [/\b(?:montr(?:e|é)al|canada central)\b/, 'ca-central-1'],
  [/\bcalgary\b/, 'ca-west-1'],
  [/\bcape town\b/, 'af-south-1'],
  [/\bbahrain\b/, 'me-south-1'],
  [/\b(?:uae|united arab emirates)\b/, 'me-central-1'],
  [/\btel aviv\b/, 'il-central-1'],
];

/**
 * Countries, read only after a word that places something there ("hosted in
 * Germany", "users in Brazil", "based in Canada"), each its region with the
 * longest standing there (Canada's is Montréal, Australia's Sydney).
 */
const COUNTRIES: [string, string][] = [
  ['germany', 'eu-central-1'],
  ['switzerland', 'eu-central-2'],
  ['france', 'eu-west-3'],
  ['(?:uk|united kingdom|great britain|britain)', 'eu-west-2'],
  ['sweden', 'eu-north-1'],
  ['italy', 'eu-south-1'],
  ['japan', 'ap-northeast-1'],
  ['(?:south )?korea', 'ap-northeast-2'],
  ['australia', 'ap-southeast-2'],
  ['indonesia', 'ap-southeast-3'],
  ['india', 'ap-south-1'],
  ['brazil', 'sa-east-1'],
  ['canada', 'ca-central-1'],
  ['south africa', 'af-south-1'],
  ['israel', 'il-central-1'],
  ['california', 'us-west-1'],
];
const PLACED = '(?:in|within|near|inside|across|from|to|residents? of)';
const COUNTRY_RES: [RegExp, string][] = COUNTRIES.map(([name, region]) => [new RegExp(`\\b${PLACED} (?:the )?(${name})\\b`), region]);

/**
 * "EU only", "data must stay in the EU", "EU data residency", "hosted in
 * Europe": an area, not a region. It names the area's longest-standing, fully
 * priced region, as the constraint "region eu" does (constraints.ts).
 */
const AREAS: [RegExp, string][] = [
  [
    /\b(?:eu|europe(?:an union)?)[- ](?:only|resident|residency|hosted)\b|\b(?:eu|europe(?:an)?) data residency\b|\b(?:stay|stays|remain|remains|kept|keep|live|lives|stored|hosted|host(?:ed)?|run|runs|deployed|located|only) (?:with)?in (?:the )?(?:eu|europe|european union)\b/,
    'eu-west-1',
  ],
  [
    /\b(?:us|usa)[- ](?:only|resident|residency|hosted)\b|\b(?:stay|stays|remain|remains|kept|keep|stored|hosted|run|runs|deployed|located|only) (?:with)?in (?:the )?(?:us|usa|united states)\b/,
    'us-east-1',
  ],
];

const CODE = /\b([a-z]{2}-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-\d)\b/g;

/** A move, whose origin is where the workload will no longer run: "moving from Germany to France", "migrating off Frankfurt". */
const MOVE = /\b(?:mov(?:e|es|ed|ing)|migrat\w*|relocat\w*|transfer\w*|leav(?:e|es|ing)|switch\w*|exit\w*|repatriat\w*|consolidat\w*)\b/;
const ORIGIN_BEFORE =
  /(?:\b(?:from|out of|off|leaving|away from)|\b(?:currently|today|now|presently|still)\b(?:\s+[a-z-]+){0,3}\s+(?:in|on))\s+(?:the\s+|our\s+)?$/;

/**
 * The region a description states, by code ("in eu-west-1"), by the
 * location AWS names its region after ("hosted in Frankfurt"), by a country
 * ("users in Brazil") or by an area the data must stay in ("EU only"). A code
 * wins over a place, a place over a country and a country over an area. In a
 * move ("moving from Germany to France", "currently in Frankfurt, migrating to
 * Paris") the origin is where it will not run: it is passed over for the
 * destination, and a move with only an origin states no region. When the text
 * names several regions the first is used and the others are returned so the
 * caller can say so. Undefined when it states none.
 */
export function statedRegion(text: string): (StatedRegion & { others: StatedRegion[] }) | undefined {
  const lower = text.toLowerCase();
  const moving = MOVE.test(lower);
  const origin = (at: number) => moving && ORIGIN_BEFORE.test(lower.slice(Math.max(0, at - 40), at));
  const stages: (() => (StatedRegion & { at: number })[])[] = [
    () => [...lower.matchAll(CODE)].filter((m) => REGIONS.includes(m[1]!)).map((m) => ({ region: m[1]!, text: m[1]!, at: m.index })),
    () =>
      PLACES.flatMap(([re, region]) => {
        const m = re.exec(lower);
        return m ? [{ region, text: m[0], at: m.index }] : [];
      }),
    () =>
      COUNTRY_RES.flatMap(([re, region]) => {
        const m = re.exec(lower);
        // The place word is part of the match ("from germany"): the origin test reads what precedes the country.
        return m ? [{ region, text: m[1]!, at: m.index + m[0].length - m[1]!.length }] : [];
      }),
    () =>
      AREAS.flatMap(([re, region]) => {
        const m = re.exec(lower);
        return m ? [{ region, text: m[0], at: m.index }] : [];
      }),
  ];
  const left: StatedRegion[] = [];
  for (const stage of stages) {
    const found = stage().sort((a, b) => a.at - b.at);
    const [first, ...rest] = found.filter((f) => !origin(f.at)).map(({ region, text: words }) => ({ region, text: words }));
    left.push(...found.filter((f) => origin(f.at)).map(({ region, text: words }) => ({ region, text: words })));
    if (first) return { ...first, others: [...rest, ...left].filter((o) => o.region !== first.region) };
  }
  return undefined;
}
