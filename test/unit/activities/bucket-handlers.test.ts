import { BUILTIN_IMPLEMENTATIONS, type HandlerContext } from '../../../src/activities/builtin-handlers';
import { parseCompositionRequest } from '../../../src/composition/request';
import type { Provider } from '../../../src/providers/provider';

// The bucket handlers check the name again where it becomes a directory or an S3 tag: a user handler may
// provide `validated` without validating. Nothing here reaches a provider: each call of one fails the test.
describe('bucket handlers refuse a hostile name before making anything', () => {
  const untouchable = new Proxy({ name: 'local' } as Provider, {
    get: (target, prop) => (prop === 'name' ? target.name : () => Promise.reject(new Error(`provider.${String(prop)} was called`))),
  });
  const valid = parseCompositionRequest({
    requestId: 'r',
    user: 'u',
    account: 'a',
    region: 'eu-west-1',
    resourceType: 'bucket',
    spec: { name: 'ok' },
  });
  const ctx = (spec: Record<string, unknown>) =>
    ({
      request: { ...valid, spec },
      key: 'k',
      workflowId: 'w',
      provider: untouchable,
      localS3: untouchable,
      outputs: {},
      resources: [],
    }) as unknown as HandlerContext;

  it.each([
    ['provision-bucket', 'a traversing name', { name: '../x' }, 'spec.name'],
    ['provision-bucket', 'a 300-character name', { name: 'a'.repeat(300) }, 'spec.name'],
    ['s3-bucket', 'an upper-case name', { name: 'Orders' }, 'spec.name'],
    ['s3-bucket', 'a negative size', { name: 'ok', sizeGb: -1 }, 'spec.sizeGb'],
  ])('%s with %s: InvalidRequest naming the field, not retried, not retried', async (handler, _what, spec, field) => {
    await expect(BUILTIN_IMPLEMENTATIONS[handler]!.run(ctx(spec))).rejects.toMatchObject({
      type: 'InvalidRequest',
      nonRetryable: true,
      message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: `)),
    });
  });
});
