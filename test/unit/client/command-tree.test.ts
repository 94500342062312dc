import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/client/cli';
import { bashCompletion, commandTree, zshCompletion } from '../../../src/client/completion';

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
  const program = buildProgram();
  const all = leaves(program);

  it('has the commands of the operator experience', () => {
    expect(all.map((l) => l.path)).toEqual(
      expect.arrayContaining(['status', 'completion', 'compose', 'doctor', 'stack start', 'policy apply', 'audit']),
    );
  });

  it.each(all.map((l) => [l.path, l.command] as const))('`mosaic %s --help` shows an example', (_path, command) => {
    expect(helpOf(command)).toMatch(/Examples?:\n {2}\S/);
  });

  it.each(all.filter((l) => !(l.path in NO_JSON)).map((l) => [l.path, l.command] as const))(
    '`mosaic %s` takes --json',
    (_path, command) => {
      expect(command.options.map((o) => o.long)).toContain('--json');
    },
  );
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

  it('completes commands, subcommands, options and argument choices in bash', () => {
    const script = bashCompletion(buildProgram());
    expect(complete(script, ['mosaic', 'st'])).toEqual(['stack', 'status']);
    expect(complete(script, ['mosaic', 'policy', 'a'])).toEqual(['apply', 'activate']);
    expect(complete(script, ['mosaic', 'status', '--'])).toEqual(['--since-hours', '--watch', '--json', '--help']);
    expect(complete(script, ['mosaic', 'completion', ''])).toEqual(['bash', 'zsh']);
    // A file argument: nothing from us, so bash's default (file names) completes it.
    expect(complete(script, ['mosaic', 'compose', 'ex'])).toEqual([]);
  });

  it('picks up a command registered later without changes to the generator', () => {
    const program = buildProgram();
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

  (has('zsh') ? it : it.skip)('completes in zsh through _describe', () => {
    const script = zshCompletion(buildProgram());
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
