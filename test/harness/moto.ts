import { spawn } from 'node:child_process';
import { loadConfig } from '../../src/config';
import type { AwsCredentials } from '../../src/providers/aws';
import { sleep } from '../../src/stack/daemon';
import { freePort } from '../../src/stack/ports';
import { binaryPath } from '../../src/stack/binaries';

/** moto accepts any keys; given to the clients, they also keep the SDK from looking for real ones. */
export const MOTO_CREDENTIALS: AwsCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** A private moto server on a free loopback port (or the one given), with empty state, until stop(). */
export async function startMoto(timeoutMs = 30_000, fixedPort?: number): Promise<Moto> {
  const executable = binaryPath(loadConfig().cacheDir, 'moto_server');
  const port = fixedPort ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Off by default in moto; AWS refuses unknown instance types, and tests rely on that.
    env: { ...process.env, MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true' },
  });
  let output = '';
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ended = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (ended() || spawnError) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) throw spawnError;
    if (ended()) throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`);
    const ready = await fetch(`${endpoint}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { endpoint, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }
}

/**
 * Gives this process moto's credentials, for the worker's AWS clients that
 * read the SDK's default chain; the returned function puts back what was there.
 */
export function useMotoCredentials(): () => void {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  return () => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  };
}
