import { Runtime } from '@temporalio/worker';
import type { Config } from '../config';
import { temporalLogger, type Logger } from '../logger';
import { freePort } from '../stack/ports';
import { serveMetrics, type MetricsServer } from './server';

/**
 * Installs the Temporal SDK runtime of a worker process: its logs into pino,
 * graceful shutdown on SIGINT/SIGTERM, and (unless MOSAIC_METRICS_PORT=0) its
 * Prometheus exporter on a private loopback port, served together with
 * Mosaic's own metrics on MOSAIC_METRICS_PORT.
 */
export async function installRuntime(config: Config, logger: Logger): Promise<MetricsServer | undefined> {
  const sdkAddress = config.metrics.port ? `127.0.0.1:${await freePort()}` : undefined;
  Runtime.install({
    logger: temporalLogger(logger),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    ...(sdkAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkAddress } } } } : {}),
  });
  if (!sdkAddress) return undefined;
  const server = await serveMetrics({ ...config.metrics, sdkMetricsUrl: `http://${sdkAddress}/metrics` });
  logger.info({ url: server.url }, 'metrics served');
  return server;
}
