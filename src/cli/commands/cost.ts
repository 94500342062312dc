import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config';
import type { CostSummary } from '../../negotiation/cost';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';
import { positive } from './negotiation';

// Each agreed negotiation is read once (its view says when it was provisioned): the count bounds the work.
const MAX_INSTANCES = 1000;

function describeCosts(s: CostSummary): string {
  if (!s.instances.length) return 'no agreed instances: agree to a proposal with mosaic negotiate accept';
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const instances = table(
    s.instances.map((i) => ({
      negotiation: i.negotiationId,
      account: i.account,
      instance: `${i.instanceType} ${i.region}${i.replicaId ? ' + replica' : ''}`,
      state: i.state,
      hours: i.hours,
      running: usd(i.runningUsd),
      monthly: `${usd(i.monthlyUsd)}${i.unpriced ? ' (storage and key only: no price data)' : ''}`,
      'right-size': i.recommendation
        ? `${i.recommendation.instanceType} ${usd(i.recommendation.monthlyUsd)}/month, saves ${usd(i.recommendation.savingPerMonthUsd)}: ${i.recommendation.reason}`
        : i.note,
    })),
    ['negotiation', 'account', 'instance', 'state', 'hours', 'running', 'monthly', 'right-size'],
  );
  const accounts = table(
    s.accounts.map((a) => ({
      ...a,
      runningUsd: usd(a.runningUsd),
      monthlyUsd: usd(a.monthlyUsd),
      savingPerMonthUsd: usd(a.savingPerMonthUsd),
    })),
    ['account', 'instances', 'runningUsd', 'monthlyUsd', 'savingPerMonthUsd'],
  );
  return `${instances}\n\nper account:\n${accounts}\n\ntotal ${usd(s.total.runningUsd)} so far, ${usd(s.total.monthlyUsd)}/month; the recommendations would save ${usd(s.total.savingPerMonthUsd)}/month`;
}

export function registerCost(program: Command): void {
  program
    .command('cost')
    .description('running cost of every agreed instance and per account, with right-sizing that keeps to each agreement')
    .option('--account <name>', 'only this account')
    .option(
      '--limit <n>',
      `read at most this many agreed negotiations (at most ${MAX_INSTANCES})`,
      (v: string) => {
        const n = positive('--limit')(v);
        if (n > MAX_INSTANCES) throw new InvalidArgumentError(`--limit must be at most ${MAX_INSTANCES}`);
        return n;
      },
      200,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  mosaic cost\n  mosaic cost --account shop --json')
    .action(async (opts: OutputOptions & { account?: string; limit: number }) => {
      progress(opts)('reading the agreed negotiations from Temporal');
      const summary = await MosaicClient.use(loadConfig(), (c) => c.negotiations.costs(opts));
      print(opts, summary, () => describeCosts(summary));
    });
}
