import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
const r = a(process.argv[2]!); console.log(r.kind, r.peak, r.storageGib, r.quantities.map((q) => `${q.measure}=${q.value} [${q.text}]`), r.notes);
