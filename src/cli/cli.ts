import { Command, CommanderError } from 'commander';
import { CommandFailed } from './errors';

/** Exit codes scripts can trust: 0 ok, 1 the operation failed, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

type Register = (program: Command) => void;

// Modules that define two top-level commands: one loader each, so the module registers once.
const keysModule = async () => (await import('./commands/keys')).registerKeys;
const negotiateModule = async () => (await import('./commands/negotiation')).registerNegotiate;
const governedModule = async () => (await import('./commands/governed')).registerGovernedCommands;

/**
 * Every top-level command, in help order, with the one-line summary `mosaic --help` shows and the
 * module that defines it. A command's module (and with it mongoose, tfjs, the AWS SDK or the
 * Temporal client) is loaded only when that command runs, so `--version`, `--help` and the offline
 * commands start in a blink. The summaries equal the modules' descriptions (test/unit/cli/command-tree.test.ts).
 */
export const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Register> }[] = [
  {
    name: 'stack',
    summary: 'start, stop and inspect the local stack (Temporal dev server, FerretDB and, when installed, PostgreSQL)',
    load: async () => (await import('./commands/stack')).registerStack,
  },
  {
    name: 'worker',
    summary: 'run the Mosaic worker: polls the task queue until SIGINT or SIGTERM, then drains',
    load: async () => (await import('./commands/worker')).registerWorker,
  },
  {
    name: 'doctor',
    summary: 'check every part a request goes through (Temporal, worker, MongoDB) with a real healthCheck workflow',
    load: async () => (await import('./commands/doctor')).registerDoctor,
  },
  {
    name: 'compose',
    summary: 'provision a resource (bucket, database, service) through a policy-composed handler pipeline',
    load: async () => (await import('./commands/compose')).registerCompose,
  },
  {
    name: 'policy',
    summary: 'composition policies (PDL): validate, sign, apply, activate, deactivate, retire, inspect, evaluate; see docs/pdl.md',
    load: async () => (await import('./commands/policy')).registerPolicy,
  },
  {
    name: 'handler',
    summary: 'the handler registry: versions, capabilities and live metrics',
    load: async () => (await import('./commands/handler')).registerHandler,
  },
  {
    name: 'command',
    summary:
      'registered commands: a service command (name, version, argv) that compose requests and snapshot templates name as name@version',
    load: governedModule,
  },
  {
    name: 'file',
    summary:
      'registered files: a template file (name, version, path under <data>/template-files, sha256) a template file names as its origin',
    load: governedModule,
  },
  {
    name: 'keys',
    summary: 'Ed25519 identities: generate key pairs, grant roles, list actors',
    load: keysModule,
  },
  {
    name: 'admin',
    summary: 'bootstrap access control',
    load: keysModule,
  },
  {
    name: 'audit',
    summary: 'the append-only audit trail of allowed and denied changes, newest first',
    load: async () => (await import('./commands/audit')).registerAudit,
  },
  {
    name: 'model',
    summary: 'the learned decision model: versions, scheduled retraining, promotion and rollback',
    load: async () => (await import('./commands/models')).registerModel,
  },
  {
    name: 'snapshot',
    summary: 'compose environments from templates and live hosts (the snapshot manifest)',
    load: async () => (await import('./commands/snapshot')).registerSnapshot,
  },
  {
    name: 'negotiate',
    summary: 'negotiate an instance for a workload: proposals, feedback, agreement, provisioning',
    load: negotiateModule,
  },
  {
    name: 'persona',
    summary: 'the persona store and marketplace: immutable versions, sharing, usage',
    load: negotiateModule,
  },
  {
    name: 'catalog',
    summary: 'the EC2 instance catalog proposals are made from: types, regions, prices and where they come from',
    load: async () => (await import('./commands/catalog')).registerCatalog,
  },
  {
    name: 'cost',
    summary: 'running cost of every agreed instance and per account, with right-sizing that keeps to each agreement',
    load: async () => (await import('./commands/cost')).registerCost,
  },
  {
    name: 'workload',
    summary: 'the workload analyzer: what a description states and what it needs',
    load: async () => (await import('./commands/workload')).registerWorkload,
  },
  {
    name: 'demo',
    summary: 'run a demo of every workflow family against the running stack and worker',
    load: async () => (await import('./commands/demo')).registerDemo,
  },
  {
    name: 'status',
    summary: 'running and recent workflows by kind and state (from visibility), workers, handler health, model version',
    load: async () => (await import('./commands/status')).registerStatus,
  },
  {
    // The completion script is generated from the whole command tree, so this one command loads them all.
    name: 'completion',
    summary: 'print a completion script for bash or zsh, generated from the command tree',
    load: async () => (await import('./commands/completion')).registerCompletion,
  },
  {
    name: 'codec-server',
    summary:
      'serve the payload codec the Temporal Web UI calls to show encrypted inputs and results to viewers holding MOSAIC_CODEC_TOKEN; runs until SIGINT or SIGTERM',
    load: async () => (await import('./commands/codec-server')).registerCodecServer,
  },
  {
    name: 'console',
    summary:
      'serve the negotiation console: lists and searches negotiations, shows proposals side by side with charts, and sends accept/reject/modify/constraints as Temporal updates; runs until SIGINT or SIGTERM',
    load: async () => (await import('./commands/console')).registerConsole,
  },
];

/** The command an argument vector runs (`mosaic help policy` runs policy's help), or undefined for the program itself. */
export function commandOf(args: readonly string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * The program with the full definition of every command (`'all'`), or of just the command an
 * invocation runs; the others get only the name and summary that `mosaic --help` and "unknown
 * command" suggestions need.
 */
export async function buildProgram(scope: 'all' | { command: string | undefined } = 'all'): Promise<Command> {
  const program = new Command('mosaic')
    .description('Mosaic: adaptive provisioning orchestrator on Temporal')
    .version(require('../../package.json').version as string)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const all = scope === 'all' || scope.command === 'completion';
  const named = scope === 'all' ? undefined : scope.command;
  const wanted = new Set(COMMANDS.filter((c) => all || c.name === named).map((c) => c.load));
  const loaded = new Set<() => Promise<Register>>();
  for (const c of COMMANDS) {
    if (!wanted.has(c.load)) program.command(c.name).description(c.summary);
    else if (!loaded.has(c.load)) {
      loaded.add(c.load);
      (await c.load())(program);
    }
  }
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    // Help, version and unknown commands load no command module at all.
    await (await buildProgram({ command: commandOf(argv.slice(2)) })).parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    return reportFailure(err);
  }
}

async function reportFailure(err: unknown): Promise<number> {
  if (err instanceof CommanderError) {
    // Help and version end through here with exit code 0.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof CommandFailed) {
    if (err.message) process.stderr.write(`mosaic: ${err.message}\n`);
    return EXIT.failure;
  }
  // Loaded on the way out only: the configuration module brings zod, the failure reader the Temporal SDK.
  const { ConfigError } = await import('../config');
  if (err instanceof ConfigError) {
    process.stderr.write(`mosaic: configuration error\n${err.message}\n`);
    return EXIT.usage;
  }
  const { rootFailure } = await import('../client/failures');
  const failure = rootFailure(err);
  if (failure) {
    process.stderr.write(`mosaic: ${failure.type}: ${failure.message}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`mosaic: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.failure;
}
