import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../../config';
import { isRunning, readRecord, startDaemon } from '../../stack/daemon';
import { logDir, runDir, waitUntilReady } from '../../stack/stack';
import { CLI_ENTRY } from '../../operator/cli-entry';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, type OutputOptions } from '../output';

const portArg = (value: string) => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a TCP port between 0 and 65535');
  return port;
};

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description(
      'serve the negotiation console: lists and searches negotiations, shows proposals side by side with charts, and sends accept/reject/modify/constraints as Temporal updates; runs until SIGINT or SIGTERM',
    )
    .option('--port <port>', 'port to listen on (default MOSAIC_CONSOLE_PORT, 8240; 0: any free port)', portArg)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--detach', 'run in the background (stopped by `mosaic stack stop`); returns once it answers')
    .option('--json', 'print where it listens as JSON')
    .addHelpText(
      'after',
      '\nExample:\n' +
        '  MOSAIC_CONSOLE_OPERATOR_TOKEN=$(openssl rand -hex 24) MOSAIC_CONSOLE_VIEWER_TOKEN=$(openssl rand -hex 24) mosaic console\n' +
        'then open http://127.0.0.1:8240 and sign in with one of the tokens (docs/console.md)',
    )
    .action(async (opts: OutputOptions & { port?: number; host: string; detach?: boolean }, command: Command) => {
      const config = loadConfig();
      const { operatorToken, viewerToken } = config.console;
      if (!operatorToken && !viewerToken) {
        throw new ConfigError([
          {
            variable: 'MOSAIC_CONSOLE_OPERATOR_TOKEN',
            value: undefined,
            expected:
              'the console signs in only with a token: set MOSAIC_CONSOLE_OPERATOR_TOKEN (negotiate) and/or MOSAIC_CONSOLE_VIEWER_TOKEN (read)',
          },
        ]);
      }
      const port = opts.port ?? config.console.port;
      if (opts.detach) {
        if (port === 0) command.error('error: --detach needs a fixed --port (0 picks one the links could not know)');
        const { url, pid, log } = await startDetachedConsole(config, opts.host, port, progress(opts));
        print(opts, { url, pid, log }, () => `negotiation console on ${url} (pid ${pid}); log: ${log}`);
        return;
      }
      // Loaded here, not at the CLI's start: the web stack is only this command's. `require`, not
      // `import()`: a source checkout runs through tsx's CommonJS hook, which a dynamic import bypasses.
      const { serveConsole } = require('../../operator/console/server') as typeof import('../../operator/console/server');
      const client = await MosaicClient.connect(config);
      const server = await serveConsole({
        host: opts.host,
        port,
        negotiations: client.negotiations,
        webUiUrl: (id) => client.url(id),
        tokens: { operator: operatorToken, viewer: viewerToken },
      });
      const roles = [operatorToken && 'operator', viewerToken && 'viewer'].filter(Boolean) as string[];
      print(opts, { url: server.url, roles, linksTo: config.console.url }, () =>
        [
          `negotiation console on ${server.url} (sign in as ${roles.join(' or ')})`,
          ...(config.console.url !== server.url ? [`links printed elsewhere point at MOSAIC_CONSOLE_URL=${config.console.url}`] : []),
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      await client.close();
    });
}

/** `mosaic console --detach`: the console as a background process with a pid record, like `worker --detach`. */
async function startDetachedConsole(config: Config, host: string, port: number, onProgress: (m: string) => void) {
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const existing = readRecord(runDir(config.dataDir), 'console');
  if (existing && isRunning(existing)) {
    onProgress(`console: already running (pid ${existing.pid})`);
    return { url, pid: existing.pid, log: existing.log };
  }
  const record = await startDaemon({
    name: 'console',
    executable: process.execPath,
    args: [CLI_ENTRY, 'console', '--host', host, '--port', String(port)],
    runDir: runDir(config.dataDir),
    logDir: logDir(config.dataDir),
    ports: { http: port },
  });
  // The sign-in page is the one page that needs no session: it answering means the console serves.
  await waitUntilReady('console', record, async () => (await fetch(`${url}/sign-in`)).ok, 30_000, 200);
  return { url, pid: record.pid, log: record.log };
}
