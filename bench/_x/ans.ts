import { analyzeDescription as a } from '../../src/negotiation/workload/analyze';
const t='PostgreSQL database for our patient records, HIPAA applies';
const x=a(t); const y=a(t,{answers:{dataGib:300, peakRate:3000}} as any);
console.log(x.peak, x.load); console.log(y.peak, y.load, y.notes);
