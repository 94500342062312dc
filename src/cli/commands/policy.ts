import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { parsePolicy, policyContextSchema, PdlError, type Policy, type PolicyContext } from '../../pdl';
import { signYaml, verifyDocument, type Signable } from '../../security/policy-signature';
import type { ChangeResult } from '../../contract/governance';
import { CommandFailed } from '../errors';
import { readUserFile } from '../files';
import type { MosaicClient } from '../../client/mosaic-client';
import { print, table, type OutputOptions } from '../output';

/** Parses locally first, so a bad file fails fast with line and column before anything is sent. */
function parseFile(file: string): { source: string; policy: Policy } {
  const source = readUserFile(file);
  try {
    return { source, policy: parsePolicy(source) };
  } catch (err) {
    if (err instanceof PdlError) throw new CommandFailed(`${file}: ${err.type}: ${err.message}`);
    throw err;
  }
}

// The Temporal client is loaded only by subcommands that talk to Mosaic: `validate --offline` and
// `sign` start without the SDK (issue 17: a CLI that answers in a blink).
async function withMosaic<T>(fn: (client: MosaicClient) => Promise<T>): Promise<T> {
  const { MosaicClient } = await import('../../client/mosaic-client');
  return MosaicClient.use(loadConfig(), fn);
}

async function readPrivateKey(file: string): Promise<string> {
  return (await import('../../client/governance')).readPrivateKey(file);
}

type Registry = { handlers: string[]; signers: Map<string, string> } | { unreachable: string };

/** What `validate` checks against when Mosaic answers within a few seconds; otherwise why it could not. */
async function readRegistry(): Promise<Registry> {
  const timeout = '5 seconds';
  try {
    return await withMosaic(async (c) => {
      const [handlers, signers] = await Promise.all([
        c.governance.inspect({ kind: 'handlers' }, { timeout }),
        c.governance.inspect({ kind: 'signers' }, { timeout }),
      ]);
      return { handlers: handlers.map((h) => h.ref), signers: new Map(signers.map((s) => [s.keyId, s.publicKeyPem])) };
    });
  } catch (err) {
    const { TemporalUnavailable } = await import('../../client/connection');
    if (err instanceof TemporalUnavailable) return { unreachable: `not checked: ${err.message}` };
    return {
      unreachable: `not checked: no Mosaic worker answered within ${timeout} (${(err as Error).message}); start one with \`mosaic worker\``,
    };
  }
}

/**
 * References and signature checked the way a worker will at apply time: an
 * unknown handler or a signature that does not verify fails the command; a
 * check that could not run says so instead of passing silently.
 */
function checkAgainstRegistry(file: string, source: string, p: Policy, registry: Registry) {
  const refs = new Set(
    p.spec.stages.flatMap((s) => [
      ...s.candidates,
      ...[...(s.require ?? []), ...(s.forbid ?? []), ...(s.prefer ?? [])].flatMap((r) => r.handlers),
    ]),
  );
  const base = { name: p.metadata.name, version: p.metadata.version, stages: p.spec.stages.map((s) => s.name) };
  if ('unreachable' in registry) {
    return {
      ...base,
      references: { checked: false, count: refs.size, note: registry.unreachable },
      signature: {
        status: p.signature ? ('unverified' as const) : ('unsigned' as const),
        keyId: p.signature?.keyId,
        note: p.signature ? `present (${p.signature.keyId}) but not verified: the trusted keys are not reachable` : 'unsigned',
      },
    };
  }
  try {
    parsePolicy(source, { knownHandlers: registry.handlers });
  } catch (err) {
    if (err instanceof PdlError) throw new CommandFailed(`${file}: ${err.type}: ${err.message}`);
    throw err;
  }
  let signature: { status: 'verified' | 'unsigned'; keyId?: string; note: string } = { status: 'unsigned', note: 'unsigned' };
  if (p.signature) {
    try {
      verifyDocument(p as Signable, registry.signers);
    } catch (err) {
      const e = err as Error & { type?: string };
      throw new CommandFailed(`${file}: ${e.type ?? e.name}: ${e.message}`);
    }
    signature = { status: 'verified', keyId: p.signature.keyId, note: `verified (${p.signature.keyId}, a trusted policy signer)` };
  }
  return { ...base, references: { checked: true, count: refs.size, note: `all ${refs.size} registered` }, signature };
}

function parseVersion(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CommandFailed(`version must be a positive whole number, not "${value}"`);
  return n;
}

function changeSummary(result: ChangeResult & { url: string }): string {
  return [`${result.target}: ${result.detail}`, ...(result.warnings ?? []).map((w) => `warning: ${w}`), result.url].join('\n');
}

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description('composition policies (PDL): validate, sign, apply, activate, deactivate, retire, inspect, evaluate; see docs/pdl.md');

  policy
    .command('validate <file>')
    .description(
      'check a policy file (YAML, CEL, stage order) and, when Mosaic is reachable, its handler references and signature against the registry',
    )
    .option('--offline', 'check the file alone: handler references and signature are not checked')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  mosaic policy validate policies/databases-eu.yaml\n  mosaic policy validate draft.yaml --offline')
    .action(async (file: string, opts: OutputOptions & { offline?: boolean }) => {
      const { source, policy: p } = parseFile(file);
      const registry = opts.offline ? { unreachable: 'not checked (--offline)' } : await readRegistry();
      const report = checkAgainstRegistry(file, source, p, registry);
      print(opts, report, () => {
        const lines = [`${file}: valid policy ${report.name} v${report.version} (stages ${report.stages.join(', ')})`];
        lines.push(
          report.references.checked
            ? `  handler references: all ${report.references.count} registered`
            : `  handler references: ${report.references.note}`,
        );
        lines.push(`  signature: ${report.signature.note}`);
        return lines.join('\n');
      });
    });

  policy
    .command('sign <file>')
    .description('add an Ed25519 signature over the canonical form; comments and layout are kept')
    .requiredOption('--key <file>', 'your private key')
    .option('--out <file>', 'write the signed policy here instead of in place')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy sign policies/databases-eu.yaml --key ~/.mosaic/keys/me.key')
    .action(async (file: string, opts: OutputOptions & { key: string; out?: string }) => {
      const { source } = parseFile(file);
      const signed = signYaml(source, await readPrivateKey(opts.key));
      const out = opts.out ?? file;
      fs.writeFileSync(out, signed);
      const { policy: p } = parseFile(out);
      print(opts, { file: out, keyId: p.signature!.keyId }, () => `signed ${out} with ${p.signature!.keyId}`);
    });

  policy
    .command('apply <file>')
    .description('store a signed policy as a new immutable version and make it active (a signed change)')
    .requiredOption('--key <file>', 'your private key (admin or policy-author)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy apply policies/databases-eu.yaml --key ~/.mosaic/keys/me.key')
    .action(async (file: string, opts: OutputOptions & { key: string }) => {
      const { source, policy: p } = parseFile(file);
      if (!p.signature) throw new CommandFailed(`${file} is unsigned; sign it first: mosaic policy sign ${file} --key ${opts.key}`);
      const privateKeyPem = await readPrivateKey(opts.key);
      const result = await withMosaic((c) => c.governance.change({ operation: 'policy.apply', source }, privateKeyPem));
      print(opts, result, () => changeSummary(result));
    });

  policy
    .command('activate <name> <version>')
    .description('make a stored version the active one (roll back or forward)')
    .requiredOption('--key <file>', 'your private key (admin or policy-author)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy activate databases-eu 2 --key ~/.mosaic/keys/me.key')
    .action(async (name: string, version: string, opts: OutputOptions & { key: string }) => {
      const privateKeyPem = await readPrivateKey(opts.key);
      const payload = { operation: 'policy.activate' as const, name, version: parseVersion(version) };
      const result = await withMosaic((c) => c.governance.change(payload, privateKeyPem));
      print(opts, result, () => changeSummary(result));
    });

  policy
    .command('deactivate <name>')
    .description('stop using a policy: no version of it is active until one is activated again (a signed change)')
    .requiredOption('--key <file>', 'your private key (admin or policy-author)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy deactivate databases-eu --key ~/.mosaic/keys/me.key')
    .action(async (name: string, opts: OutputOptions & { key: string }) => {
      const privateKeyPem = await readPrivateKey(opts.key);
      const result = await withMosaic((c) => c.governance.change({ operation: 'policy.deactivate', name }, privateKeyPem));
      print(opts, result, () => changeSummary(result));
    });

  policy
    .command('retire <name> <version>')
    .description('retire an inactive version for good: it stays in the history but can never be activated again (a signed change)')
    .requiredOption('--key <file>', 'your private key (admin or policy-author)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy retire databases-eu 1 --key ~/.mosaic/keys/me.key')
    .action(async (name: string, version: string, opts: OutputOptions & { key: string }) => {
      const privateKeyPem = await readPrivateKey(opts.key);
      const payload = { operation: 'policy.retire' as const, name, version: parseVersion(version) };
      const result = await withMosaic((c) => c.governance.change(payload, privateKeyPem));
      print(opts, result, () => changeSummary(result));
    });

  policy
    .command('list')
    .description('policies with their active version')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy list')
    .action(async (opts: OutputOptions) => {
      const rows = await withMosaic((c) => c.governance.inspect({ kind: 'policies' }));
      print(opts, rows, () => table(rows, ['name', 'activeVersion', 'versions', 'activatedBy', 'activatedAt']));
    });

  policy
    .command('show <name>')
    .description('the stored source of a policy (active version unless --version)')
    .option('--version <n>', 'a specific version', parseVersion)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy show databases-eu --version 2')
    .action(async (name: string, opts: OutputOptions & { version?: number }) => {
      const doc = await withMosaic((c) => c.governance.inspect({ kind: 'policy', name, version: opts.version }));
      print(opts, doc, () => `# ${name} v${doc.version}, signed by ${doc.signedBy}\n${doc.source}`);
    });

  policy
    .command('history <name>')
    .description('every stored version of a policy, newest first')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy history databases-eu')
    .action(async (name: string, opts: OutputOptions) => {
      const rows = await withMosaic((c) => c.governance.inspect({ kind: 'history', name }));
      print(opts, rows, () => table(rows, ['version', 'active', 'retired', 'signedBy', 'appliedBy', 'appliedAt', 'contentHash']));
    });

  policy
    .command('evaluate <context>')
    .description('what the active policies allow for a request context (JSON file), and why')
    .option('--why <handler>', 'explain why a handler version is or is not used, e.g. rds@1')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic policy evaluate context.json --why rds@1')
    .action(async (file: string, opts: OutputOptions & { why?: string }) => {
      const parsed = policyContextSchema.safeParse(JSON.parse(readUserFile(file)));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new CommandFailed(`${file}: ${issue.path.join('.') || 'the context'}: ${issue.message}`);
      }
      const context: PolicyContext = parsed.data;
      const result = await withMosaic((c) => c.governance.evaluate(context, opts.why));
      print(opts, result, () => {
        const lines: string[] = [];
        for (const r of result.rejected) lines.push(`refused ${r.name}@${r.version}: ${r.reason}`);
        if (result.error) lines.push(`${result.error.type}: ${result.error.message}`);
        if (result.evaluation) {
          lines.push(`policy in force: ${result.evaluation.policies.join(', ')}`);
          lines.push(
            table(
              result.evaluation.stages.map((s) => ({ ...s, preferences: s.preferences.map((p) => `${p.handler}:${p.weight}`).join(' ') })),
              ['name', 'allowed', 'required', 'preferences'],
            ),
          );
        }
        if (result.explanation) lines.push('', `why ${opts.why}:`, ...result.explanation.map((l) => `  - ${l}`));
        return lines.join('\n');
      });
      if (result.error) throw new CommandFailed();
    });
}
