import { analyzeDescription } from '../../src/negotiation/workload/analyze';
import { normaliseNumbers } from '../../src/negotiation/workload/numbers';
for (const t of process.argv.slice(2)) { const a = analyzeDescription(t); console.log(normaliseNumbers(t).text); console.log(a.kind, a.role, JSON.stringify(a.peak), a.storageGib, a.compliance, a.confidence); console.log('  ', a.quantities.map((q) => `${q.measure}=${q.value}${q.unit}`).join(', ')); console.log('  ', a.notes.join(' | ')); }
