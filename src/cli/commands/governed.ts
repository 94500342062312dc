import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import type { GovernedChange } from '../../contract/governance';
import { loadConfig } from '../../config';
import type { GovernedKind } from '../../security/governed';
import { CommandFailed } from '../errors';
import { readStructuredFile } from '../files';
import { readPrivateKey } from '../../client/governance';
import { MosaicClient } from '../../client/mosaic-client';
import { print, table, type OutputOptions } from '../output';

const KEY = ['--key <file>', 'your private key (operator or admin)'] as const;

/** A signed registration, printed like every other change. */
export async function registerGoverned(payload: GovernedChange, opts: OutputOptions & { key: string }): Promise<void> {
  const privateKeyPem = readPrivateKey(opts.key);
  const result = await MosaicClient.use(loadConfig(), (c) => c.governance.change(payload, privateKeyPem));
  print(opts, result, () => `${result.target}: ${result.detail}\n${result.url}`);
}

/**
 * A file's registration with its sha256 filled in from the file itself when
 * the description leaves it out (the CLI runs where the file is; the worker
 * checks it again on its side).
 */
function withHash(file: string, description: unknown): unknown {
  const d = description as { path?: unknown; sha256?: unknown } | null;
  if (d === null || typeof d !== 'object' || d.sha256 !== undefined || typeof d.path !== 'string') return description;
  let content: Buffer;
  try {
    content = fs.readFileSync(d.path);
  } catch (err) {
    throw new CommandFailed(
      `${file}: path ${d.path} cannot be read here (${(err as NodeJS.ErrnoException).code ?? 'error'}); give its sha256 in the description`,
    );
  }
  return { ...d, sha256: createHash('sha256').update(content).digest('hex') };
}

const EXAMPLES: Record<GovernedKind, { file: string; ref: string; what: string; columns: string[] }> = {
  command: {
    file: 'examples/commands/status-page.yaml',
    ref: 'status-page@1',
    what: 'a service command (name, version, argv) that compose requests and snapshot templates name as name@version',
    columns: ['ref', 'argv', 'registeredBy', 'registeredAt'],
  },
  file: {
    file: 'examples/files/app-conf.yaml',
    ref: 'app-conf@1',
    what: 'a template file (name, version, path under <data>/template-files, sha256) a template file names as its origin',
    columns: ['ref', 'path', 'sha256', 'registeredBy', 'registeredAt'],
  },
};

export function registerGovernedCommands(program: Command): void {
  for (const kind of ['command', 'file'] as const) {
    const example = EXAMPLES[kind];
    const group = program.command(kind).description(`registered ${kind}s: ${example.what}`);
    group
      .command('register <file>')
      .description(`register ${example.what.split(' (')[0]} from a YAML or JSON file (a signed change; versions are immutable)`)
      .requiredOption(...KEY)
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  mosaic ${kind} register ${example.file} --key ~/.mosaic/keys/ops.key`)
      .action((file: string, opts: OutputOptions & { key: string }) => {
        const description = readStructuredFile(file);
        return registerGoverned(
          kind === 'command'
            ? { operation: 'command.register', command: description }
            : { operation: 'file.register', file: withHash(file, description) },
          opts,
        );
      });
    group
      .command('list')
      .description(`registered ${kind}s, every version`)
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  mosaic ${kind} list`)
      .action(async (opts: OutputOptions) => {
        const rows = await MosaicClient.use(loadConfig(), (c) => c.governance.inspect({ kind: 'governed', type: kind }));
        print(opts, rows, () => table(rows, example.columns));
      });
    group
      .command('show <ref>')
      .description(`one registered ${kind} with the signed request that registered it`)
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExample:\n  mosaic ${kind} show ${example.ref}`)
      .action(async (ref: string, opts: OutputOptions) => {
        const doc = await MosaicClient.use(loadConfig(), (c) => c.governance.inspect({ kind: 'governed-object', type: kind, ref }));
        print(opts, doc, () => JSON.stringify(doc, null, 2));
      });
  }
}
