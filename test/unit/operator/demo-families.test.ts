import { Command } from 'commander';
import { DEMO_FAMILIES, registerDemo } from '../../../src/cli/commands/demo';

/** The demo's command line as a user types it, parsed without running anything. */
function parseDemo(args: string[]): { error?: string; family?: string[] } {
  const program = new Command().exitOverride();
  let error: string | undefined;
  program.configureOutput({ writeErr: (s) => (error = s), writeOut: () => undefined });
  registerDemo(program);
  const demo = program.commands.find((c) => c.name() === 'demo')!;
  demo.exitOverride().action(() => undefined);
  try {
    program.parse(['node', 'mosaic', 'demo', ...args]);
  } catch {
    return { error };
  }
  return { family: demo.opts<{ family?: string[] }>().family };
}

describe('mosaic demo --family', () => {
  it('runs every family unless told which', () => {
    expect(parseDemo([]).family).toBeUndefined();
    expect(DEMO_FAMILIES).toEqual(['health', 'policy', 'compose', 'learning-burst', 'learning', 'snapshot', 'negotiate']);
  });

  it('takes a comma-separated list of known families', () => {
    expect(parseDemo(['--family', 'compose, snapshot']).family).toEqual(['compose', 'snapshot']);
  });

  it('refuses an unknown family, naming it and the known ones', () => {
    const { error } = parseDemo(['--family', 'compose,bogus']);
    expect(error).toContain('not bogus');
    expect(error).toContain(DEMO_FAMILIES.join(', '));
  });
});
