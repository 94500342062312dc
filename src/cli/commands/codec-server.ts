import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, loadConfig } from '../../config';
import { serveCodec } from '../../operator/codec-server';
import { print, type OutputOptions } from '../output';

const portArg = (value: string) => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a TCP port between 0 and 65535');
  return port;
};

const originArg = (value: string) => {
  try {
    return new URL(value).origin;
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://localhost:8233');
  }
};

export function registerCodecServer(program: Command): void {
  program
    .command('codec-server')
    .description(
      'serve the payload codec the Temporal Web UI calls to show encrypted inputs and results to viewers holding MOSAIC_CODEC_TOKEN; runs until SIGINT or SIGTERM',
    )
    .option('--port <port>', 'port to listen on (0: any free port)', portArg, 8888)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--ui-origin <url>', "the Web UI's origin CORS admits (default: the origin of MOSAIC_WEB_UI_URL)", originArg)
    .option('--json', 'print where it listens as JSON')
    .addHelpText(
      'after',
      '\nExample:\n' +
        '  # with MOSAIC_PAYLOAD_KEYS as the worker has it\n' +
        '  MOSAIC_CODEC_TOKEN=$(openssl rand -hex 24) mosaic codec-server --port 8888\n' +
        'then point the Web UI\'s codec server setting at http://localhost:8888 (docs/reliability.md, "Payload encryption")',
    )
    .action(async (opts: OutputOptions & { port: number; host: string; uiOrigin?: string }) => {
      const config = loadConfig();
      if (config.payloadKeys.length === 0) {
        throw new ConfigError([
          { variable: 'MOSAIC_PAYLOAD_KEYS', value: undefined, expected: 'the codec server needs the keys the worker encrypts with' },
        ]);
      }
      if (!config.codecToken) {
        throw new ConfigError([
          {
            variable: 'MOSAIC_CODEC_TOKEN',
            value: undefined,
            expected: 'the codec server gives plaintext only to viewers holding this token; set one',
          },
        ]);
      }
      const uiOrigin = opts.uiOrigin ?? new URL(config.temporal.webUiUrl).origin;
      const server = await serveCodec({ host: opts.host, port: opts.port, keys: config.payloadKeys, token: config.codecToken, uiOrigin });
      const keys = config.payloadKeys.map((k) => k.id);
      print(
        opts,
        { url: server.url, uiOrigin, currentKey: keys[0], keys },
        () => `codec server on ${server.url} for the Web UI at ${uiOrigin}; encrypts with ${keys[0]}, decrypts ${keys.join(', ')}`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
