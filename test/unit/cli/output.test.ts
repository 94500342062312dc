import { table } from '../../../src/cli/output';
import { readableId } from '../../../src/client/mosaic-client';

describe('table', () => {
  it('aligns columns under upper-case headers and leaves missing cells empty', () => {
    const out = table(
      [
        { part: 'temporal', status: 'ok' },
        { part: 'mongodb', status: 'fail', fix: 'start it' },
      ],
      ['part', 'status', 'fix'],
    );
    expect(out.split('\n')).toEqual(['PART      STATUS  FIX', 'temporal  ok', 'mongodb   fail    start it']);
  });

  it('says (none) for no rows', () => {
    expect(table([])).toBe('(none)');
  });
});

describe('readableId', () => {
  it('starts with the kind and sorts by time', () => {
    const a = readableId('health', new Date('2026-11-23T07:00:00Z'));
    const b = readableId('health', new Date('2026-11-23T08:00:00Z'));
    expect(a).toMatch(/^health-20261123070000-[0-9a-f]{4}$/);
    expect(a < b).toBe(true);
  });
});
