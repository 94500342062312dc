// Writes docs/schema/snapshot-manifest.schema.json from the zod schema; a unit test fails when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import { manifestJsonSchema } from '../src/snapshot/manifest';

const out = path.resolve(__dirname, '..', 'docs', 'schema', 'snapshot-manifest.schema.json');
fs.writeFileSync(out, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
