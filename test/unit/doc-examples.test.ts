import { matches } from '../harness/doc-examples';

describe('doc example matching', () => {
  it('matches literally, with … inside a line and a line of … for any lines', () => {
    expect(matches(['a 1', 'b …', '…', 'z'], 'a 1\nb anything\nx\ny\nz\n')).toBe(true);
    expect(matches(['a 1', '…', 'z'], 'a 1\nz\n')).toBe(true);
    expect(matches(['a 1'], 'a 2\n')).toBe(false);
    expect(matches(['a (1)'], 'a (1)')).toBe(true);
    expect(matches(['a …'], 'a b\nc\n')).toBe(false);
  });
});
