import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, loadConfig } from '../../config';
import { MosaicClient } from '../mosaic-client';
import { print, type OutputOptions } from '../output';

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
    .option('--json', 'print where it listens as JSON')
    .addHelpText(
      'after',
      '\nExample:\n' +
        '  MOSAIC_CONSOLE_OPERATOR_TOKEN=$(openssl rand -hex 24) MOSAIC_CONSOLE_VIEWER_TOKEN=$(openssl rand -hex 24) mosaic console\n' +
        'then open http://127.0.0.1:8240 and sign in with one of the tokens (docs/console.md)',
    )
    .action(async (opts: OutputOptions & { port?: number; host: string }) => {
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
      // Loaded here, not at the CLI's start: the web stack is only this command's. `require`, not
      // `import()`: a source checkout runs through tsx's CommonJS hook, which a dynamic import bypasses.
      const { serveConsole } = require('../console/server') as typeof import('../console/server');
      const client = await MosaicClient.connect(config);
      const server = await serveConsole({
        host: opts.host,
        port: opts.port ?? config.console.port,
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
