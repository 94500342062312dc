import { refreshStep, type Held } from '../../../src/composition/cache-refresh';

const limits = { checkMs: 1000, reverifyMs: 30_000 };
const held = (loadedAt: number, checkedAt = loadedAt): Held => ({ generation: 'g1', loadedAt, checkedAt });

describe('refreshStep', () => {
  it('loads what it does not hold yet', () => {
    expect(refreshStep(undefined, 0, limits)).toBe('reload');
  });

  it('serves what it holds until the check interval has passed', () => {
    expect(refreshStep(held(10_000), 10_000, limits)).toBe('serve');
    expect(refreshStep(held(10_000), 10_999, limits)).toBe('serve');
  });

  it('checks the generation once the check interval has passed since the last check, not the last load', () => {
    expect(refreshStep(held(10_000), 11_000, limits)).toBe('check');
    expect(refreshStep(held(10_000, 20_000), 20_500, limits)).toBe('serve');
    expect(refreshStep(held(10_000, 20_000), 21_000, limits)).toBe('check');
  });

  it('reloads everything once the reverify interval has passed since the load, however recent the check', () => {
    expect(refreshStep(held(10_000, 39_999), 39_999, limits)).toBe('serve');
    expect(refreshStep(held(10_000, 39_999), 40_000, limits)).toBe('reload');
  });

  it('reloads at every call when reverifying is as frequent as checking', () => {
    expect(refreshStep(held(10_000), 11_000, { checkMs: 1000, reverifyMs: 1000 })).toBe('reload');
  });
});
