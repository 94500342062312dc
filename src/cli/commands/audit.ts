import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { readPrivateKey } from '../../client/governance';
import { MosaicClient } from '../../client/mosaic-client';
import { print, table, type OutputOptions } from '../output';

/** Reading the audit trail or the actors is signed too: any role may (`audit.read`), a key without one may not. */
export const READ_KEY = ['--key <file>', 'your private key (any role): the read is signed with it'] as const;

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('the append-only audit trail of allowed and denied changes, newest first')
    .option('--limit <n>', 'how many entries (at most 1000)', (v) => Number.parseInt(v, 10), 50)
    .option('--actor <keyId>', 'only this actor')
    .option('--operation <op>', 'only this operation, e.g. policy.apply')
    .requiredOption(...READ_KEY)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic audit --operation policy.apply --limit 20 --key ~/.mosaic/keys/me.key')
    .action(async (opts: OutputOptions & { limit: number; actor?: string; operation?: string; key: string }) => {
      const key = readPrivateKey(opts.key);
      const rows = await MosaicClient.use(loadConfig(), (c) =>
        c.governance.inspect({ kind: 'audit', limit: opts.limit, actor: opts.actor, operation: opts.operation }, { key }),
      );
      print(opts, rows, () => table(rows, ['at', 'result', 'operation', 'target', 'actor', 'reason']));
    });
}
