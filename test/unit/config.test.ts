import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, settings, temporalConnectionOptions, workflowUrl } from '../../src/config';

describe('loadConfig', () => {
  it('defaults to the local stack', () => {
    const config = loadConfig({ HOME: '/home/u' });
    expect(config.temporal).toMatchObject({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'mosaic',
      tls: false,
      webUiUrl: 'http://localhost:8233',
    });
    expect(config.mongodb.uri).toBe('mongodb://127.0.0.1:27017/mosaic');
    expect(config.dataDir).toBe(path.resolve('.mosaic'));
    expect(config.logLevel).toBe('info');
  });

  it('derives addresses from changed ports unless an address is given', () => {
    const config = loadConfig({ MOSAIC_TEMPORAL_PORT: '7300', MOSAIC_MONGODB_PORT: '27100', MOSAIC_TEMPORAL_UI_PORT: '8300' });
    expect(config.temporal.address).toBe('127.0.0.1:7300');
    expect(config.temporal.webUiUrl).toBe('http://localhost:8300');
    expect(config.mongodb.uri).toBe('mongodb://127.0.0.1:27100/mosaic');
    const explicit = loadConfig({ MOSAIC_TEMPORAL_PORT: '7300', MOSAIC_TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(explicit.temporal.address).toBe('temporal:7233');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ MOSAIC_TEMPORAL_PORT: '' }).temporal.port).toBe(7233);
  });

  it.each([
    ['MOSAIC_TEMPORAL_PORT', 'abc', /TCP port/],
    ['MOSAIC_TEMPORAL_PORT', '70000', /between 1 and 65535/],
    ['MOSAIC_MONGODB_URI', 'postgres://x', /MongoDB URI/],
    ['MOSAIC_TEMPORAL_ADDRESS', 'no-port', /host:port/],
    ['MOSAIC_LOG_LEVEL', 'loud', /one of trace/],
    ['MOSAIC_TEMPORAL_TLS', 'maybe', /true or false/],
  ])('rejects %s=%s naming the variable and the expected form', (variable, value, expected) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.problems).toEqual([expect.objectContaining({ variable, value })]);
    expect(configError.message).toContain(variable);
    expect(configError.message).toMatch(expected);
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ MOSAIC_TEMPORAL_PORT: 'x', MOSAIC_LOG_LEVEL: 'y' })).toThrow(
      /MOSAIC_TEMPORAL_PORT[\s\S]*MOSAIC_LOG_LEVEL|MOSAIC_LOG_LEVEL[\s\S]*MOSAIC_TEMPORAL_PORT/,
    );
  });

  it('turns TLS on when an API key is set and passes both to connections', () => {
    const config = loadConfig({ MOSAIC_TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', MOSAIC_TEMPORAL_API_KEY: 'k' });
    expect(temporalConnectionOptions(config)).toEqual({ address: 'ns.tmprl.cloud:7233', tls: true, apiKey: 'k' });
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('links workflows in the Web UI', () => {
    const config = loadConfig({ MOSAIC_WEB_UI_URL: 'https://ui.example/' });
    expect(workflowUrl(config, 'health-1 x', 'run')).toBe('https://ui.example/namespaces/default/workflows/health-1%20x/run');
  });
});

describe('documentation', () => {
  it('lists every setting in the README configuration table', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const missing = Object.keys(settings).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
