import { MAX_INPUT_DEPTH, tooDeepAt } from '../../src/depth';
import { durationMs } from '../../src/negotiation/request';
import { clip, quote, QUOTE_LIMIT } from '../../src/quote';
import { MAX_BYTES, MAX_CPU_CORES, parseBytes, parseCpu } from '../../src/snapshot/units';

describe('input bounds', () => {
  it('finds where nesting passes the limit without recursing, 100,000 levels deep', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
    const at = tooDeepAt({ top: deep })!;
    expect(at).toMatch(/^top(\.a\[0\])+/);
    expect(at.split('.').length).toBeLessThanOrEqual(MAX_INPUT_DEPTH + 1);
    expect(tooDeepAt({ a: { b: [1, { c: 'd' }] } })).toBeUndefined();
  });

  it('quotes at most QUOTE_LIMIT characters, saying how long the value was, control characters visible', () => {
    expect(quote('x'.repeat(10_000))).toBe(`"${'x'.repeat(QUOTE_LIMIT)}"… (10000 characters)`);
    expect(quote('a\0b')).toBe('"a\\u0000b"');
    expect(clip('y'.repeat(300))).toHaveLength(QUOTE_LIMIT + 1);
  });

  it('refuses quantities that overflow or exceed the documented range', () => {
    expect(parseCpu(`${'9'.repeat(400)} cores`)).toBeUndefined();
    expect(parseCpu(`${MAX_CPU_CORES + 1} cores`)).toBeUndefined();
    expect(parseCpu(Infinity)).toBeUndefined();
    expect(parseCpu('4096 cores')).toBe(4096);
    expect(parseBytes(`${'9'.repeat(400)}GB`)).toBeUndefined();
    expect(parseBytes('2 PiB')).toBeUndefined();
    expect(parseBytes('1 PiB')).toBe(MAX_BYTES);
  });

  it('reads durations as Temporal does, finite only', () => {
    expect(durationMs('2 days')).toBe(172_800_000);
    expect(durationMs('1.5h')).toBe(5_400_000);
    expect(durationMs(`${'9'.repeat(400)} weeks`)).toBeUndefined();
    expect(durationMs('soon')).toBeUndefined();
  });
});
