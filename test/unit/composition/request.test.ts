import { InvalidRequest, parseCompositionRequest } from '../../../src/composition/request';

const base = { requestId: 'r-1', user: 'u', account: 'a', region: 'eu-west-1', resourceType: 'database', spec: { name: 'orders-db' } };

function invalid(input: unknown): InvalidRequest {
  try {
    parseCompositionRequest(input);
  } catch (err) {
    if (err instanceof InvalidRequest) return err;
    throw err;
  }
  throw new Error('expected InvalidRequest');
}

describe('parseCompositionRequest', () => {
  it('fills defaults for the resource spec and security, and leaves an unstated engine to the policy', () => {
    const parsed = parseCompositionRequest(base);
    expect(parsed.spec).not.toHaveProperty('engine');
    expect(parsed).toMatchObject({
      spec: { name: 'orders-db', sizeGb: 10 },
      security: { classification: 'internal', compliance: [], networkExposure: 'private' },
      provider: 'local',
    });
  });

  it.each([
    [{ ...base, region: 'Europe' }, 'region'],
    [{ ...base, resourceType: 'queue' }, 'resourceType'],
    [{ ...base, spec: { name: 'x', sizeGb: -1 } }, 'spec.sizeGb'],
    [{ ...base, spec: { name: 'x', colour: 'red' } }, 'spec.colour'],
    [{ ...base, requestId: '../etc' }, 'requestId'],
    [{ ...base, extra: 1 }, 'extra'],
    [{ ...base, spec: { name: 'x', engine: 'mysql' } }, 'spec.engine'],
  ])('names the bad field %#', (input, field) => {
    expect(invalid(input).field).toBe(field);
  });
});
