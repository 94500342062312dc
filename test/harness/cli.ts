import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '..', '..', 'bin', 'mosaic.js');

/** Runs the real `mosaic` binary; resolves with its exit code and output instead of throwing. */
export async function mosaic(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
