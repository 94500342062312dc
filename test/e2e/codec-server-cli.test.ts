import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import { mosaic } from '../harness/cli';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'mosaic.js');
const env = {
  MOSAIC_PAYLOAD_KEYS: `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`,
  MOSAIC_CODEC_TOKEN: randomBytes(24).toString('hex'),
};

describe('mosaic codec-server', () => {
  it('prints where it listens as JSON, answers /encode with the token, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'codec-server', '--port', '0', '--json'], { env: { ...process.env, ...env } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!stdout.includes('}')) await once(child.stdout, 'data');
    const started = JSON.parse(stdout) as { url: string; uiOrigin: string; currentKey: string; keys: string[] };
    expect(started).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), currentKey: 'k2', keys: ['k2', 'k1'] });
    expect(stdout).not.toContain(env.MOSAIC_CODEC_TOKEN);

    const encode = (authorization?: string) =>
      fetch(`${started.url}/encode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({
          payloads: [
            { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hi"').toString('base64') },
          ],
        }),
      });
    expect((await encode()).status).toBe(401);
    const res = await encode(`Bearer ${env.MOSAIC_CODEC_TOKEN}`);
    expect(res.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  }, 60_000);

  it('exits 2 naming the setting when the keys or the token are missing, and for a bad port', async () => {
    const noKeys = await mosaic(['codec-server'], { MOSAIC_PAYLOAD_KEYS: '', MOSAIC_CODEC_TOKEN: env.MOSAIC_CODEC_TOKEN });
    expect([noKeys.code, noKeys.stderr]).toEqual([2, expect.stringContaining('MOSAIC_PAYLOAD_KEYS')]);
    const noToken = await mosaic(['codec-server'], { MOSAIC_PAYLOAD_KEYS: env.MOSAIC_PAYLOAD_KEYS, MOSAIC_CODEC_TOKEN: '' });
    expect([noToken.code, noToken.stderr]).toEqual([2, expect.stringContaining('MOSAIC_CODEC_TOKEN')]);
    const badPort = await mosaic(['codec-server', '--port', 'eighty'], env);
    expect([badPort.code, badPort.stderr]).toEqual([2, expect.stringContaining('TCP port')]);
  });

  it('exits 1 naming --port when the port is taken', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = holder.address() as net.AddressInfo;
      const taken = await mosaic(['codec-server', '--port', String(port)], env);
      expect([taken.code, taken.stderr]).toEqual([1, expect.stringMatching(new RegExp(`port ${port} is already in use.*--port`))]);
    } finally {
      holder.close();
    }
  });
});
