// The workload analyzer against labelled descriptions written by people
// (test/fixtures/workloads/descriptions.jsonl, holdout/ which the analyzer
// was not tuned on, varied/, and outside/, fresh/ … fresh12/ from reviewers
// who never saw the code), side by side with the baseline it replaces: the
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
    // Written by two reviewers who never saw the code, their ranges as they gave them (2026-12-07): the first 70 were
    // scored and then fixed from; the last 60 were first scored after those fixes (docs/workload-analyzer.md has both).
    ['outside', loadLabelled(path.join(FIXTURES, 'outside', 'descriptions.jsonl'))],
    // 50 more from a third reviewer who never saw the code (2026-12-07, later in the day), first scored after every fix
    // from the 130 above; fixed from afterwards (docs/workload-analyzer.md has the first-sight and the later figures).
    ['fresh', loadLabelled(path.join(FIXTURES, 'fresh', 'descriptions.jsonl'))],
    // 40 from a fourth reviewer, written and first scored after every fix above, and not tuned on: the held-out figure.
    ['fresh2', loadLabelled(path.join(FIXTURES, 'fresh2', 'descriptions.jsonl'))],
    // 60 from a fifth reviewer (2026-12-07, evening), first scored before any fix from them, then fixed from.
    ['fresh3', loadLabelled(path.join(FIXTURES, 'fresh3', 'descriptions.jsonl'))],
    // 50 from a sixth reviewer, first scored after every fix above (2026-12-07), then fixed from in the next round.
    ['fresh4', loadLabelled(path.join(FIXTURES, 'fresh4', 'descriptions.jsonl'))],
    // 50 from a seventh reviewer, first scored after every fix above (2026-12-07, evening), then fixed from.
    ['fresh5', loadLabelled(path.join(FIXTURES, 'fresh5', 'descriptions.jsonl'))],
    // 50 from an eighth reviewer, first scored after every fix above, then fixed from (kinds, brokers, wide-column stores).
    ['fresh6', loadLabelled(path.join(FIXTURES, 'fresh6', 'descriptions.jsonl'))],
    // 50 from a ninth reviewer, first scored at 82 / 72 / 56 / 50 % (role, vCPU, memory, storage), then fixed from.
    ['fresh7', loadLabelled(path.join(FIXTURES, 'fresh7', 'descriptions.jsonl'))],
    // 50 from a tenth, first scored after every fix from fresh7 at 94 / 60 / 70 / 38 %, then fixed from.
    ['fresh8', loadLabelled(path.join(FIXTURES, 'fresh8', 'descriptions.jsonl'))],
    // 50 from an eleventh, first scored after every fix from fresh8 at 88 / 50 / 48 / 36 %: the held-out figure (two
    // regressions it showed, in rules written this round, were then fixed; nothing else was tuned on it).
    ['fresh9', loadLabelled(path.join(FIXTURES, 'fresh9', 'descriptions.jsonl'))],
    // 50 from a twelfth, first scored (2026-12-08) after the fixes drawn from misses several reviewers shared, at
    // 90 / 64 / 52 / 44 %; the code before those fixes scored it 90 / 60 / 52 / 36 %.
    ['fresh10', loadLabelled(path.join(FIXTURES, 'fresh10', 'descriptions.jsonl'))],
    // 50 from a thirteenth, first scored after the round's later fixes (render-farm shares, one-machine engines' spill,
    // unknown kinds' disk) at 90 / 72 / 62 / 38 %; the code at the round's start scored 88 / 64 / 62 / 40 %.
    ['fresh11', loadLabelled(path.join(FIXTURES, 'fresh11', 'descriptions.jsonl'))],
    // 50 from a fourteenth, first scored after machine sizes for cores and memory, JVM floors and cache cores, at
    // 84 / 72 / 70 / 24 %; the code at the round's start scored 82 / 62 / 58 / 26 %. One reading error fixed from it.
    ['fresh12', loadLabelled(path.join(FIXTURES, 'fresh12', 'descriptions.jsonl'))],
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

  // The semantic part, as the worker and the CLI load it: the encoder's thread, its weights and the exemplars' vectors.
  const { loadConfig } = await import('../src/config');
  const { SemanticKinds } = await import('../src/encoder/semantic-kinds');
  const { analyzeWithLikeness } = await import('../src/encoder/likeness');
  const { ROLE_OF } = await import('../src/negotiation/workload/kinds');
  const t2 = performance.now();
  const kinds = await SemanticKinds.load(loadConfig().cacheDir);
  const encoderLoadMs = performance.now() - t2;

  const lines: string[] = [];
  const summary: Record<string, unknown> = {
    loadMs: Math.round(loadMs),
    encoderLoadMs: Math.round(encoderLoadMs),
    baselineLoadMs: Math.round(baselineLoadMs),
  };
  for (const [name, labelled] of sets) {
    // The analyzer as shipped: the rules, and the encoder's nearest kind for what they cannot place.
    let analyzerMs = 0;
    const analyses = new Map<string, Awaited<ReturnType<typeof analyzeWithLikeness>>>();
    for (const { text } of labelled) {
      const t = performance.now();
      analyses.set(text, await analyzeWithLikeness(text, {}, { of: (x) => kinds.guess(x) }));
      analyzerMs += performance.now() - t;
    }
    const analyzer = score(labelled, (text) => analyses.get(text)!);
    // The semantic part alone, on every description: the role of its nearest kind.
    let encoderMs = 0;
    let encoderRight = 0;
    for (const { text, role } of labelled) {
      const t = performance.now();
      const guess = await kinds.guess(text);
      encoderMs += performance.now() - t;
      if ((guess ? ROLE_OF[guess.kind] : 'unknown') === role) encoderRight += 1;
    }
    const byLikeness = [...analyses.values()].filter((a) => a.likeness).length;
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
    lines.push(
      `encoder   alone${name === 'tuned' ? ' (these are its exemplars)' : ''}: role ${share(encoderRight, labelled.length)}%, ${(encoderMs / labelled.length).toFixed(2)} ms/description; placed ${byLikeness} the rules could not`,
    );
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
      encoderAloneRole: share(encoderRight, labelled.length),
      encoderMsPerDescription: Math.round((encoderMs / labelled.length) * 100) / 100,
      placedByLikeness: byLikeness,
    };
  }
  baseline.dispose();
  await kinds.close();
  lines.push(
    `model load ${Math.round(loadMs)} ms, sentence encoder ${Math.round(encoderLoadMs)} ms (baseline text model trains in ${Math.round(baselineLoadMs)} ms); goals: role ≥ 90 %, vCPU/memory/storage ≥ 80 %, ≤ 50 ms per description, load ≤ 3 s`,
  );
  console.log(lines.join('\n'));
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
