// Policy decision cost: 1,000 active policies over 200 handler versions.
// Prints one JSON line: p50/p99 of evaluate() with compiled, cached
// expressions, next to a baseline that parses every expression again for each
// decision (what happens without the compile cache), and the ratio; then the
// per-operation cost of signing and verifying a policy.
//   npx tsx --expose-gc bench/pdl.ts   (--expose-gc lets phases start from a collected heap)
import { stringify } from 'yaml';
import { compileUncached } from '../src/pdl/compile';
import { evaluate, PolicySet } from '../src/pdl/evaluate';
import { parsePolicy } from '../src/pdl/parse';
import type { PolicyContext } from '../src/pdl/types';
import { generateKeyPair } from '../src/security/keys';
import { signDocument, verifyDocument, type Signable } from '../src/security/policy-signature';

const RESOURCE_TYPES = ['database', 'bucket', 'service', 'queue', 'cache', 'secret', 'vm', 'dns', 'cdn', 'function'];
const REGIONS = ['eu-', 'us-', 'ap-', 'sa-'];
const HANDLERS = Array.from({ length: 100 }, (_, i) => [`h${i}@1`, `h${i}@2`]).flat();

// Deterministic pseudo-random numbers so every run measures the same policies.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;

function policyText(i: number, resourceType: string): string {
  const stage = (name: string) => {
    const candidates = [pick(HANDLERS), pick(HANDLERS), pick(HANDLERS)];
    return {
      name,
      candidates: [...new Set(candidates)],
      forbid: [{ when: `handlers["${candidates[0]}"].errorRate > 0.${1 + (i % 8)}`, handlers: [candidates[0]] }],
      prefer: [{ when: `system.cpu > 0.${1 + (i % 8)}`, handlers: [candidates[1]], weight: 0.5 }],
      require: [{ when: 'request.security.classification in ["pci", "hipaa"]', handlers: ['encrypt-at-rest@1'] }],
    };
  };
  return stringify({
    apiVersion: 'mosaic/v1',
    kind: 'CompositionPolicy',
    metadata: { name: `policy-${i}`, version: 1 },
    spec: {
      match: `request.resourceType == "${resourceType}" && request.region.startsWith("${pick(REGIONS)}") && request.account != "blocked-${i}"`,
      priority: Math.floor(rand() * 1000),
      stages: [stage('validate'), { ...stage('provision'), after: ['validate'] }, { ...stage('secure'), after: ['provision'] }],
    },
  });
}

function context(): PolicyContext {
  return {
    request: {
      user: 'alice',
      account: 'acme',
      region: pick(['eu-west-1', 'us-east-1', 'ap-south-1', 'sa-east-1']),
      resourceType: pick(RESOURCE_TYPES),
      spec: {},
      security: { classification: pick(['internal', 'pci']), compliance: [], networkExposure: 'private' },
    },
    system: { cpu: rand(), memory: rand(), network: rand() },
    handlers: Object.fromEntries(
      HANDLERS.map((h) => [h, { latencyP50Ms: 100, latencyP95Ms: 400, errorRate: rand() / 2, calls: 100, cpuMs: 5, memoryMb: 10 }]),
    ),
  };
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}
const round = (ms: number) => Math.round(ms * 1000) / 1000;

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function decide(set: PolicySet, ctx: PolicyContext) {
  try {
    evaluate(set, ctx);
  } catch (err) {
    // NoMatchingPolicy is a decision too; anything else is a bench bug.
    if ((err as { type?: string }).type !== 'NoMatchingPolicy') throw err;
  }
}

function scenario(label: string, typeOf: (i: number) => string, contexts: PolicyContext[]) {
  const policies = Array.from({ length: 1000 }, (_, i) => parsePolicy(policyText(i, typeOf(i))));
  const set = new PolicySet(policies.map(compileUncached));
  for (let i = 0; i < 2000; i++) decide(set, contexts[i % contexts.length]!); // warm-up
  (globalThis as { gc?: () => void }).gc?.();
  const cached = contexts.map((ctx) => time(() => decide(set, ctx)));
  // Baseline: the same decisions, but every expression is parsed again each time.
  const baseline = contexts.slice(0, 30).map((ctx) => time(() => decide(new PolicySet(policies.map(compileUncached)), ctx)));
  const c = percentiles(cached);
  const b = percentiles(baseline);
  return {
    scenario: label,
    cachedMs: c,
    reparseMs: b,
    ratioP50: Math.round(b.p50 / c.p50),
    samples: { cached: cached.length, reparse: baseline.length },
  };
}

function signing() {
  const key = generateKeyPair();
  const trusted = new Map([[key.keyId, key.publicKeyPem]]);
  const policy = parsePolicy(policyText(1, 'database')) as Signable;
  let signed = signDocument(policy, key.privateKeyPem);
  const n = 2000;
  const signMs = time(() => {
    for (let i = 0; i < n; i++) signed = signDocument(policy, key.privateKeyPem);
  });
  const verifyMs = time(() => {
    for (let i = 0; i < n; i++) verifyDocument(signed, trusted);
  });
  return { signUs: round((signMs / n) * 1000), verifyUs: round((verifyMs / n) * 1000) };
}

const contexts = Array.from({ length: 2000 }, context);
const result = {
  bench: 'pdl',
  policies: 1000,
  handlerVersions: HANDLERS.length,
  results: [
    scenario('10 resource types', (i) => RESOURCE_TYPES[i % RESOURCE_TYPES.length]!, contexts),
    scenario(
      'one resource type (worst case)',
      () => 'database',
      contexts.map((c) => ({ ...c, request: { ...c.request, resourceType: 'database' } })),
    ),
  ],
  signing: signing(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
