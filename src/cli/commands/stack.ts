import fs from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig, type Config } from '../../config';
// eslint-disable-next-line boundaries/dependencies -- `stack stop` ends the services the local provider started; moving its path helpers to src/stack is issue 17 item 3
import { stopLocalServices } from '../../providers/local-services';
import { readRecord } from '../../stack/daemon';
import { freePort } from '../../stack/ports';
import {
  productionStopOrder,
  recordedNames,
  stackProfile,
  startPrometheus,
  startProductionStack,
  PROFILE_FILE,
} from '../../stack/production';
import { postgresInstalled } from '../../stack/postgresql';
import { COMPONENTS, OPTIONAL_COMPONENTS, runDir, stackStatus, startStack, stopStack, type StackOptions } from '../../stack/stack';
import { CommandFailed } from '../errors';
import { startDetachedWorker } from './worker';
import { print, progress, table, type OutputOptions } from '../output';

export function stackOptions(config: Config, extra: Partial<StackOptions> = {}): StackOptions {
  return {
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    temporalPort: config.temporal.port,
    uiPort: config.temporal.uiPort,
    mongoPort: config.mongodb.port,
    postgresPort: config.postgresql.port,
    namespace: config.temporal.namespace,
    ...extra,
  };
}

function statusRows(config: Config) {
  const production = stackProfile(config.dataDir) === 'production';
  return stackStatus(
    config.dataDir,
    // The console is optional: listed once `console --detach` has recorded it.
    production
      ? recordedNames(config.dataDir)
      : [
          'worker',
          ...COMPONENTS,
          // PostgreSQL is optional: listed where it is installed (or was started).
          ...OPTIONAL_COMPONENTS.filter((c) => postgresInstalled() || readRecord(runDir(config.dataDir), c)),
          ...(readRecord(runDir(config.dataDir), 'console') ? ['console'] : []),
        ],
  ).map((s) => ({
    component: s.name,
    state: s.state,
    pid: s.pid,
    ports: s.ports
      ? Object.entries(s.ports)
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')
      : '',
    log: s.log,
  }));
}

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('start, stop and inspect the local stack (Temporal dev server, FerretDB and, when installed, PostgreSQL)')
    .addHelpText('after', '\nExamples:\n  mosaic stack start\n  mosaic stack status --json\n  mosaic stack stop');

  stack
    .command('start')
    .description(
      'start the local stack; a no-op for what already runs. dev (default): the Temporal dev server (Web UI included), FerretDB and, ' +
        "when Debian's postgresql is installed, PostgreSQL for the postgres-local handler (it says so when it is not). " +
        'production: PostgreSQL, the Temporal server as separate frontend, history ×2, matching ×2 and worker processes, its Web UI, ' +
        'FerretDB, Prometheus and several Mosaic workers (docs/operations.md)',
    )
    .addOption(new Option('--profile <profile>', 'which stack').choices(['dev', 'production']).default('dev'))
    .option('--workers <n>', 'production: how many Mosaic workers to start', workerCount, 2)
    .option('--headless', 'start Temporal without the Web UI')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  MOSAIC_TEMPORAL_UI_PORT=8300 mosaic stack start\n  mosaic stack start --profile production --workers 3',
    )
    .action(async (opts: OutputOptions & { headless?: boolean; profile: 'dev' | 'production'; workers: number }) => {
      const config = loadConfig();
      const onProgress = progress(opts);
      if (opts.profile === 'production') await startProduction(config, opts.workers, { headless: opts.headless, onProgress });
      else await startStack(stackOptions(config, { headless: opts.headless, onProgress }));
      const data = {
        profile: opts.profile,
        temporal: config.temporal.address,
        mongodb: config.mongodb.uri,
        webUi: opts.headless ? undefined : config.temporal.webUiUrl,
        ...(opts.profile === 'production' ? { prometheus: `http://127.0.0.1:${config.production.prometheusPort}` } : {}),
        components: statusRows(config),
      };
      print(opts, data, () =>
        [
          table(data.components, ['component', 'state', 'pid', 'ports']),
          '',
          `Temporal:   ${data.temporal}`,
          `MongoDB:    ${data.mongodb}`,
          ...(data.webUi ? [`Web UI:     ${data.webUi}`] : []),
          ...(data.prometheus ? [`Prometheus: ${data.prometheus}`] : []),
        ].join('\n'),
      );
    });

  stack
    .command('stop')
    .description(
      'stop exactly the processes `stack start`, `worker --detach` and `console --detach` started (from their pid records), and the services compositions started under the data directory',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic stack stop --json')
    .action(async (opts: OutputOptions) => {
      const { dataDir } = loadConfig();
      const production = stackProfile(dataDir) === 'production';
      const order = production ? productionStopOrder(recordedNames(dataDir)) : ['console', 'worker', ...COMPONENTS, ...OPTIONAL_COMPONENTS];
      const workers = order.filter((name) => name === 'console' || name.startsWith('worker'));
      // The console and workers first, so nothing starts services again; the services before the servers they may use.
      const worker = await stopStack(dataDir, workers);
      const services = await stopLocalServices(dataDir);
      const components = {
        ...worker,
        ...(await stopStack(
          dataDir,
          order.filter((name) => !workers.includes(name)),
        )),
      };
      if (production) fs.rmSync(PROFILE_FILE(dataDir), { force: true });
      print(opts, { components, services }, () =>
        [
          table(Object.entries(components).map(([component, state]) => ({ component, state }))),
          `services stopped: ${services.length}`,
          ...(services.length > 0 ? [table(services)] : []),
        ].join('\n'),
      );
    });

  stack
    .command('status')
    .description('show what runs; exits 1 unless Temporal and MongoDB both run')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic stack status --json')
    .action((opts: OutputOptions) => {
      const rows = statusRows(loadConfig());
      print(opts, rows, () => table(rows));
      // Workers and the console are optional; the servers are not.
      const optional = (name: string) => name === 'console' || name.startsWith('worker') || OPTIONAL_COMPONENTS.includes(name as never);
      if (rows.some((r) => !optional(r.component) && r.state !== 'running')) throw new CommandFailed();
    });
}

function workerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('expected a whole number of workers from 1 to 16, such as 2');
  return n;
}

/**
 * The production profile: the cluster, then the workers (each with its own
 * metrics port, which Prometheus is then configured to scrape).
 */
async function startProduction(config: Config, workers: number, extra: Partial<StackOptions> & { onProgress: (m: string) => void }) {
  const opts = {
    ...stackOptions(config, extra),
    postgresPort: config.postgresql.port,
    prometheusPort: config.production.prometheusPort,
    scrapeInterval: config.production.scrapeInterval,
  };
  const cluster = await startProductionStack(opts);
  const metricsPorts: number[] = [];
  for (let i = 1; i <= workers; i++) {
    const name = i === 1 ? 'worker' : `worker-${i}`;
    const port = await freePort();
    const record = await startDetachedWorker(config, extra.onProgress, {
      name,
      env: { MOSAIC_METRICS_PORT: String(port), MOSAIC_METRICS_HOST: '127.0.0.1' },
    });
    metricsPorts.push(record.ports.metrics ?? port);
  }
  await startPrometheus(opts, cluster, metricsPorts);
  return cluster;
}
