import type { Command } from 'commander';
import type { HandlerChange } from '../../contract/governance';
import { loadConfig } from '../../config';
import { CommandFailed } from '../errors';
import { readStructuredFile } from '../files';
import { readPrivateKey } from '../../client/governance';
import { MosaicClient } from '../../client/mosaic-client';
import { print, table, type OutputOptions } from '../output';

/** A signed registry change, printed like every other change. */
async function change(payload: HandlerChange, opts: OutputOptions & { key: string }) {
  const privateKeyPem = readPrivateKey(opts.key);
  const result = await MosaicClient.use(loadConfig(), (c) => c.governance.change(payload, privateKeyPem));
  print(opts, result, () => `${result.target}: ${result.detail}\n${result.url}`);
}

const KEY = ['--key <file>', 'your private key (operator or admin)'] as const;

export function registerHandler(program: Command): void {
  const handler = program.command('handler').description('the handler registry: versions, capabilities and live metrics');

  handler
    .command('list')
    .description('registered handler versions with their status and live metrics')
    .option('--resource-type <type>', 'only handlers serving this resource type')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler list --resource-type database')
    .action(async (opts: OutputOptions & { resourceType?: string }) => {
      const rows = await MosaicClient.use(loadConfig(), (c) => c.governance.inspect({ kind: 'handlers', resourceType: opts.resourceType }));
      print(opts, rows, () =>
        table(rows, ['ref', 'status', 'resourceTypes', 'requires', 'provides', 'calls', 'errorRate', 'latencyP50Ms', 'latencyP95Ms']),
      );
    });

  handler
    .command('show <ref>')
    .description('one handler version: descriptor, retry policy, timeouts and metrics')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler show provision-database@1')
    .action(async (ref: string, opts: OutputOptions) => {
      const doc = await MosaicClient.use(loadConfig(), (c) => c.governance.inspect({ kind: 'handler', ref }));
      print(opts, doc, () => JSON.stringify(doc, null, 2));
    });

  handler
    .command('register <descriptor>')
    .description('register a handler version from a YAML or JSON descriptor (a signed change; versions are immutable)')
    .requiredOption(...KEY)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler register examples/handlers/tag-bucket.yaml --key ~/.mosaic/keys/ops.key')
    .action((file: string, opts: OutputOptions & { key: string }) =>
      change({ operation: 'handler.register', descriptor: readStructuredFile(file) }, opts),
    );

  handler
    .command('promote <ref>')
    .description('make a version active, or a canary that gets a share of the traffic (A/B)')
    .requiredOption(...KEY)
    .option('--canary <share>', 'serve this share (0..1) of the requests that could use it', Number.parseFloat)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  mosaic handler promote provision-bucket@2 --canary 0.1 --key ops.key\n  mosaic handler promote provision-bucket@2 --key ops.key',
    )
    .action((ref: string, opts: OutputOptions & { key: string; canary?: number }) => {
      if (opts.canary !== undefined && !(opts.canary > 0 && opts.canary < 1))
        throw new CommandFailed('--canary must be a share between 0 and 1, such as 0.1');
      return change(
        { operation: 'handler.promote', ref, status: opts.canary === undefined ? 'active' : 'canary', canaryShare: opts.canary },
        opts,
      );
    });

  handler
    .command('rollback <id> <version>')
    .description('serve only this version of a handler again; the other versions are retired')
    .requiredOption(...KEY)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler rollback provision-bucket 1 --key ops.key')
    .action((id: string, version: string, opts: OutputOptions & { key: string }) =>
      change({ operation: 'handler.rollback', id, version }, opts),
    );

  handler
    .command('retire <ref>')
    .description('stop choosing a handler version; it stays registered')
    .requiredOption(...KEY)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic handler retire notify@1 --key ops.key')
    .action((ref: string, opts: OutputOptions & { key: string }) => change({ operation: 'handler.retire', ref }, opts));
}
