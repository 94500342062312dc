import { z } from 'zod';
import { policySchema } from './schema';

/** JSON Schema of PDL for editors (yaml-language-server, VS Code), generated from the zod schema. */
export function pdlJsonSchema(): Record<string, unknown> {
  return {
    title: 'Mosaic CompositionPolicy (PDL)',
    ...z.toJSONSchema(policySchema, { target: 'draft-2020-12' }),
  };
}
