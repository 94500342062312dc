import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import { stopLocalServices } from '../../providers/local-services';
import { COMPONENTS, stackStatus, startStack, stopStack, type StackOptions } from '../../stack/stack';
import { CommandFailed } from '../errors';
import { print, progress, table, type OutputOptions } from '../output';

export function stackOptions(config: Config, extra: Partial<StackOptions> = {}): StackOptions {
  return {
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    temporalPort: config.temporal.port,
    uiPort: config.temporal.uiPort,
    mongoPort: config.mongodb.port,
    namespace: config.temporal.namespace,
    ...extra,
  };
}

function statusRows(config: Config) {
  return stackStatus(config.dataDir).map((s) => ({
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
    .description('start, stop and inspect the local stack (Temporal dev server and FerretDB)')
    .addHelpText('after', '\nExamples:\n  mosaic stack start\n  mosaic stack status --json\n  mosaic stack stop');

  stack
    .command('start')
    .description('start the Temporal dev server (Web UI included) and FerretDB; a no-op for what already runs')
    .option('--headless', 'start Temporal without the Web UI')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  MOSAIC_TEMPORAL_UI_PORT=8300 mosaic stack start')
    .action(async (opts: OutputOptions & { headless?: boolean }) => {
      const config = loadConfig();
      await startStack(stackOptions(config, { headless: opts.headless, onProgress: progress(opts) }));
      const data = {
        temporal: config.temporal.address,
        mongodb: config.mongodb.uri,
        webUi: opts.headless ? undefined : config.temporal.webUiUrl,
        components: statusRows(config),
      };
      print(opts, data, () =>
        [
          table(data.components, ['component', 'state', 'pid', 'ports']),
          '',
          `Temporal:  ${data.temporal}`,
          `MongoDB:   ${data.mongodb}`,
          ...(data.webUi ? [`Web UI:    ${data.webUi}`] : []),
        ].join('\n'),
      );
    });

  stack
    .command('stop')
    .description(
      'stop exactly the processes `stack start` and `worker --detach` started (from their pid records), and the services compositions started under the data directory',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic stack stop --json')
    .action(async (opts: OutputOptions) => {
      const { dataDir } = loadConfig();
      // The worker first, so it does not start services again; the services before the servers they may use.
      const worker = await stopStack(dataDir, ['worker']);
      const services = await stopLocalServices(dataDir);
      const components = { ...worker, ...(await stopStack(dataDir, COMPONENTS)) };
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
      if (rows.some((r) => r.component !== 'worker' && r.state !== 'running')) throw new CommandFailed();
    });
}
