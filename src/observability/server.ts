import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics } from 'prom-client';
import { PortInUse } from '../stack/stack';
import { registry } from './metrics';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

let processMetrics = false;

/**
 * One scrape target per worker: GET /metrics answers Mosaic's registry
 * followed by the Temporal SDK runtime's own exposition (its names start with
 * `temporal_`, ours with `mosaic_` or `process_`/`nodejs_`, so they never clash).
 * The SDK's exporter listens on loopback only; this server is what Prometheus sees.
 */
export async function serveMetrics(opts: { host: string; port: number; sdkMetricsUrl?: string }): Promise<MetricsServer> {
  if (!processMetrics) {
    collectDefaultMetrics({ register: registry });
    processMetrics = true;
  }
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    exposition(opts.sdkMetricsUrl).then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUse(opts.port, 'MOSAIC_METRICS_PORT') : err),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  // The worker keeps the process alive; a worker that failed to start must not be held up by its metrics.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function exposition(sdkMetricsUrl?: string): Promise<string> {
  const ours = await registry.metrics();
  if (!sdkMetricsUrl) return ours;
  // The SDK's metrics are a bonus: a failed fetch leaves Mosaic's own series served.
  const sdk = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2000) })
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  return sdk ? `${ours}\n${sdk}` : ours;
}
