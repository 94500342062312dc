import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { MosaicClient } from '../mosaic-client';
import { print, table, type OutputOptions } from '../output';

export function registerHandler(program: Command): void {
  const handler = program.command('handler').description('the handler registry: versions, capabilities and live metrics');

  handler
    .command('list')
    .description('registered handler versions with their status and live metrics')
    .option('--resource-type <type>', 'only handlers serving this resource type')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler list --resource-type database')
    .action(async (opts: OutputOptions & { resourceType?: string }) => {
      const rows = await MosaicClient.use(loadConfig(), (c) =>
        c.governance.inspect<Record<string, unknown>[]>({ kind: 'handlers', resourceType: opts.resourceType }),
      );
      print(opts, rows, () => table(rows, ['ref', 'status', 'resourceTypes', 'requires', 'provides', 'calls', 'errorRate', 'latencyP50Ms', 'latencyP95Ms']));
    });

  handler
    .command('show <ref>')
    .description('one handler version: descriptor, retry policy, timeouts and metrics')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler show provision-database@1')
    .action(async (ref: string, opts: OutputOptions) => {
      const doc = await MosaicClient.use(loadConfig(), (c) => c.governance.inspect<Record<string, unknown>>({ kind: 'handler', ref }));
      print(opts, doc, () => JSON.stringify(doc, null, 2));
    });
}
