import fs from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { ModelSummary } from '../../contract/models';
import { loadConfig } from '../../config';
import { CommandFailed } from '../errors';
import { readPrivateKey } from '../../client/governance';
import { renderModelReport } from '../../operator/model-report';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';

/** A usage error (exit 2) naming the argument, as commander reports its own. */
const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} expects a whole number of 1 or more, such as 3`);
  return n;
};

const KEY = ['--key <file>', 'your private key (operator or admin): the change is signed and credited to it'] as const;

const summaryColumns: (keyof ModelSummary)[] = [
  'name',
  'active',
  'createdAt',
  'outcomes',
  'rows',
  'heldOut',
  'candidateDr',
  'currentDr',
  'against',
  'decision',
];

export function registerModel(program: Command): void {
  const model = program.command('model').description('the learned decision model: versions, scheduled retraining, promotion and rollback');

  model
    .command('status')
    .description('the serving model version, why it was promoted, the latest version and the retrain schedule')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic model status')
    .action(async (opts: OutputOptions) => {
      const status = await MosaicClient.use(loadConfig(), (c) => c.models.status());
      print(opts, status, () =>
        [
          `serving: ${status.serving}${status.active ? ` (promoted by ${status.active.by} at ${status.active.at}: ${status.active.reason})` : ' (no model promoted yet)'}`,
          status.refused ? `refused: version ${status.refused.version}: ${status.refused.reason}` : '',
          `versions stored: ${status.versions}`,
          status.latest ? `latest: ${status.latest.name} ${status.latest.decision ?? ''}` : '',
          status.schedule
            ? `schedule mosaic-retrain-policy: every ${status.schedule.interval}, overlap ${status.schedule.overlap}, next ${status.schedule.nextRun ?? 'none'}`
            : 'schedule mosaic-retrain-policy: not created yet (start a worker)',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  model
    .command('history')
    .description('every stored model version with its training range, off-policy estimates and promotion decision')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic model history --json')
    .action(async (opts: OutputOptions) => {
      const rows = await MosaicClient.use(loadConfig(), (c) => c.models.history());
      print(opts, rows, () => table(rows, summaryColumns));
    });

  model
    .command('retrain')
    .description('retrain now (the schedule does it every MOSAIC_RETRAIN_INTERVAL); promotes only a better model')
    .option('--horizon-days <days>', 'learn from this many past days (default MOSAIC_RETRAIN_HORIZON_DAYS)', positiveInt('--horizon-days'))
    .requiredOption('--key <file>', 'your private key (operator or admin): the retrain is signed and credited to it')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic model retrain --horizon-days 7 --key ~/.mosaic/keys/ops.key')
    .action(async (opts: OutputOptions & { horizonDays?: number; key: string }) => {
      const privateKeyPem = readPrivateKey(opts.key);
      progress(opts)('training a candidate and evaluating it off-policy…');
      const result = await MosaicClient.use(loadConfig(), (c) => c.models.retrain({ horizonDays: opts.horizonDays }, privateKeyPem));
      print(opts, result, () => {
        switch (result.status) {
          case 'busy':
            return `another retrain is running (${result.holder}); nothing done\n${result.url}`;
          case 'not-enough-data':
            return `${result.message}\n${result.url}`;
          case 'trained':
            return `bandit-v${result.version}: ${result.promoted ? 'promoted' : 'stored, not promoted'}: ${result.decision.reason}\ntrained on ${result.rows} decisions from ${result.outcomes} outcomes in ${result.seconds} s; excluded ${JSON.stringify(result.excluded)}\n${result.url}`;
        }
      });
      if (result.status === 'busy') throw new CommandFailed();
    });

  model
    .command('promote')
    .argument('<version>', 'the model version to serve', positiveInt('<version>'))
    .description('serve a stored model version now (it is loaded and checked first)')
    .requiredOption(...KEY)
    .option('--reason <text>', 'why, kept in the promotion history', 'promoted by hand')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic model promote 3 --reason "v4 regressed on eu traffic" --key ~/.mosaic/keys/ops.key')
    .action(async (version: number, opts: OutputOptions & { reason: string; key: string }) => {
      const privateKeyPem = readPrivateKey(opts.key);
      const result = await MosaicClient.use(loadConfig(), (c) =>
        c.models.change({ operation: 'model.promote', version, reason: opts.reason }, privateKeyPem),
      );
      print(
        opts,
        result,
        () =>
          `${result.name} is serving (was ${result.previous === undefined ? 'the metrics prior' : `bandit-v${result.previous}`})\n${result.url}`,
      );
    });

  model
    .command('rollback')
    .argument('[version]', 'the model version to serve (default: the one served before)', positiveInt('[version]'))
    .description('serve the previously served model version again, or the one named')
    .requiredOption(...KEY)
    .option('--reason <text>', 'why, kept in the promotion history', 'rolled back by hand')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  mosaic model rollback --key ~/.mosaic/keys/ops.key\n  mosaic model rollback 2 --reason "bad promotion" --key ~/.mosaic/keys/ops.key',
    )
    .action(async (version: number | undefined, opts: OutputOptions & { reason: string; key: string }) => {
      const privateKeyPem = readPrivateKey(opts.key);
      const result = await MosaicClient.use(loadConfig(), (c) =>
        c.models.change(
          version === undefined
            ? { operation: 'model.rollback', reason: opts.reason }
            : { operation: 'model.rollback', version, reason: opts.reason },
          privateKeyPem,
        ),
      );
      print(opts, result, () => `${result.name} is serving again (was bandit-v${result.previous})\n${result.url}`);
    });

  model
    .command('report')
    .description('write a self-contained HTML report: learning curve, OPE per version, reward over time, choice shares')
    .option('--out <file>', 'where to write it', 'mosaic-model-report.html')
    .option('--outcomes <n>', 'how many recent outcomes to chart', positiveInt('--outcomes'), 20_000)
    .option('--json', 'print the report data as JSON instead of writing HTML')
    .addHelpText('after', '\nExample:\n  mosaic model report --out report.html && xdg-open report.html')
    .action(async (opts: OutputOptions & { out: string; outcomes: number }) => {
      const data = await MosaicClient.use(loadConfig(), (c) => c.models.reportData(opts.outcomes));
      if (opts.json) return print(opts, data, () => '');
      fs.writeFileSync(opts.out, renderModelReport(data));
      print(opts, { file: opts.out }, () => `wrote ${opts.out} (${data.versions.length} versions, ${data.outcomes} outcomes)`);
    });
}
