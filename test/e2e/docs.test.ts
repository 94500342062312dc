import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { docExamples, matches } from '../harness/doc-examples';
import { startComposingWorker } from '../harness/composing-worker';
import type { TestWorker } from '../harness/worker';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const examples = docExamples(path.join(ROOT, 'docs'));

// Every ```console example in docs/ runs as written, in order, against a
// worker with the example policy applied; what it prints must match the page.
describe('the runnable examples in docs/', () => {
  let w: TestWorker;
  // The file a page's signed changes name as "$OPS_KEY": the worker's admin key, as an operator would keep it.
  let opsKey: string;

  beforeAll(async () => {
    const composing = await startComposingWorker();
    w = composing;
    opsKey = path.join(composing.dataDir, 'ops.key');
    fs.writeFileSync(opsKey, composing.admin.privateKeyPem, { mode: 0o600 });
  }, 120_000);

  afterAll(async () => {
    await w?.stop();
  });

  it('has examples on every capability page', () => {
    expect(new Set(examples.map((e) => e.file))).toEqual(
      new Set(['catalog.md', 'composition.md', 'learning.md', 'negotiation.md', 'operations.md', 'snapshots.md', 'workload-analyzer.md']),
    );
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s prints what the page shows', async (_where, example) => {
    const script = `mosaic() { "${process.execPath}" "${path.join(ROOT, 'bin', 'mosaic.js')}" "$@"; }\n{ ${example.command}; } 2>&1`;
    const { stdout } = await run('bash', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, MOSAIC_TASK_QUEUE: w.taskQueue, MOSAIC_MONGODB_URI: w.config.mongodb.uri, OPS_KEY: opsKey },
      timeout: 90_000,
    }).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
    if (process.env.MOSAIC_DOCS_PRINT) process.stderr.write(`\n--- ${example.file}:${example.line} $ ${example.command}\n${stdout}`);
    if (!matches(example.expected, stdout)) {
      throw new Error(
        `${example.file}:${example.line} \`${example.command}\` printed:\n${stdout}\nthe page shows:\n${example.expected.join('\n')}`,
      );
    }
  });
});
