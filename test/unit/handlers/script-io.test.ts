import path from 'node:path';
import {
  BUCKET_NAME,
  KEY_ALIAS,
  logLine,
  MAX_LOG_CHARS,
  nameArgument,
  outputsOutside,
  resourcePaths,
} from '../../../src/handlers/script-io';
import type { ResourceRef } from '../../../src/providers/provider';

// What a hostile script hands the host functions, phrased the ways a path or a flood sneaks in.
describe('host call names', () => {
  it.each([
    ['a parent climb', '../../../../tmp/escape'],
    ['an absolute path', '/etc/cron.d/x'],
    ['a nested name', 'logs/2026'],
    ['a backslash path', '..\\..\\escape'],
    ['two dots alone', '..'],
    ['a NUL byte', 'logs\u0000.json'],
    ['a line break', 'logs\nadmin'],
    ['upper case', 'Logs'],
    ['an empty name', ''],
    ['a 5000-character name', 'a'.repeat(5000)],
    ['a number', 42],
    ['an object that stringifies to a name', { toString: () => 'logs' }],
  ])('refuses %s as a bucket name, naming the field and the rule', (_, value) => {
    expect(() => nameArgument('provider.createBucket', BUCKET_NAME, [value])).toThrow(
      /^provider\.createBucket: the bucket name must be 3 to 63 lowercase letters.*\(a name, never a path\); got /,
    );
  });

  it('quotes at most 200 characters of what it refused', () => {
    const message = (() => {
      try {
        nameArgument('provider.createBucket', BUCKET_NAME, ['/'.repeat(100_000)]);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('(100000 characters)');
    expect(message!.length).toBeLessThan(500);
  });

  it('takes exactly one argument', () => {
    expect(() => nameArgument('provider.createKey', KEY_ALIAS, ['k', '/etc/passwd'])).toThrow(
      'takes one argument, the key alias; it was given 2',
    );
    expect(() => nameArgument('provider.createKey', KEY_ALIAS, [])).toThrow('it was given 0');
  });

  it('accepts the names it is meant for', () => {
    expect(nameArgument('provider.createBucket', BUCKET_NAME, ['logs-2026'])).toBe('logs-2026');
    expect(nameArgument('provider.createKey', KEY_ALIAS, ['Data_Key-1'])).toBe('Data_Key-1');
    expect(() => nameArgument('provider.createKey', KEY_ALIAS, ['alias/../../k'])).toThrow('key alias');
  });
});

describe('log lines', () => {
  it('keeps a line one line, and bounded', () => {
    expect(logLine(['made', 'x\n{"level":50,"msg":"forged"}'])).toBe('made x {"level":50,"msg":"forged"}');
    const long = logLine(['q'.repeat(10 * MAX_LOG_CHARS)]);
    expect(long.length).toBeLessThan(MAX_LOG_CHARS + 40);
    expect(long).toContain(`(${10 * MAX_LOG_CHARS} characters)`);
  });
});

describe('outputs that name files', () => {
  const root = '/data/resources/buckets/logs-abc123';
  const made: ResourceRef[] = [{ provider: 'local', kind: 'bucket', id: root, key: 'k', attributes: { path: root, name: 'logs' } }];
  const roots = resourcePaths(made);

  it.each([
    ['a credential elsewhere', { secretFile: '/home/mosaic/.ssh/id_ed25519' }],
    ['a climb out of its own bucket', { secretFile: `${root}/../../secrets/0123.json` }],
    ['a sibling whose name starts like the bucket', { endpoint: `${root}-other/objects` }],
    ['a file: URL', { secretFile: 'file:///etc/shadow' }],
    ['a home-relative path', { secretFile: '~/.aws/credentials' }],
    ['a relative climb', { secretFile: '../../../etc/passwd' }],
  ])('refuses %s, by field', (_, output) => {
    const [field] = Object.keys(output);
    expect(outputsOutside(output, roots)).toEqual([expect.stringMatching(new RegExp(`^${field} \\(`))]);
  });

  it('allows what points inside what the step made, and text that is not a path', () => {
    const output = {
      endpoint: root,
      object: path.join(root, 'objects', 'a.txt'),
      url: 'http://127.0.0.1:8080/x/../y',
      database: 'mongodb://mosaic_1@<server>/db_1',
      note: 'made 2 buckets and/or keys',
    };
    expect(outputsOutside(output, roots)).toEqual([]);
  });

  it('allows no path at all to a step that made nothing on disk', () => {
    expect(outputsOutside({ endpoint: root }, resourcePaths([]))).toEqual([`endpoint ("${root}")`]);
  });
});
