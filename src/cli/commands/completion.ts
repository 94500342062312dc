import { Argument, type Command } from 'commander';
import { bashCompletion, zshCompletion } from '../completion';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion } as const;

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a completion script for bash or zsh, generated from the command tree')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(Object.keys(SHELLS)))
    .addHelpText(
      'after',
      '\nPrints a shell script, not data, so it has no --json.\n\nExamples:\n  source <(mosaic completion bash)\n  mosaic completion zsh > "${fpath[1]}/_mosaic"',
    )
    .action((shell: keyof typeof SHELLS) => {
      process.stdout.write(SHELLS[shell](program));
    });
}
