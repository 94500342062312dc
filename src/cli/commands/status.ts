import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config';
import { MosaicClient } from '../../client/mosaic-client';
import { print, table, type OutputOptions } from '../output';
import { describeModel, type StatusReport } from '../../client/status';

function positiveHours(value: string): number {
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours <= 0) throw new InvalidArgumentError('expected a number of hours such as 24');
  return hours;
}

export function renderStatus(report: StatusReport): string {
  const workers = report.workers.length
    ? `${report.workers.length} polling: ${report.workers.map((w) => w.identity).join(', ')}`
    : 'none polling: start one with `mosaic worker --detach`';
  return [
    `WORKFLOWS (running, or started since ${report.since})`,
    table(report.workflows, ['kind', 'state', 'count']),
    '',
    `WORKERS  ${workers}`,
    `MODEL    ${report.model ? describeModel(report.model) : `unknown: ${report.unread}`}`,
    '',
    'HANDLERS',
    report.unread ? `unknown: ${report.unread}` : table(report.handlers, ['ref', 'status', 'calls', 'errorRate', 'latencyP95Ms', 'health']),
    '',
    `Web UI: ${report.url}`,
  ].join('\n');
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('running and recent workflows by kind and state (from visibility), workers, handler health, model version')
    .option('--since-hours <hours>', 'also count workflows started in this many past hours', positiveHours, 24)
    .option('--watch', 'redraw every 2 seconds until Ctrl-C')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  mosaic status\n  mosaic status --since-hours 1 --json\n  mosaic status --watch')
    .action(async (opts: OutputOptions & { sinceHours: number; watch?: boolean }) => {
      await MosaicClient.use(loadConfig(), async (client) => {
        for (;;) {
          const report = await client.status({ since: new Date(Date.now() - opts.sinceHours * 3_600_000) });
          if (opts.watch && !opts.json) process.stdout.write('\x1b[2J\x1b[H');
          print(opts, report, () => renderStatus(report));
          if (!opts.watch) return;
          await new Promise((r) => setTimeout(r, 2000));
        }
      });
    });
}
