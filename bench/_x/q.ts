import { loadLabelled } from '../analyzer-score';
import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
const all = ['test/fixtures/workloads/descriptions.jsonl','test/fixtures/workloads/holdout/descriptions.jsonl','test/fixtures/workloads/varied/descriptions.jsonl','test/fixtures/workloads/outside/descriptions.jsonl','/tmp/bb/outside6/descriptions.jsonl'].flatMap((s) => loadLabelled(s) as any[]);
for (const pat of process.argv.slice(2)) for (const l of all.filter((l) => l.text.includes(pat))) {
  const r = a(l.text);
  console.log(l.text.slice(0, 400), '\n  got', r.kind, r.peak.vcpu, r.peak.memoryGib, r.storageGib, 'want', JSON.stringify([l.vcpu, l.memoryGib, l.storageGib]), '\n  q:', r.quantities.map((q: any) => `${q.measure}=${q.value}${q.unit} [${q.text}]`).join(' | '));
}
