import fs from 'node:fs';
import path from 'node:path';
import { pdlJsonSchema } from '../../../src/pdl/json-schema';

describe('the published JSON Schema', () => {
  it('is the one the zod schema generates (run `npx tsx scripts/gen-pdl-schema.ts` after changing PDL)', () => {
    const published = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../docs/schema/pdl.schema.json'), 'utf8'));
    expect(published).toEqual(pdlJsonSchema());
  });

  it('forbids unknown fields so editors flag typos', () => {
    const schema = pdlJsonSchema() as { additionalProperties?: boolean; properties: Record<string, { additionalProperties?: boolean }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.metadata!.additionalProperties).toBe(false);
  });
});
