// The workload analyzer against labelled descriptions written by people
// (test/fixtures/workloads/descriptions.jsonl, and holdout/ which the
// analyzer was not tuned on), side by side with the baseline it replaces: the
// bag-of-words text model trained on the template corpus. Prints role
// accuracy, the share inside the SRE-acceptable range per dimension,
// compliance found, ms per description and the model load time.
//   npm run bench:analyzer [-- --misses]
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import corpus from '../src/negotiation/data/workload-corpus.json';
import type { LabelledDescription } from '../src/negotiation/text-model';
import { DIMENSIONS, FIXTURES, loadLabelled, score, share, type Predicted, type Score } from './analyzer-score';

const showMisses = process.argv.includes('--misses');

function row(name: string, s: Score, ms?: number) {
  const dims = DIMENSIONS.map((d) => `${d} ${share(s.within[d].ok, s.within[d].n)}% (${s.within[d].n})`).join(', ');
  return `${name.padEnd(9)} role ${share(s.roleRight, s.n)}% of ${s.n}; within range: ${dims}; compliance found ${s.compliance.found}/${s.compliance.stated} (+${s.compliance.extra} unstated); public ingress ${share(s.ingress.ok, s.ingress.n)}%${ms !== undefined ? `; ${ms.toFixed(2)} ms/description` : ''}`;
}

async function main() {
  const sets = [
    ['tuned', loadLabelled(path.join(FIXTURES, 'descriptions.jsonl'))],
    ['holdout', loadLabelled(path.join(FIXTURES, 'holdout', 'descriptions.jsonl'))],
    // Written before any tuning on it, in phrasing unlike the other two sets (tickets, emails, bullet lists, non-native English, mixed units).
    ['varied', loadLabelled(path.join(FIXTURES, 'varied', 'descriptions.jsonl'))],
  ] as const;

  // Load time: the analyzer's modules (compromise's lexicon, js-quantities) and its first analysis.
  const t0 = performance.now();
  const { analyzeDescription } = await import('../src/negotiation/workload/analyze');
  analyzeDescription('warm up: postgres with 10 GB');
  const loadMs = performance.now() - t0;

  const t1 = performance.now();
  const { TextModel } = await import('../src/negotiation/text-model');
  const baseline = await TextModel.train(corpus.examples as unknown as LabelledDescription[]);
  const baselineLoadMs = performance.now() - t1;

  const lines: string[] = [];
  const summary: Record<string, unknown> = { loadMs: Math.round(loadMs), baselineLoadMs: Math.round(baselineLoadMs) };
  for (const [name, labelled] of sets) {
    let analyzerMs = 0;
    const analyzer = score(labelled, (text) => {
      const t = performance.now();
      const a = analyzeDescription(text);
      analyzerMs += performance.now() - t;
      return a;
    });
    let baselineMs = 0;
    const old = score(labelled, (text): Predicted => {
      const t = performance.now();
      const p = baseline.predict(text);
      baselineMs += performance.now() - t;
      return {
        role: p.role,
        peak: {
          vcpu: p.profile.cpu.peak,
          memoryGib: p.profile.memoryGb.peak,
          iops: p.profile.iops.peak,
          networkGbps: p.profile.networkGbps.peak,
        },
        storageGib: p.profile.storageGb,
        compliance: [],
        publicIngress: false,
      };
    });
    lines.push(`== ${name} (${labelled.length} descriptions)`);
    lines.push(row('analyzer', analyzer, analyzerMs / labelled.length));
    lines.push(row('baseline', old, baselineMs / labelled.length));
    const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(2)}×` : 'n/a');
    lines.push(
      `ratio     role ${ratio(analyzer.roleRight, old.roleRight)}; ${DIMENSIONS.map((d) => `${d} ${ratio(analyzer.within[d].ok, old.within[d].ok)}`).join(', ')}`,
    );
    if (showMisses) for (const m of analyzer.misses) lines.push(`  miss: ${m.what} — ${m.text}`);
    summary[name] = {
      n: analyzer.n,
      role: share(analyzer.roleRight, analyzer.n),
      ...Object.fromEntries(DIMENSIONS.map((d) => [d, share(analyzer.within[d].ok, analyzer.within[d].n)])),
      compliance: `${analyzer.compliance.found}/${analyzer.compliance.stated}`,
      msPerDescription: Math.round((analyzerMs / labelled.length) * 100) / 100,
      baselineRole: share(old.roleRight, old.n),
    };
  }
  baseline.dispose();
  lines.push(
    `model load ${Math.round(loadMs)} ms (baseline text model trains in ${Math.round(baselineLoadMs)} ms); goals: role ≥ 90 %, vCPU/memory/storage ≥ 80 %, ≤ 50 ms per description, load ≤ 3 s`,
  );
  console.log(lines.join('\n'));
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
