// Writes src/negotiation/data/described-workloads.json: the descriptions the
// analyzer's rules were tuned on (test/fixtures/workloads/descriptions.jsonl),
// each with the kind the rules read, as exemplars for the sentence encoder.
// The held-out sets (holdout/, varied/) are never written there.
//   npx tsx scripts/described-workloads.ts
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeDescription } from '../src/negotiation/workload/analyze';

const root = path.join(__dirname, '..');
const source = 'test/fixtures/workloads/descriptions.jsonl';
const rows = readFileSync(path.join(root, source), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; role: string });
const descriptions = rows.map(({ text, role }) => {
  const { kind, role: read } = analyzeDescription(text);
  if (read !== role) throw new Error(`the rules read "${text}" as ${read}, its label says ${role}: fix the rules before using it`);
  return { text, kind };
});
writeFileSync(path.join(root, 'src/negotiation/data/described-workloads.json'), `${JSON.stringify({ source, descriptions }, null, 1)}\n`);
console.log(`${descriptions.length} descriptions written`);
