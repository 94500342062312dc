import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { registerAudit } from './commands/audit';
import { registerCatalog } from './commands/catalog';
import { registerCodecServer } from './commands/codec-server';
import { registerCompletion } from './commands/completion';
import { registerCompose } from './commands/compose';
import { registerConsole } from './commands/console';
import { registerCost } from './commands/cost';
import { registerDemo } from './commands/demo';
import { registerDoctor } from './commands/doctor';
import { registerGovernedCommands } from './commands/governed';
import { registerHandler } from './commands/handler';
import { registerKeys } from './commands/keys';
import { registerModel } from './commands/model';
import { registerNegotiate } from './commands/negotiate';
import { registerPolicy } from './commands/policy';
import { registerSnapshot } from './commands/snapshot';
import { registerStack } from './commands/stack';
import { registerStatus } from './commands/status';
import { registerWorker } from './commands/worker';
import { registerWorkload } from './commands/workload';
import { CommandFailed } from './errors';
import { rootFailure } from './failures';

/** Exit codes scripts can trust: 0 ok, 1 the operation failed, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('mosaic')
    .description('Mosaic: adaptive provisioning orchestrator on Temporal')
    .version(require('../../package.json').version as string)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStack(program);
  registerWorker(program);
  registerDoctor(program);
  registerCompose(program);
  registerPolicy(program);
  registerHandler(program);
  registerGovernedCommands(program);
  registerKeys(program);
  registerAudit(program);
  registerModel(program);
  registerSnapshot(program);
  registerNegotiate(program);
  registerCatalog(program);
  registerCost(program);
  registerWorkload(program);
  registerDemo(program);
  registerStatus(program);
  registerCompletion(program);
  registerCodecServer(program);
  registerConsole(program);
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`mosaic: configuration error\n${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof CommandFailed) {
      if (err.message) process.stderr.write(`mosaic: ${err.message}\n`);
      return EXIT.failure;
    }
    const failure = rootFailure(err);
    if (failure) {
      process.stderr.write(`mosaic: ${failure.type}: ${failure.message}\n`);
      return EXIT.failure;
    }
    process.stderr.write(`mosaic: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
}
