import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, main } from '../../../src/cli/cli';

describe('mosaic workload analyze', () => {
  let stderr: jest.SpyInstance;
  let stdout: jest.SpyInstance;
  const out = () => stdout.mock.calls.map((c) => String(c[0])).join('');
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
  });

  it('prints the analysis as JSON with the fields scripts rely on', async () => {
    await expect(main(['node', 'mosaic', 'workload', 'analyze', 'Redis cache, 20k ops/s, PCI DSS', '--json'])).resolves.toBe(EXIT.ok);
    const a = JSON.parse(out()) as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(
      expect.arrayContaining(['role', 'peak', 'storageGib', 'compliance', 'publicIngress', 'confidence', 'quantities', 'questions']),
    );
    expect(a).toMatchObject({ role: 'cache', compliance: ['pci-dss'], publicIngress: false });
    expect(a.quantities).toEqual([{ measure: 'operations rate', value: 20000, unit: 'per second', text: '20000 ops/s' }]);
    expect((a.questions as { id: string }[]).map((q) => q.id)).toEqual(['dataGib']);
  });

  it('applies answers given on the command line, and refuses bad ones naming the field', async () => {
    await main(['node', 'mosaic', 'workload', 'analyze', 'Redis cache, 20k ops/s', '--answers', '{"dataGib": 8}', '--json']);
    // 8 GiB of keys × 1.3 for overhead, run at 80 % of its memory, + 1 GiB: 14 GiB, on the 16 GiB machine.
    expect(JSON.parse(out())).toMatchObject({ questions: [], peak: { memoryGib: 16 } });
    await expect(main(['node', 'mosaic', 'workload', 'analyze', 'Redis cache', '--answers', '{"dataGib": "lots"}'])).resolves.toBe(
      EXIT.usage,
    );
    expect(stderr.mock.calls.join('')).toMatch(/dataGib: expected a number of GiB/);
  });

  it('reads a file of descriptions, one JSON object per line, and keeps a bad line in its place', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-workloads-'));
    const file = path.join(dir, 'd.txt');
    fs.writeFileSync(file, 'Kafka, 500 msg/s, keep 3 days\n\n{"text": "static marketing website, 1000 visitors a day"}\nx\n');
    try {
      await expect(main(['node', 'mosaic', 'workload', 'analyze', '--file', file])).resolves.toBe(EXIT.failure);
      const lines = out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.line)).toEqual([1, 3, 4]);
      expect(lines[0]).toMatchObject({ role: 'message-queue', kind: 'message-broker' });
      expect(lines[1]).toMatchObject({ role: 'web-server', publicIngress: true });
      expect(lines[2]).toMatchObject({ error: { type: 'InvalidWorkloadDescription' } });
      expect(stderr.mock.calls.join('')).toMatch(/1 of 3 descriptions could not be read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains what it needs when given nothing or too much', async () => {
    await expect(main(['node', 'mosaic', 'workload', 'analyze'])).resolves.toBe(EXIT.usage);
    expect(stderr.mock.calls.join('')).toMatch(/give a description in quotes, or --file/);
    await expect(main(['node', 'mosaic', 'workload', 'analyze', 'y'.repeat(2500)])).resolves.toBe(EXIT.usage);
    expect(stderr.mock.calls.join('')).toMatch(/at most 2000/);
    stdout.mockClear();
    await expect(main(['node', 'mosaic', 'workload', 'analyze', '--help'])).resolves.toBe(EXIT.ok);
    expect(out()).toMatch(/Example/);
  });
});
