import { loadLabelled } from '../analyzer-score';
import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
const want = process.argv[2];
for (const s of ['descriptions.jsonl','holdout/descriptions.jsonl','varied/descriptions.jsonl','outside/descriptions.jsonl'])
  for (const l of loadLabelled('test/fixtures/workloads/' + s) as any[]) { const r = a(l.text); if (r.kind !== want) continue;
    console.log(s.split('/')[0].slice(0,5), 'got', r.peak.vcpu, r.peak.memoryGib, r.storageGib, 'want', JSON.stringify([l.vcpu, l.memoryGib, l.storageGib]), l.text.slice(0, 90)); }
