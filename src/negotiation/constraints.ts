import { z } from 'zod';
import { quote } from '../quote';
import { COMPLIANCE } from './persona';
import { CATALOG, REGIONS, SECURITY_LEVELS, STORAGE_KINDS } from './catalog';
import { closestPhrase, normalisePhrase } from './phrases';

/** A region of the catalog: every region the shipped EC2 data knows, priced or not. */
export const regionSchema = z.enum(REGIONS as [string, ...string[]], {
  message: `expected a region of the catalog, such as us-east-1 or eu-central-1 (all ${REGIONS.length}: mosaic catalog regions)`,
});

/** What a person or a policy adds to a negotiation: "region eu-west-1", "no burstable types", "at least 3000 IOPS"… */
export const userConstraintSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('region'),
      region: regionSchema,
    }),
    z.strictObject({ kind: z.literal('noBurstable') }),
    z.strictObject({
      kind: z.literal('minIops'),
      iops: z.number().int().positive().max(1e6, { message: 'expected at most 1,000,000 IOPS' }),
    }),
    z.strictObject({ kind: z.literal('minVcpu'), vcpu: z.number().positive().max(4096, { message: 'expected at most 4096 vCPUs' }) }),
    z.strictObject({
      kind: z.literal('minMemoryGb'),
      memoryGb: z.number().positive().max(65536, { message: 'expected at most 65536 GiB' }),
    }),
    z.strictObject({
      kind: z.literal('maxMonthlyUsd'),
      usd: z.number().positive().max(1e9, { message: 'expected at most 1,000,000,000 USD' }),
    }),
    z.strictObject({ kind: z.literal('maxHourlyUsd'), usd: z.number().positive().max(1e6, { message: 'expected at most 1,000,000 USD' }) }),
    z.strictObject({ kind: z.literal('families'), families: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ kind: z.literal('excludeFamilies'), families: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ kind: z.literal('arch'), arch: z.enum(['x86_64', 'arm64']) }),
    z.strictObject({ kind: z.literal('storage'), kinds: z.array(z.enum(STORAGE_KINDS)).min(1) }),
    z.strictObject({ kind: z.literal('redundantStorage') }),
    z.strictObject({ kind: z.literal('minSecurity'), level: z.enum(SECURITY_LEVELS) }),
    z.strictObject({ kind: z.literal('compliance'), regime: z.enum(COMPLIANCE) }),
    z.strictObject({ kind: z.literal('minHeadroom'), factor: z.number().min(1).max(10) }),
    /** Configurations already rejected, by proposal key. */
    z.strictObject({ kind: z.literal('exclude'), keys: z.array(z.string().min(1)).min(1) }),
  ],
  {
    message:
      'expected a constraint kind: region, noBurstable, minIops, minVcpu, minMemoryGb, maxMonthlyUsd, maxHourlyUsd, families, excludeFamilies, arch, storage, redundantStorage, minSecurity, compliance, minHeadroom',
  },
);
export type UserConstraint = z.infer<typeof userConstraintSchema>;

export class InvalidConstraint extends Error {
  readonly type = 'InvalidConstraint';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConstraint';
  }
}

const num = String.raw`(\d+(?:\.\d+)?)`;
const atLeast = String.raw`(?:at\s+least|min(?:imum)?(?:\s+of)?|>=|>|over|more\s+than|no\s+less\s+than)\s*`;
const atMost = String.raw`(?:at\s+most|under|max(?:imum)?(?:\s+of)?|below|less\s+than|no\s+more\s+than|not\s+more\s+than|up\s+to|cheaper\s+than|within|budget(?:\s+of)?|<=|<)\s*`;
const usd = String.raw`\$?\s*${num}\s*(?:usd|dollars?|\$)?\s*`;
const perMonth = String.raw`(?:(?:\/\s*|per\s+|an?\s+|each\s+)(?:month|mo)|monthly)`;
const perHour = String.raw`(?:(?:\/\s*|per\s+|an?\s+|each\s+)(?:hour|hr|h)|hourly)`;
const re = (source: string) => new RegExp(`^${source}$`);
const FAMILIES = new Set(CATALOG.families);
const familyList = (text: string) => text.split(/\s*,\s*|\s+(?:or|and|nor)\s+|\s+/).filter(Boolean);
/** Catalog families only: a bare "no m5" is a family, a bare "no idea" is not. */
const knownFamilies = (text: string) => {
  const families = familyList(text);
  return families.length && families.every((f) => FAMILIES.has(f)) ? families : undefined;
};
const ARCH: Record<string, 'arm64' | 'x86_64'> = {
  arm64: 'arm64',
  arm: 'arm64',
  aarch64: 'arm64',
  graviton: 'arm64',
  x86_64: 'x86_64',
  x86: 'x86_64',
  x64: 'x86_64',
  amd64: 'x86_64',
  intel: 'x86_64',
  amd: 'x86_64',
};
const STORAGE_WORDS: Record<string, string[]> = {
  ssd: ['gp3', 'io2', 'raid0-gp3', 'raid1-gp3', 'raid10-gp3'],
  hdd: ['st1'],
  'raid 0': ['raid0-gp3'],
  'raid 1': ['raid1-gp3'],
  'raid 10': ['raid10-gp3'],
};
// "Europe" and "US" name the area's longest-standing, fully priced region, not the first of the catalog's list.
const regionOfArea = (area: string) => (/^(?:eu|europe)/.test(area) ? 'eu-west-1' : 'us-east-1');

/** Each phrase and its common variants; text is normalised first (phrases.ts). A maker may decline (undefined). */
const PHRASES: [RegExp, (m: RegExpExecArray) => unknown][] = [
  [
    /^(?:region:?|in|in\s+region|located\s+in|hosted\s+in|deploy(?:ed)?\s+(?:to|in)|run\s+in)\s+([a-z0-9-]+)(?:\s+only)?$/,
    (m) => (/^(?:eu|europe|us|usa)$/.test(m[1]!) ? { kind: 'region', region: regionOfArea(m[1]!) } : { kind: 'region', region: m[1] }),
  ],
  [/^([a-z]{2}-[a-z]+-\d)(?:\s+only)?$/, (m) => ({ kind: 'region', region: m[1] })],
  [/^(?:in\s+(?:the\s+)?)?(europe|eu|usa|us)(?:\s+only)?$/, (m) => ({ kind: 'region', region: regionOfArea(m[1]!) })],
  [
    /^(?:no|not|without|avoid|exclude|never|don'?t\s+use|do\s+not\s+use)\s+(?:any\s+)?burst(?:able|ing)s?(?:\s+(?:instances?|instance\s+types?|types?|machines?|vms?|ones|famil(?:y|ies)|cpus?))?$/,
    () => ({ kind: 'noBurstable' }),
  ],
  [/^non-?\s?burstable(?:\s+(?:instances?|types?|machines?))?(?:\s+only)?$/, () => ({ kind: 'noBurstable' })],
  [/^no\s+(?:cpu\s+credits|t-series|t\s+series)$/, () => ({ kind: 'noBurstable' })],
  [re(`${atLeast}${num}\\s*iops`), (m) => ({ kind: 'minIops', iops: Number(m[1]) })],
  [re(`${num}\\+?\\s*iops(?:\\s+(?:or\\s+more|at\\s+least|min(?:imum)?))?`), (m) => ({ kind: 'minIops', iops: Number(m[1]) })],
  [re(`iops\\s*(?:of\\s+)?(?:${atLeast})?${num}`), (m) => ({ kind: 'minIops', iops: Number(m[1]) })],
  [re(`${atLeast}${num}\\s*v?(?:cpus?|cores?)`), (m) => ({ kind: 'minVcpu', vcpu: Number(m[1]) })],
  [
    re(`${num}\\+?\\s*v?(?:cpus?|cores?)(?:\\s+(?:or\\s+more|at\\s+least|min(?:imum)?))?`),
    (m) => ({ kind: 'minVcpu', vcpu: Number(m[1]) }),
  ],
  [re(`${atLeast}${num}\\s*gi?b(?:\\s+(?:of\\s+)?(?:memory|ram))?`), (m) => ({ kind: 'minMemoryGb', memoryGb: Number(m[1]) })],
  [
    re(`${num}\\+?\\s*gi?b\\s+(?:of\\s+)?(?:memory|ram)(?:\\s+(?:or\\s+more|at\\s+least|min(?:imum)?))?`),
    (m) => ({ kind: 'minMemoryGb', memoryGb: Number(m[1]) }),
  ],
  [re(`(?:memory|ram)\\s*(?:of\\s+)?(?:${atLeast})?${num}\\s*gi?b`), (m) => ({ kind: 'minMemoryGb', memoryGb: Number(m[1]) })],
  [re(`${atMost}${usd}${perMonth}`), (m) => ({ kind: 'maxMonthlyUsd', usd: Number(m[1]) })],
  [
    re(`${usd}${perMonth}\\s*(?:max(?:imum)?|at\\s+most|or\\s+less|tops|budget|limit)`),
    (m) => ({ kind: 'maxMonthlyUsd', usd: Number(m[1]) }),
  ],
  [
    re(`(?:monthly\\s+(?:budget|limit|cap)|budget\\s+per\\s+month)\\s*(?:of\\s+|is\\s+)?${usd}`),
    (m) => ({ kind: 'maxMonthlyUsd', usd: Number(m[1]) }),
  ],
  [re(`${atMost}${usd}${perHour}`), (m) => ({ kind: 'maxHourlyUsd', usd: Number(m[1]) })],
  [
    re(`${usd}${perHour}\\s*(?:max(?:imum)?|at\\s+most|or\\s+less|tops|budget|limit)`),
    (m) => ({ kind: 'maxHourlyUsd', usd: Number(m[1]) }),
  ],
  [
    re(`(?:hourly\\s+(?:budget|limit|cap)|budget\\s+per\\s+hour)\\s*(?:of\\s+|is\\s+)?${usd}`),
    (m) => ({ kind: 'maxHourlyUsd', usd: Number(m[1]) }),
  ],
  [/^(?:use\s+)?famil(?:y|ies):?\s+([a-z0-9, ]+?)(?:\s+only)?$/, (m) => ({ kind: 'families', families: familyList(m[1]!) })],
  [
    /^(?:use\s+)?([a-z0-9, ]+?)(?:\s+(?:instances?|types?|famil(?:y|ies)))?\s+only$/,
    (m) => (knownFamilies(m[1]!) ? { kind: 'families', families: knownFamilies(m[1]!) } : undefined),
  ],
  [
    /^(?:no|not|without|avoid|exclude|never)\s+famil(?:y|ies):?\s+([a-z0-9, ]+)$/,
    (m) => ({ kind: 'excludeFamilies', families: familyList(m[1]!) }),
  ],
  [
    /^(?:no|not|without|avoid|exclude|never|don'?t\s+use|do\s+not\s+use)\s+([a-z0-9, ]+?)(?:\s+(?:instances?|types?|famil(?:y|ies)))?$/,
    (m) => (knownFamilies(m[1]!) ? { kind: 'excludeFamilies', families: knownFamilies(m[1]!) } : undefined),
  ],
  [/^(?:no|not|without|avoid)\s+(?:graviton|arm|arm64)s?(?:\s+(?:instances?|types?))?$/, () => ({ kind: 'arch', arch: 'x86_64' })],
  [/^(?:no|not|without|avoid)\s+(?:intel|x86|x86_64)s?(?:\s+(?:instances?|types?))?$/, () => ({ kind: 'arch', arch: 'arm64' })],
  [
    /^(?:on\s+)?(arm64|arm|aarch64|graviton|x86_64|x86|x64|amd64|intel|amd)(?:\s+(?:only|instances?|types?|cpus?|processors?|architecture))*$/,
    (m) => ({ kind: 'arch', arch: ARCH[m[1]!] }),
  ],
  [/^storage:?\s+([a-z0-9-, ]+)$/, (m) => ({ kind: 'storage', kinds: STORAGE_WORDS[m[1]!] ?? m[1]!.split(/[\s,]+/).filter(Boolean) })],
  [
    /^(gp3|io2|st1|raid(?:0|1|10)-gp3|ssd|hdd|raid\s?(?:0|1|10))(?:\s+(?:storage|volumes?|disks?|only))*$/,
    (m) => ({ kind: 'storage', kinds: STORAGE_WORDS[m[1]!.replace(/^raid\s?/, 'raid ')] ?? STORAGE_WORDS[m[1]!] ?? [m[1]] }),
  ],
  [
    /^(?:redundant|mirrored|replicated|fault[- ]tolerant)\s+(?:storage|disks?|volumes?)$|^storage\s+redundancy$/,
    () => ({ kind: 'redundantStorage' }),
  ],
  [
    /^dedicated(?:\s+(?:tenancy|hosts?|instances?|hardware))?$|^single[- ]tenan(?:t|cy)$/,
    () => ({ kind: 'minSecurity', level: 'dedicated' }),
  ],
  [
    /^(?:kms|cmk|kms\s+encryption|encrypted(?:\s+with\s+(?:kms|a\s+customer[- ]managed\s+key))?|encryption(?:\s+at\s+rest)?|encrypt(?:ed)?\s+at\s+rest|customer[- ]managed\s+keys?)$/,
    () => ({ kind: 'minSecurity', level: 'kms' }),
  ],
  [
    /^(?:(?:comply|compliant|compliance|complies)\s+with\s+)?(pci[\s-]?dss|pci|hipaa|sox|gdpr)(?:\s+(?:compliant|compliance|compliant\s+only))?$/,
    (m) => ({ kind: 'compliance', regime: /^pci/.test(m[1]!) ? 'pci-dss' : m[1] }),
  ],
  [re(`(?:at\\s+least\\s+)?headroom\\s*(?:of\\s+)?x?${num}\\s*x?`), (m) => ({ kind: 'minHeadroom', factor: Number(m[1]) })],
  [re(`(?:at\\s+least\\s+)?x?${num}\\s*x\\s+headroom`), (m) => ({ kind: 'minHeadroom', factor: Number(m[1]) })],
];

const MAX_PHRASE = 200;

/** The phrases an error suggests from: `{n}` takes the number typed, or the example after `|`. */
export const KNOWN_PHRASES = [
  'region eu-west-1',
  'no burstable types',
  'at least {n} IOPS|3000',
  'at least {n} vCPUs|4',
  'at least {n} GiB memory|16',
  'at most {n} per month|200',
  'at most {n} per hour|0.5',
  'families m6i, c6i',
  'no families t3, t3a',
  'graviton only',
  'x86_64 only',
  'storage gp3',
  'redundant storage',
  'dedicated tenancy',
  'encrypted with kms',
  'must comply with PCI DSS',
  'headroom {n}x|2',
] as const;
/** The known phrases with their example numbers, as help texts and errors list them. */
export const PHRASE_EXAMPLES = KNOWN_PHRASES.map((p) => {
  const [template, example] = p.split('|') as [string, string | undefined];
  return template.replace('{n}', example ?? '');
});

/** Words the known phrases say otherwise, so the closest phrase is found by meaning as well as by spelling. */
const SYNONYMS: [RegExp, string][] = [
  [/\b(?:ram|mem)\b/g, 'GiB memory'],
  [/\b(?:cpus?|cores?|processors?)\b/g, 'vCPUs'],
  [/\b(?:mnth|mo|monthly)\b/g, 'per month'],
  [/\b(?:hr|hourly)\b/g, 'per hour'],
  [/\b(?:disks?|volumes?|ssd|hdd)\b/g, 'storage'],
  [/\b(?:budget|cheaper|price|cost|spend)\b/g, 'at most'],
  [/\b(?:minimum|min|more than)\b/g, 'at least'],
  [/\b(?:compliant|compliance)\b/g, 'comply with'],
  [/\b(?:encrypt(?:ed|ion)?)\b/g, 'encrypted with kms'],
];
const inKnownWords = (typed: string) => SYNONYMS.reduce((text, [re, word]) => text.replace(re, word), typed.toLowerCase());

/** A constraint as JSON, or as one of the phrases `mosaic negotiate constrain` accepts (and their common variants). */
export function parseConstraint(input: unknown): UserConstraint {
  let value = input;
  if (typeof input === 'string') {
    // Phrases are short; a bound keeps every pattern's work small whatever is sent.
    if (input.length > MAX_PHRASE)
      throw new InvalidConstraint(
        `a constraint phrase is at most ${MAX_PHRASE} characters; got ${input.length}: split it, e.g. "no burstable types"`,
      );
    const text = normalisePhrase(input);
    let match: unknown;
    for (const [pattern, make] of PHRASES) {
      const m = pattern.exec(text);
      if (m && (match = make(m)) !== undefined) break;
    }
    if (match === undefined) {
      throw new InvalidConstraint(
        `${quote(input)} is not a constraint I know; did you mean "${closestPhrase(inKnownWords(input), KNOWN_PHRASES)}"? Phrases I know: ${PHRASE_EXAMPLES.map((p) => `"${p}"`).join(', ')}`,
      );
    }
    value = match;
  }
  const parsed = userConstraintSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidConstraint(
      `constraint ${quote(input)}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'kind'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** How a constraint reads in messages. */
export function describeConstraint(c: UserConstraint): string {
  switch (c.kind) {
    case 'region':
      return `region ${c.region}`;
    case 'noBurstable':
      return 'no burstable types';
    case 'minIops':
      return `at least ${c.iops} IOPS`;
    case 'minVcpu':
      return `at least ${c.vcpu} vCPUs`;
    case 'minMemoryGb':
      return `at least ${c.memoryGb} GiB memory`;
    case 'maxMonthlyUsd':
      return `at most $${c.usd}/month`;
    case 'maxHourlyUsd':
      return `at most $${c.usd}/hour`;
    case 'families':
      return `families ${c.families.join(', ')}`;
    case 'excludeFamilies':
      return `no families ${c.families.join(', ')}`;
    case 'arch':
      return `${c.arch} only`;
    case 'storage':
      return `storage ${c.kinds.join(', ')}`;
    case 'redundantStorage':
      return 'redundant storage';
    case 'minSecurity':
      return `security ${c.level} or stronger`;
    case 'compliance':
      return `complies with ${c.regime}`;
    case 'minHeadroom':
      return `headroom ×${c.factor}`;
    case 'exclude':
      // A long list of rejected configurations reads as its first and a count.
      return c.keys.length <= 2 ? `not ${c.keys.join(', ')}` : `not ${c.keys[0]} or the ${c.keys.length - 1} other rejected configurations`;
  }
}
