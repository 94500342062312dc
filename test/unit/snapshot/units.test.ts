import { formatBytes, formatCpu, parseBytes } from '../../../src/snapshot/units';

describe('printing quantities in the unit they were written in', () => {
  it.each([
    ['8GiB', '8GiB'],
    ['4GB', '4GB'],
    ['512MiB', '512MiB'],
    ['1.5 TB', '1.5TB'],
    ['20GB', '20GB'],
    ['64MiB', '64MiB'],
    ['88B', '88B'],
    ['0B', '0B'],
  ])('%s comes back as %s', (written, printed) => {
    expect(formatBytes(parseBytes(written)!)).toBe(printed);
  });

  it('sums of binary sizes stay binary', () => {
    expect(formatBytes(parseBytes('6GiB')! + parseBytes('2GiB')!)).toBe('8GiB');
  });

  it('cores', () => {
    expect([formatCpu(1), formatCpu(2.5), formatCpu(0.1 + 0.2)]).toEqual(['1 core', '2.5 cores', '0.3 cores']);
  });
});
