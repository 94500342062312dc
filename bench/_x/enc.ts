import { loadConfig } from '../../src/config';
import { SemanticKinds } from '../../src/encoder/semantic-kinds';
import { analyzeDescription } from '../../src/negotiation/workload/analyze';
import { ROLE_OF } from '../../src/negotiation/workload/kinds';
(async () => { const k = await SemanticKinds.load(loadConfig().cacheDir);
for (const t of process.argv.slice(2)) { const g = await k.guess(t); console.log(analyzeDescription(t).kind, '|', g && ROLE_OF[g.kind], g?.similarity, '|', t); }
await k.close(); })();
