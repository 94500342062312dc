import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import { CommandFailed } from '../errors';
import { MosaicClient } from '../mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';

interface DemoResult {
  family: string;
  workflowId: string;
  outcome: string;
  url: string;
}

/** One entry per workflow family; each runs a real workflow on the running worker. */
const families: { family: string; run(client: MosaicClient): Promise<DemoResult> }[] = [
  {
    family: 'health',
    async run(client) {
      const report = await client.healthCheck();
      return {
        family: 'health',
        workflowId: report.workflowId,
        outcome: `${report.storage.flavor} ${report.storage.version} round trip ${report.storage.roundTripMs} ms; Temporal ${report.runtime.temporalServerVersion}`,
        url: report.url,
      };
    },
  },
];

export async function runDemo(config: Config, onProgress: (m: string) => void): Promise<DemoResult[]> {
  return MosaicClient.use(config, async (client) => {
    const results: DemoResult[] = [];
    for (const { family, run } of families) {
      onProgress(`demo: ${family}`);
      results.push(await run(client));
    }
    return results;
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a demo of every workflow family against the running stack and worker')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\n`npm run demo` sets up and starts everything first, then runs this.')
    .action(async (opts: OutputOptions) => {
      const config = loadConfig();
      const results = await runDemo(config, progress(opts)).catch((err: Error) => {
        process.stderr.write(`demo failed: ${err.message}\nRun \`mosaic doctor\` to find the broken part.\n`);
        throw new CommandFailed();
      });
      print(opts, { results, webUi: config.temporal.webUiUrl }, () =>
        [table(results, ['family', 'outcome', 'url']), '', `Temporal Web UI: ${config.temporal.webUiUrl}`].join('\n'),
      );
    });
}
