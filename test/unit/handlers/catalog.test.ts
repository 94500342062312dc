import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_IMPLEMENTATIONS } from '../../../src/activities/builtin-handlers';
import { BUILTIN_HANDLERS } from '../../../src/handlers/catalog';
import { handlerDescriptorSchema } from '../../../src/handlers/descriptor';

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

  it('ships a valid example user handler', () => {
    const descriptor = parse(fs.readFileSync(path.resolve(__dirname, '../../../examples/handlers/tag-bucket.yaml'), 'utf8'));
    expect(handlerDescriptorSchema.parse(descriptor)).toMatchObject({
      id: 'tag-bucket',
      code: { kind: 'script' },
      hostCapabilities: ['provider.createBucket', 'log'],
    });
  });
});
