import type { Compliance } from '../persona';
import type { WorkloadKind } from './kinds';

// Each regime by its names and the data it is about ("cardholder data" is PCI DSS's own term, "PHI" HIPAA's).
const REGIMES: [Compliance, RegExp][] = [
  ['hipaa', /\bhipaa\b|\be?phi\b|protected health information|\bhitech\b|health insurance portability/],
  [
    'pci-dss',
    /\bpci(?:[- ]?dss)?\b|\bcardholder\b|card ?holder data|payment card (data|industry)|\bpan data\b|primary account numbers?|(credit|debit|payment) card (numbers|details|data)|\bcard numbers\b/,
  ],
  [
    'gdpr',
    /\bgdpr\b|\bdsgvo\b|\brgpd\b|general data protection regulation|\buk-gdpr\b|personal data of eu\b|\beu (citizens|residents)'? personal data/,
  ],
  ['sox', /\bsox\b|sarbanes[- ]oxley|\bsox-?404\b/],
  ['soc2', /\bsoc ?(2|ii)\b|\bsoc-2\b/],
  ['iso-27001', /\biso(\/iec)?[ /-]?27001\b|\biso 27k\b/],
  ['fedramp', /\bfedramp\b/],
  ['ferpa', /\bferpa\b|family educational rights/],
  ['ccpa', /\bccpa\b|\bcpra\b|california consumer privacy/],
  ['glba', /\bglba\b|gramm[- ]leach[- ]bliley/],
  // The other national privacy laws teams name: Brazil's, Canada's, South Africa's, Singapore's and Thailand's, India's.
  ['lgpd', /\blgpd\b|lei geral de proteção de dados/],
  ['pipeda', /\bpipeda\b/],
  ['popia', /\bpopia\b|protection of personal information act/],
  ['pdpa', /\bpdpa\b|personal data protection act/],
  ['dpdp', /\bdpdp\b|digital personal data protection/],
];

/** Every compliance regime the description names, in a stable order. */
export function complianceOf(text: string): Compliance[] {
  return REGIMES.filter(([, re]) => re.test(text)).map(([regime]) => regime);
}

const INTERNAL =
  /\b(internal(ly)?|intranet|private network|back[- ]?office|vpn[- ]only|behind (the|our) vpn|not public|employees only|in-house|ops team|internal-only|on the lan|office)\b/;
const PUBLIC =
  /\b(public(ly)?|internet[- ]facing|customer[- ]facing|user[- ]facing|(open|exposed|reachable|accessible|available) (to|from|over|on) (the )?(public )?internet|world[- ]wide|(connect\w*|upload\w*|coming in|come in|dial\w* in|log\w* in)( \w+){0,3} (over|from|via|through) (the )?(public )?internet|(pela|via|über das) internet)\b/;
const NOT_PUBLIC =
  /\b(not|never|no|nothing|nobody|no one|none of it|isn'?t|is not|won'?t be|without being)\s+(\w+\s+)?(public(ly)?( facing)?|internet[- ]facing|customer[- ]facing|user[- ]facing|exposed( to the internet)?|open to the internet|reachable from the internet|(connect|upload)\w* (from|over|via) the internet)\b/g;
/** Kinds that serve people on the internet unless the text says otherwise. */
const PUBLIC_KINDS: ReadonlySet<WorkloadKind> = new Set(['static-site', 'web-application', 'game-server', 'websocket-server']);
const PUBLIC_HINTS =
  /\b(varnish|cdn|website|web site|storefront|shop|landing page|mobile app|visitors|players|fans|customers (can |to )?(upload|drop|log in)|partners to upload|portal)\b/;

/**
 * Whether the workload faces the internet: said so, or of a kind that serves
 * people (sites, apps, game and WebSocket servers) and not called internal.
 * Data stores are internal unless the text says public. A public workload
 * gets ingress on 443 only; an internal one none from the internet.
 */
export function publicIngressOf(said: string, kind: WorkloadKind | 'unknown'): boolean {
  // "not internet-facing", "never exposed to the internet": a public word under a negation says internal.
  const text = said.replace(NOT_PUBLIC, ' internal-only ');
  if (INTERNAL.test(text) && !PUBLIC.test(text)) return false;
  if (PUBLIC.test(text)) return true;
  if (kind !== 'unknown' && PUBLIC_KINDS.has(kind))
    return !/\bmicroservices?\b|\bbehind (the|our|an) (gateway|load balancer)\b/.test(text) || PUBLIC_HINTS.test(text);
  return PUBLIC_HINTS.test(text) && (kind === 'cache' || kind === 'file-drop' || kind === 'file-share' || kind === 'object-storage');
}
