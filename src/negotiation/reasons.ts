import { CATALOG, REGIONS } from './catalog';
import { parseConstraint, type UserConstraint } from './constraints';
import { closeWords, normalisePhrase } from './phrases';

/** What a rejection can be about; each moves the next round its own way (feedback.ts). */
export const REJECT_REASONS = ['cost', 'performance', 'family', 'region', 'storage', 'security'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What a reason in words says: the topics it names, and what it names exactly (a region, families, a limit). */
export interface ReadReason {
  reasons: RejectReason[];
  /** Regions the words ask for ("in Europe", "eu-west-1"). */
  regions: string[];
  /** Families the words name ("no t3", "not m5"): the next round avoids them. */
  families: string[];
  /** Clauses that read as constraints of their own ("at most 200 per month"). */
  constraints: UserConstraint[];
  /** The words that made each topic, for the history: `cost ← "expensive"`. */
  evidence: { reason: RejectReason; word: string }[];
}

/**
 * Words (and stems, as prefixes) that name each topic. Kept to words a
 * person uses about a proposal: "slow" is performance, "disk" is storage.
 * Multi-word cues are matched on the whole text first.
 */
const CUES: Record<RejectReason, { words: string[]; stems: string[]; phrases: RegExp[] }> = {
  cost: {
    words: ['cost', 'costs', 'costly', 'price', 'prices', 'priced', 'pricey', 'pricy', 'budget', 'money', 'bill', 'spend', 'cheap', 'usd'],
    stems: ['expens', 'cheaper', 'cheapest', 'afford', 'overpric', 'overbudget', 'econom'],
    phrases: [/\btoo much\b(?! (?:memory|ram|cpu|storage|disk))/, /\$\s?\d/, /\bper month\b/, /\ba month\b/],
  },
  performance: {
    words: [
      'slow',
      'slower',
      'sluggish',
      'weak',
      'small',
      'tiny',
      'underpowered',
      'cpu',
      'cpus',
      'vcpu',
      'vcpus',
      'ram',
      'memory',
      'latency',
      'throughput',
      'capacity',
      'headroom',
      'power',
      'faster',
      'fast',
      'bigger',
      'larger',
      'load',
      'cores',
    ],
    stems: ['perform', 'underpower', 'undersiz', 'scal'],
    phrases: [/\bnot enough\b/, /\bmore (?:cpu|vcpus?|memory|ram|power|headroom|capacity|cores)\b/, /\btoo small\b/],
  },
  family: {
    words: ['family', 'families', 'burstable', 'graviton', 'arm', 'intel', 'amd', 'generation', 'series'],
    stems: [],
    phrases: [
      /\b(?:another|different|other|wrong) (?:kind|type|instance|family|machine)\b/,
      /\b(?:instance|machine|vm) (?:type|family|kind)\b/,
    ],
  },
  region: {
    words: [
      'region',
      'regions',
      'europe',
      'european',
      'eu',
      'america',
      'usa',
      'gdpr',
      'residency',
      'location',
      'located',
      'zone',
      'continent',
      'closer',
      'far',
    ],
    stems: ['geograph', 'sovereign'],
    phrases: [/\bin the us\b/, /\bdata (?:must )?stay\b/],
  },
  storage: {
    words: ['storage', 'disk', 'disks', 'volume', 'volumes', 'iops', 'hdd', 'ssd', 'raid', 'gp3', 'io2', 'st1', 'space', 'ebs'],
    stems: ['redundan', 'mirror'],
    phrases: [],
  },
  security: {
    words: [
      'secure',
      'security',
      'insecure',
      'kms',
      'dedicated',
      'tenancy',
      'compliance',
      'compliant',
      'pci',
      'hipaa',
      'sox',
      'isolation',
      'isolated',
      'tenant',
      'cmk',
    ],
    stems: ['encrypt', 'complian', 'isolat'],
    phrases: [/\bcustomer[- ]managed key\b/],
  },
};

/** Where "eu", "europe", "us" point to among the catalog's regions. */
function regionsNamed(text: string): string[] {
  const named = REGIONS.filter((r) => text.includes(r));
  if (named.length) return named;
  if (/\b(?:eu|europe|european|gdpr)\b/.test(text)) return REGIONS.filter((r) => r.startsWith('eu-'));
  if (/\b(?:usa|america|american|in the us|us[- ]based)\b/.test(text)) return REGIONS.filter((r) => r.startsWith('us-'));
  return [];
}

/** Families of the catalog the words name, e.g. "no t3" or "not m5 or c5". */
function familiesNamed(words: string[]): string[] {
  const known = new Set(CATALOG.families);
  return [...new Set(words.filter((w) => known.has(w)))];
}

/**
 * Reads a reason written in words — "too expensive", "needs more CPU",
 * "must stay in Europe", "we don't use t3" — as the topics it is about, the
 * regions and families it names and any clause that is a constraint of its
 * own. Misspelt words one letter off ("expnsive") still count. Pure.
 */
export function interpretReason(text: string | undefined): ReadReason {
  const out: ReadReason = { reasons: [], regions: [], families: [], constraints: [], evidence: [] };
  if (!text?.trim()) return out;
  // A clause that is itself a constraint ("…, at most 200 per month") is taken as said; the rest is read for topics.
  const rest: string[] = [];
  for (const clause of normalisePhrase(text).split(/\s*(?:[,;:.!?]|\bbut\b|\band\b|\bso\b)(?:\s+|$)/)) {
    if (!clause) continue;
    try {
      out.constraints.push(parseConstraint(clause));
    } catch {
      rest.push(clause);
    }
  }
  const normal = rest.join(' , ');
  const words = normal.split(/[^a-z0-9$.-]+/).filter(Boolean);
  const add = (reason: RejectReason, word: string) => {
    if (!out.reasons.includes(reason)) out.reasons.push(reason);
    if (!out.evidence.some((e) => e.reason === reason)) out.evidence.push({ reason, word });
  };
  for (const reason of REJECT_REASONS) {
    const cue = CUES[reason];
    const phrase = cue.phrases.map((re) => re.exec(normal)).find(Boolean);
    if (phrase) add(reason, phrase[0]);
    for (const w of words) {
      if (cue.words.includes(w) || cue.stems.some((s) => w.startsWith(s))) add(reason, w);
      // One letter off a cue of five letters or more is a slip of the keyboard, not another word.
      else if (w.length >= 5 && cue.words.some((c) => c.length >= 5 && closeWords(w, c))) add(reason, w);
      else if (cue.stems.some((c) => c.length >= 5 && [c.length - 1, c.length, c.length + 1].some((n) => closeWords(w.slice(0, n), c))))
        add(reason, w);
    }
  }
  out.regions = regionsNamed(normal);
  if (out.regions.length) add('region', out.regions.join(', '));
  out.families = familiesNamed(words);
  if (out.families.length) add('family', out.families.join(', '));
  return out;
}
