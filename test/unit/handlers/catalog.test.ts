import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_IMPLEMENTATIONS } from '../../../src/activities/builtin-handlers';
import { BUILTIN_HANDLERS } from '../../../src/handlers/catalog';
import { handlerDescriptorSchema, refOf } from '../../../src/handlers/descriptor';
import { parsePolicy } from '../../../src/pdl';

describe('handler catalog', () => {
  it('has an implementation for every built-in it registers, and undo where it creates something', () => {
    for (const h of BUILTIN_HANDLERS) {
      expect(BUILTIN_IMPLEMENTATIONS[h.id]).toBeDefined();
      expect(Boolean(BUILTIN_IMPLEMENTATIONS[h.id]!.undo)).toBe(h.undo);
    }
  });

  it('gives every built-in a second attempt: a worker lost mid-step must not fail the composition', () => {
    // Their own refusals (InvalidRequest, QuotaExceeded…) are non-retryable anyway; retries only cover lost workers and timeouts.
    for (const h of BUILTIN_HANDLERS) expect([h.id, h.retry.maximumAttempts >= 2]).toEqual([h.id, true]);
  });

  it('ships example policies that name only handlers it registers', () => {
    const dir = path.resolve(__dirname, '../../../examples/policies');
    const builtins = new Set(BUILTIN_HANDLERS.map(refOf));
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const { spec } = parsePolicy(fs.readFileSync(path.join(dir, file), 'utf8'));
      const named = spec.stages.flatMap((s) => [
        ...s.candidates,
        ...[...(s.require ?? []), ...(s.forbid ?? []), ...(s.prefer ?? [])].flatMap((r) => r.handlers),
      ]);
      expect([file, named.filter((ref) => !builtins.has(ref))]).toEqual([file, []]);
    }
  });

  it('ships a valid example user handler', () => {
    const descriptor = parse(fs.readFileSync(path.resolve(__dirname, '../../../examples/handlers/tag-bucket.yaml'), 'utf8'));
    expect(handlerDescriptorSchema.parse(descriptor)).toMatchObject({
      id: 'tag-bucket',
      code: { kind: 'script' },
      hostCapabilities: ['provider.createBucket', 'log'],
    });
  });
});
