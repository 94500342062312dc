import { EXIT, main } from '../../../src/cli/cli';
import { renderModelReport } from '../../../src/operator/model-report';

describe('mosaic model', () => {
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  it.each(['status', 'history', 'retrain', 'promote', 'rollback', 'report'])(
    'documents %s with an example and a --json option',
    async (command) => {
      await expect(main(['node', 'mosaic', 'model', command, '--help'])).resolves.toBe(EXIT.ok);
      expect(stdout.mock.calls.join('')).toMatch(/Example[\s\S]*mosaic model/);
      expect(stdout.mock.calls.join('')).toContain('--json');
    },
  );

  it('exits 2 naming the argument when a version is not a whole number', async () => {
    await expect(main(['node', 'mosaic', 'model', 'promote', 'latest', '--key', 'ops.key'])).resolves.toBe(EXIT.usage);
    expect(stderr.mock.calls.join('')).toContain('<version> expects a whole number');
  });

  it.each(['promote 3', 'rollback'])('exits 2 naming --key when `model %s` is not signed', async (command) => {
    await expect(main(['node', 'mosaic', 'model', ...command.split(' ')])).resolves.toBe(EXIT.usage);
    expect(stderr.mock.calls.join('')).toContain("required option '--key <file>' not specified");
  });
});

describe('the model report', () => {
  const estimate = (value: number) => ({ value, lower: value - 0.05, upper: value + 0.05, n: 300 });
  const ope = (v: number) => ({ ips: estimate(v), snips: estimate(v), dr: estimate(v) });

  it('is one self-contained HTML page with an SVG chart per view and no network reference', () => {
    const html = renderModelReport({
      generatedAt: '2026-11-23T12:00:00.000Z',
      active: 1,
      versions: [
        {
          version: 1,
          name: 'bandit-v1',
          createdAt: '2026-11-23T11:00:00.000Z',
          loss: [0.3, 0.2, 0.15],
          candidate: ope(0.8),
          current: ope(0.6),
          against: 'metrics-prior',
          logged: 0.62,
          promoted: true,
          reason: 'better <by far>',
        },
      ],
      rewardOverTime: [
        { bucketStart: '2026-11-23T10:00:00.000Z', byModel: { 'metrics-prior': { reward: 0.6, n: 10 } } },
        { bucketStart: '2026-11-23T11:00:00.000Z', byModel: { 'bandit-v1': { reward: 0.8, n: 10 } } },
      ],
      choiceShares: [{ stage: 'provision', shares: { 'rds@1': 0.7, 'postgres-local@2': 0.3 }, n: 20 }],
      outcomes: 20,
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('better &#60;by far&#62;');
    expect(html).toContain('bandit-v1 (serving)');
  });
});
