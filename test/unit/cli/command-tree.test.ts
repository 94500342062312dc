import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { buildProgram, COMMANDS, commandOf } from '../../../src/cli/cli';
import { bashCompletion, commandTree, zshCompletion } from '../../../src/cli/completion';

/** Commands that print no data, and why they have no --json. */
const NO_JSON: Record<string, string> = {
  completion: 'prints a shell script',
};

function leaves(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((c) =>
    c.commands.length ? leaves(c, [...path, c.name()]) : [{ path: [...path, c.name()].join(' '), command: c }],
  );
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
};

describe('the mosaic command tree', () => {
  let program: Command;
  let all: { path: string; command: Command }[];
  beforeAll(async () => {
    program = await buildProgram();
    all = leaves(program);
  });

  it('has the commands of the operator experience', () => {
    expect(all.map((l) => l.path)).toEqual(
      expect.arrayContaining(['status', 'completion', 'compose', 'doctor', 'stack start', 'policy apply', 'audit']),
    );
  });

  it('shows an example in every `mosaic … --help`', () => {
    expect(all.filter((l) => !/Examples?:\n {2}\S/.test(helpOf(l.command))).map((l) => l.path)).toEqual([]);
  });

  it('takes --json in every command that prints data', () => {
    const without = all.filter((l) => !(l.path in NO_JSON) && !l.command.options.some((o) => o.long === '--json'));
    expect(without.map((l) => l.path)).toEqual([]);
  });

  it('lists, without loading them, the commands with the summaries their modules define', async () => {
    const bare = await buildProgram({ command: undefined });
    const summaries = (p: Command) => p.commands.map((c) => [c.name(), c.description()]);
    expect(summaries(bare)).toEqual(summaries(program));
    // Nothing but the summary: a command's subcommands and options come with its module.
    expect(bare.commands.filter((c) => c.commands.length || c.options.length || c.registeredArguments.length).map((c) => c.name())).toEqual(
      [],
    );
    expect(COMMANDS.map((c) => c.name)).toEqual(program.commands.map((c) => c.name()));
  });

  it('defines in full only the command that runs, and every command for completion', async () => {
    const defined = (p: Command) =>
      p.commands.filter((c) => c.commands.length || c.options.length || c.registeredArguments.length).map((c) => c.name());
    expect(defined(await buildProgram({ command: 'policy' }))).toEqual(['policy']);
    // One module defines keys and admin: asking for either defines both, each once.
    expect(defined(await buildProgram({ command: 'admin' }))).toEqual(['keys', 'admin']);
    expect(defined(await buildProgram({ command: 'completion' }))).toEqual(defined(program));
    expect(defined(await buildProgram({ command: 'no-such-command' }))).toEqual([]);
  });

  it.each([
    [['node', 'mosaic', '--version'], undefined],
    [['node', 'mosaic', 'policy', 'validate', 'a.yaml', '--offline'], 'policy'],
    [['node', 'mosaic', '--json', 'status'], 'status'],
    [['node', 'mosaic', 'help', 'negotiate'], 'negotiate'],
    [['node', 'mosaic', 'help'], undefined],
  ])('runs %j as command %s', (argv, command) => {
    expect(commandOf(argv.slice(2))).toBe(command);
  });
});

describe('shell completion', () => {
  const complete = (script: string, words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _mosaic; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);

  it('completes commands, subcommands, options and argument choices in bash', async () => {
    const script = bashCompletion(await buildProgram());
    expect(complete(script, ['mosaic', 'st'])).toEqual(['stack', 'status']);
    expect(complete(script, ['mosaic', 'policy', 'a'])).toEqual(['apply', 'activate']);
    expect(complete(script, ['mosaic', 'status', '--'])).toEqual(['--since-hours', '--watch', '--json', '--help']);
    expect(complete(script, ['mosaic', 'completion', ''])).toEqual(['bash', 'zsh']);
    // A file argument: nothing from us, so bash's default (file names) completes it.
    expect(complete(script, ['mosaic', 'compose', 'ex'])).toEqual([]);
  });

  it('picks up a command registered later without changes to the generator', async () => {
    const program = await buildProgram();
    program.command('fleet').command('show <name>').option('--json', 'print JSON');
    expect(complete(bashCompletion(program), ['mosaic', 'fleet', ''])).toEqual(['show']);
    expect(zshCompletion(program)).toContain("'fleet show'");
    expect(
      commandTree(program)
        .find((n) => n.path === 'fleet show')
        ?.options.map((o) => o.flag),
    ).toEqual(['--json', '--help']);
    // As the snapshot family did when it was merged: its commands complete with no change here.
    expect(complete(bashCompletion(program), ['mosaic', 'snapshot', ''])).toEqual(
      expect.arrayContaining(['compose', 'status', 'cancel', 'template', 'host']),
    );
  });

  (has('zsh') ? it : it.skip)('completes in zsh through _describe', async () => {
    const script = zshCompletion(await buildProgram());
    const out = execFileSync(
      'zsh',
      [
        '-c',
        `compdef() { :; }\n${script}\n_describe() { print -r -- "\${(P)4}"; }\n_files() { print files; }\nwords=(mosaic policy apply --); CURRENT=4; PREFIX=--; _mosaic\nwords=(mosaic compose x); CURRENT=3; PREFIX=x; _mosaic`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('--key:your private key (admin or policy-author) --json:print the result as JSON --help:show help\nfiles\n');
  });
});
