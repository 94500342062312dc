import { recogniseKind } from '../../src/negotiation/workload/kinds';
import { normaliseNumbers } from '../../src/negotiation/workload/numbers';
import { loadLabelled } from '../analyzer-score';
const all = ['descriptions.jsonl','holdout/descriptions.jsonl','varied/descriptions.jsonl','outside/descriptions.jsonl'].flatMap((s) => loadLabelled('test/fixtures/workloads/' + s) as any[]);
for (const pat of process.argv.slice(2)) for (const l of all.filter((l) => l.text.includes(pat))) { const t = normaliseNumbers(l.text).text; console.log(t); console.log(JSON.stringify(recogniseKind(t), null, 0).slice(0, 1500)); }
