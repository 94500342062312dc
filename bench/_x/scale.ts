import { loadLabelled } from '../analyzer-score';
import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
const sets = ['descriptions.jsonl','holdout/descriptions.jsonl','varied/descriptions.jsonl','outside/descriptions.jsonl'];
const dim = process.argv[2] as 'storageGib'|'vcpu'|'memoryGib';
const rows = sets.map((s) => (loadLabelled('test/fixtures/workloads/' + s) as any[]).map((l) => { const r = a(l.text); return { l, v: dim==='storageGib'? r.storageGib : r.peak[dim], role: r.role }; }));
for (const k of [1, 1.1, 1.2, 1.25, 1.3, 1.4, 1.5]) {
  console.log(k, rows.map((rs) => { const c = rs.filter((x) => x.l[dim]); const ok = c.filter((x) => x.v * k >= x.l[dim][0] && x.v * k <= x.l[dim][1]).length; return (100*ok/c.length).toFixed(1); }).join('  '));
}
