import { loadLabelled, score, share, DIMENSIONS } from '../analyzer-score';
import { loadConfig } from '../../src/config';
import { SemanticKinds } from '../../src/encoder/semantic-kinds';
import { analyzeWithLikeness } from '../../src/encoder/likeness';
async function main() {
  const file = process.argv[2]!;
  const labelled = loadLabelled(file);
  const kinds = await SemanticKinds.load(loadConfig().cacheDir);
  const analyses = new Map<string, any>();
  for (const { text } of labelled) analyses.set(text, await analyzeWithLikeness(text, {}, { of: (x) => kinds.guess(x) }));
  const s = score(labelled, (t) => analyses.get(t)!);
  console.log(`role ${share(s.roleRight, s.n)}% of ${s.n}; ` + DIMENSIONS.map((d) => `${d} ${share(s.within[d].ok, s.within[d].n)}% (${s.within[d].n})`).join(', ') + `; compliance ${s.compliance.found}/${s.compliance.stated} +${s.compliance.extra}; ingress ${share(s.ingress.ok, s.ingress.n)}%`);
  const byText = new Map<string, string[]>();
  for (const m of s.misses) byText.set(m.text, [...(byText.get(m.text) ?? []), m.what]);
  let i = 0;
  for (const l of labelled) {
    const m = byText.get(l.text); if (!m) continue;
    const a = analyses.get(l.text);
    console.log(`\n#${++i} ${l.text}\n  MISS ${m.join('; ')}\n  got ${a.kind}/${a.role} vcpu ${a.peak.vcpu} mem ${a.peak.memoryGib} st ${a.storageGib} iops ${a.peak.iops} conf ${a.confidence}\n  want ${l.role} vcpu ${JSON.stringify((l as any).vcpu)} mem ${JSON.stringify((l as any).memoryGib)} st ${JSON.stringify((l as any).storageGib)}\n  q: ${a.quantities.map((q: any) => `${q.measure}=${q.value}${q.unit}`).join(', ')}`);
  }
  await kinds.close();
}
main();
