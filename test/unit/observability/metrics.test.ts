import { metrics, registry, splitRef, errorType } from '../../../src/observability/metrics';
import { serveMetrics } from '../../../src/observability/server';

const value = async (name: string, labels: Record<string, string>) =>
  (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;

describe('Mosaic metrics', () => {
  beforeEach(() => registry.resetMetrics());

  it('times handler attempts by handler and version and counts failures by error type', async () => {
    metrics.handlerCall('provision-bucket@2', 12);
    metrics.handlerCall('provision-bucket@2', 30, { type: 'ProviderRejected' });
    expect(await value('mosaic_handler_latency_seconds', { handler: 'provision-bucket', version: '2', result: 'succeeded' })).toBeDefined();
    expect(await value('mosaic_handler_errors_total', { handler: 'provision-bucket', version: '2', error_type: 'ProviderRejected' })).toBe(
      1,
    );
  });

  it('adds up handler CPU time in seconds and keeps the latest memory figure', async () => {
    metrics.handlerResources('tag-bucket@1', 1500, 12);
    metrics.handlerResources('tag-bucket@1', 500, 20);
    metrics.handlerResources('provision-bucket@1', 250);
    expect(await value('mosaic_handler_cpu_seconds_total', { handler: 'tag-bucket', version: '1' })).toBeCloseTo(2, 12);
    expect(await value('mosaic_handler_memory_megabytes', { handler: 'tag-bucket', version: '1' })).toBe(20);
    expect(await value('mosaic_handler_cpu_seconds_total', { handler: 'provision-bucket', version: '1' })).toBeCloseTo(0.25, 12);
    expect(await value('mosaic_handler_memory_megabytes', { handler: 'provision-bucket', version: '1' })).toBeUndefined();
  });

  it('keeps one series for the model version in force per kind', async () => {
    metrics.modelVersion('compose', '3');
    metrics.modelVersion('compose', '4');
    const series = (await registry.getSingleMetric('mosaic_model_info')!.get()).values;
    expect(series.map((s) => s.labels)).toEqual([{ kind: 'compose', version: '4' }]);
  });

  it('hands back the existing metric when a family asks for one twice', () => {
    const a = metrics.counter('mosaic_test_things_total', 'things', ['kind']);
    expect(metrics.counter('mosaic_test_things_total', 'things', ['kind'])).toBe(a);
  });

  it('names errors by their stable type, else their class', () => {
    expect(errorType(Object.assign(new Error('x'), { type: 'SandboxViolation' }))).toBe('SandboxViolation');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    expect(splitRef('tag-bucket@1')).toEqual({ handler: 'tag-bucket', version: '1' });
  });

  it('serves /metrics and nothing else', async () => {
    metrics.outcome('compose', 'failed');
    const server = await serveMetrics({ host: '127.0.0.1', port: 0 });
    try {
      const body = await (await fetch(server.url)).text();
      expect(body).toContain('mosaic_outcomes_total{kind="compose",result="failed"} 1');
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
