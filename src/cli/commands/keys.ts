import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { ROLES, type Role } from '../../security/roles';
import { generateKeyPair } from '../../security/keys';
import { CommandFailed } from '../errors';
import { readPrivateKey, readPublicKey } from '../../client/governance';
import { MosaicClient } from '../../client/mosaic-client';
import { addRootKey } from '../../operator/root-keys';
import { READ_KEY } from './audit';
import { print, table, type OutputOptions } from '../output';

function parseRole(value: string): Role {
  if (!(ROLES as string[]).includes(value)) throw new CommandFailed(`--role must be one of ${ROLES.join(', ')}, not "${value}"`);
  return value as Role;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Ed25519 identities: generate key pairs, grant roles, list actors');

  keys
    .command('generate')
    .description('write a key pair: <out>.key (private, mode 0600) and <out>.pub')
    .requiredOption('--out <path>', 'path prefix of the two files, e.g. ~/.mosaic/keys/me')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic keys generate --out ~/.mosaic/keys/me')
    .action((opts: OutputOptions & { out: string; force?: boolean }) => {
      const privateFile = `${opts.out}.key`;
      const publicFile = `${opts.out}.pub`;
      for (const file of [privateFile, publicFile]) {
        if (fs.existsSync(file) && !opts.force) throw new CommandFailed(`${file} exists; pass --force to overwrite it`);
      }
      const pair = generateKeyPair();
      fs.mkdirSync(path.dirname(path.resolve(privateFile)), { recursive: true, mode: 0o700 });
      fs.writeFileSync(privateFile, pair.privateKeyPem, { mode: 0o600 });
      fs.chmodSync(privateFile, 0o600);
      fs.writeFileSync(publicFile, pair.publicKeyPem, { mode: 0o644 });
      print(
        opts,
        { keyId: pair.keyId, privateKey: privateFile, publicKey: publicFile },
        () => `key ${pair.keyId}\n  private ${privateFile} (keep it secret)\n  public  ${publicFile}`,
      );
    });

  keys
    .command('grant')
    .description('give a public key a role (a signed change; needs an admin key)')
    .requiredOption('--key <file>', 'your private key (an admin)')
    .requiredOption('--public-key <file>', 'the public key to grant')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .option('--name <name>', 'a human name for the actor')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic keys grant --key admin.key --public-key alice.pub --role policy-author --name alice')
    .action(async (opts: OutputOptions & { key: string; publicKey: string; role: Role; name?: string }) => {
      const privateKeyPem = readPrivateKey(opts.key);
      const publicKeyPem = readPublicKey(opts.publicKey);
      const result = await MosaicClient.use(loadConfig(), (c) =>
        c.governance.change({ operation: 'role.grant', publicKeyPem, role: opts.role, name: opts.name }, privateKeyPem),
      );
      print(opts, result, () => `${result.target}: ${result.detail}\n${result.url}`);
    });

  keys
    .command('list')
    .description('actors (public keys) and their roles')
    .requiredOption(...READ_KEY)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic keys list --key ~/.mosaic/keys/me.key --json')
    .action(async (opts: OutputOptions & { key: string }) => {
      const key = readPrivateKey(opts.key);
      const rows = await MosaicClient.use(loadConfig(), (c) => c.governance.inspect({ kind: 'actors' }, { key }));
      print(opts, rows, () => table(rows, ['keyId', 'role', 'name', 'grantedBy', 'grantedAt']));
    });

  program
    .command('admin')
    .description('bootstrap access control')
    .command('init')
    .description("make a public key a root admin key: add it to this machine's root keys file and list it as an admin")
    .requiredOption('--public-key <file>', 'the admin public key (from `mosaic keys generate`)')
    .option('--name <name>', 'a human name for the admin')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRoot keys are configuration, not rows: every worker reads $MOSAIC_ROOT_KEYS_FILE (default $MOSAIC_DATA_DIR/keys/root-keys.pem)' +
        " and MOSAIC_ROOT_KEYS. Run this on the workers' machine, or copy the file to every worker.\n\nExample:\n  mosaic admin init --public-key ~/.mosaic/keys/me.pub",
    )
    .action(async (opts: OutputOptions & { publicKey: string; name?: string }) => {
      const publicKeyPem = readPublicKey(opts.publicKey);
      const config = loadConfig();
      const added = addRootKey(config.rootKeys.file, publicKeyPem);
      const result = await MosaicClient.use(config, (c) => c.governance.initAdmin(publicKeyPem, opts.name));
      print(opts, { ...result, rootKeysFile: config.rootKeys.file, added }, () =>
        [
          `${added ? 'added to' : 'already in'} ${config.rootKeys.file}`,
          result.created ? `admin ${result.keyId} listed` : `admin ${result.keyId} already listed`,
        ].join('\n'),
      );
    });
}
