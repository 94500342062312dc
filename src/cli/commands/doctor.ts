import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { runDoctor, type DoctorReport } from '../../operator/doctor';
import { CommandFailed } from '../errors';
import { print, table, type OutputOptions } from '../output';

export function formatDoctor(report: DoctorReport): string {
  const lines = [
    table(
      report.checks.map((c) => ({ ...c, status: c.status.toUpperCase() })),
      ['part', 'status', 'detail', 'fix'],
    ),
  ];
  if (report.url) lines.push('', `healthCheck workflow: ${report.url}`);
  lines.push(
    '',
    report.ok
      ? 'All parts healthy.'
      : `Failing: ${report.checks
          .filter((c) => c.status === 'fail')
          .map((c) => c.part)
          .join(', ')}`,
  );
  return lines.join('\n');
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check every part a request goes through (Temporal, worker, MongoDB) with a real healthCheck workflow')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExits 1 and names the failing part when something is down.\n\nExample:\n  mosaic doctor --json')
    .action(async (opts: OutputOptions) => {
      const report = await runDoctor(loadConfig());
      print(opts, report, () => formatDoctor(report));
      if (!report.ok) throw new CommandFailed();
    });
}
