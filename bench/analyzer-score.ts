// Scores workload analyses against the labelled descriptions of
// test/fixtures/workloads/: role right, and each dimension inside the range a
// competent SRE would accept. Shared by `npm run bench:analyzer` and the
// unit test that holds the analyzer to its goals.
import fs from 'node:fs';
import path from 'node:path';

export const DIMENSIONS = ['vcpu', 'memoryGib', 'storageGib', 'iops', 'networkGbps'] as const;
export type ScoredDimension = (typeof DIMENSIONS)[number];

export interface Labelled {
  text: string;
  role: string;
  vcpu?: [number, number];
  memoryGib?: [number, number];
  storageGib?: [number, number];
  iops?: [number, number];
  networkGbps?: [number, number];
  compliance?: string[];
  publicIngress?: boolean;
}

/** What is scored of an analysis: the CLI's shape. */
export interface Predicted {
  role: string;
  peak: { vcpu: number; memoryGib: number; iops: number; networkGbps: number };
  storageGib: number;
  compliance: string[];
  publicIngress: boolean;
}

export const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'workloads');

export function loadLabelled(file: string): Labelled[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as Labelled;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: ${(err as Error).message}`, { cause: err });
      }
    });
}

const valueOf = (p: Predicted, d: ScoredDimension) => (d === 'storageGib' ? p.storageGib : p.peak[d]);

export interface Score {
  n: number;
  roleRight: number;
  within: Record<ScoredDimension, { n: number; ok: number }>;
  /** Stated regimes found, of all stated; regimes reported that were not stated. */
  compliance: { stated: number; found: number; extra: number };
  ingress: { n: number; ok: number };
  misses: { text: string; what: string }[];
}

const regimeId = (regime: string) => regime.toLowerCase().replace(/[^a-z0-9]/g, '');

export function score(labelled: Labelled[], predict: (text: string) => Predicted): Score {
  const s: Score = {
    n: 0,
    roleRight: 0,
    within: Object.fromEntries(DIMENSIONS.map((d) => [d, { n: 0, ok: 0 }])) as Score['within'],
    compliance: { stated: 0, found: 0, extra: 0 },
    ingress: { n: 0, ok: 0 },
    misses: [],
  };
  for (const l of labelled) {
    const p = predict(l.text);
    s.n += 1;
    if (p.role === l.role) s.roleRight += 1;
    else s.misses.push({ text: l.text, what: `role ${p.role}, expected ${l.role}` });
    for (const d of DIMENSIONS) {
      const range = l[d];
      if (!range) continue;
      s.within[d].n += 1;
      const v = valueOf(p, d);
      if (v >= range[0] && v <= range[1]) s.within[d].ok += 1;
      else s.misses.push({ text: l.text, what: `${d} ${v}, expected ${range[0]}–${range[1]}` });
    }
    // A regime is one whatever its spelling in the labels: "iso27001" is the analyzer's "iso-27001".
    const stated = (l.compliance ?? []).map(regimeId);
    const found = p.compliance.map(regimeId);
    s.compliance.stated += stated.length;
    s.compliance.found += stated.filter((c) => found.includes(c)).length;
    s.compliance.extra += found.filter((c) => !stated.includes(c)).length;
    if (stated.some((c) => !found.includes(c)) || found.some((c) => !stated.includes(c)))
      s.misses.push({ text: l.text, what: `compliance ${JSON.stringify(p.compliance)}, expected ${JSON.stringify(stated)}` });
    if (l.publicIngress !== undefined) {
      s.ingress.n += 1;
      if (p.publicIngress === l.publicIngress) s.ingress.ok += 1;
      else s.misses.push({ text: l.text, what: `publicIngress ${p.publicIngress}, expected ${l.publicIngress}` });
    }
  }
  return s;
}

export const share = (ok: number, n: number) => (n ? Math.round((ok / n) * 1000) / 10 : 100);
