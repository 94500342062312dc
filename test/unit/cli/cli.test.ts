import { EXIT, main } from '../../../src/cli/cli';

describe('mosaic CLI exit codes', () => {
  let stderr: jest.SpyInstance;
  let stdout: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
  });

  it('exits 2 on an unknown command', async () => {
    await expect(main(['node', 'mosaic', 'bogus'])).resolves.toBe(EXIT.usage);
  });

  it('exits 0 for --help and documents every command with an example', async () => {
    for (const command of ['stack', 'worker', 'doctor']) {
      stdout.mockClear();
      await expect(main(['node', 'mosaic', command, '--help'])).resolves.toBe(EXIT.ok);
      expect(stdout.mock.calls.join('')).toMatch(/Example/);
    }
  });

  it('exits 2 on a bad setting and names the variable', async () => {
    const saved = process.env.MOSAIC_TEMPORAL_PORT;
    process.env.MOSAIC_TEMPORAL_PORT = 'seven';
    try {
      await expect(main(['node', 'mosaic', 'stack', 'status'])).resolves.toBe(EXIT.usage);
      expect(stderr.mock.calls.join('')).toContain('MOSAIC_TEMPORAL_PORT');
    } finally {
      if (saved === undefined) delete process.env.MOSAIC_TEMPORAL_PORT;
      else process.env.MOSAIC_TEMPORAL_PORT = saved;
    }
  });
});
