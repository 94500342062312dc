// Writes docs/schema/pdl.schema.json from the zod schema; a unit test fails when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import { pdlJsonSchema } from '../src/pdl/json-schema';

const out = path.resolve(__dirname, '..', 'docs', 'schema', 'pdl.schema.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(pdlJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
