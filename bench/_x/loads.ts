import { loadLabelled } from '../analyzer-score';
import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
for (const f of process.argv.slice(2)) for (const l of loadLabelled(f) as any[]) {
  const r = a(l.text);
  if (!['database','message-queue','search-engine','cache','file-store','realtime-server','web-server','batch-worker','analytics'].includes(l.role)) continue;
  const fv = r.peak.vcpu <= 2.0001 && r.load && r.load.vcpu < 2; const fm = r.peak.memoryGib <= 4.0001 && r.load && r.load.memoryGib < 4;
  if (!fv && !fm) continue;
  console.log([f.split('/').slice(-2,-1)[0], l.role, r.kind, 'load', r.load?.vcpu.toFixed(2), r.load?.memoryGib.toFixed(1), 'want', JSON.stringify(l.vcpu), JSON.stringify(l.memoryGib), l.text.slice(0,70)].join(' '));
}
