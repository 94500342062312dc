import type { Command } from 'commander';
import { loadConfig } from '../../config';
import type { CompositionProgress } from '../../contract/compose';
import { CommandFailed } from '../errors';
import { readUserFile } from '../files';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';
import { InvalidRequestError } from '../../client/workflow-errors';

function readRequest(file: string): unknown {
  const text = readUserFile(file);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CommandFailed(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/** Prints each step's state change once, from the workflow's `plan` query. */
function reporter(say: (m: string) => void) {
  const seen = new Map<string, string>();
  return (p: CompositionProgress) => {
    for (const s of p.steps) {
      const key = `${s.stage}/${s.ref}`;
      if (seen.get(key) === s.status) continue;
      seen.set(key, s.status);
      say(
        `${s.stage.padEnd(10)} ${s.ref.padEnd(26)} ${s.status}${s.latencyMs !== undefined ? ` (${s.latencyMs} ms)` : ''}${s.error ? `: ${s.error}` : ''}`,
      );
    }
  };
}

export function registerCompose(program: Command): void {
  program
    .command('compose <request>')
    .description('provision a resource (bucket, database, service) through a policy-composed handler pipeline')
    .option('--no-wait', 'start and print the workflow id and Web UI link without waiting')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nThe request is JSON: {"requestId","user","account","region","resourceType","spec":{...},"security":{...}}.\nStarting the same requestId twice attaches to the first run.\n\nExample:\n  mosaic compose examples/requests/bucket.json',
    )
    .action(async (file: string, opts: OutputOptions & { wait: boolean }) => {
      const input = readRequest(file);
      const say = progress(opts);
      await MosaicClient.use(loadConfig(), async (client) => {
        let handle;
        try {
          handle = await client.compose(input as never);
        } catch (err) {
          if (err instanceof InvalidRequestError) throw new CommandFailed(`${file}: invalid request: ${err.message}`);
          throw err;
        }
        say(`composeResource ${handle.workflowId}: ${handle.url}`);
        if (!opts.wait) return print(opts, { workflowId: handle.workflowId, url: handle.url }, () => handle.workflowId);
        const report = reporter(say);
        // A missed progress read is skipped: the next tick reads it again, and the result below is what counts.
        const poll = setInterval(() => void handle.progress().then(report, () => undefined), 300);
        try {
          const result = await handle.result();
          report({ state: 'succeeded', steps: result.steps });
          print(opts, { ...result, url: handle.url }, () =>
            [
              table(Object.entries(result.outputs).map(([output, value]) => ({ output, value }))),
              '',
              `policy ${result.policy}; ${handle.url}`,
            ].join('\n'),
          );
        } finally {
          clearInterval(poll);
        }
      });
    });
}
