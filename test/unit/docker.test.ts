import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { settings } from '../../src/config';

const compose = parse(fs.readFileSync(path.resolve(__dirname, '../../docker/compose.yaml'), 'utf8')) as {
  services: Record<
    string,
    { environment?: Record<string, string>; healthcheck?: unknown; depends_on?: Record<string, { condition: string }> }
  >;
};

describe('docker/compose.yaml', () => {
  it('runs the production-shaped stack with health checks', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['grafana', 'mongo', 'mosaic-worker', 'postgresql', 'prometheus', 'temporal', 'temporal-search-attributes', 'temporal-ui'].sort(),
    );
    for (const name of ['postgresql', 'temporal', 'mongo']) expect(compose.services[name]!.healthcheck).toBeDefined();
  });

  it('configures the worker only with settings that src/config.ts knows', () => {
    const env = Object.keys(compose.services['mosaic-worker']!.environment ?? {});
    expect(env.length).toBeGreaterThan(0);
    expect(env.filter((k) => !(k in settings))).toEqual([]);
  });

  it('starts the worker after the search attributes exist and MongoDB is healthy', () => {
    expect(compose.services['mosaic-worker']!.depends_on).toEqual({
      'temporal-search-attributes': { condition: 'service_completed_successfully' },
      mongo: { condition: 'service_healthy' },
    });
  });

  it('has Prometheus scrape the port the worker serves its metrics on, on every replica', () => {
    const scrape = parse(fs.readFileSync(path.resolve(__dirname, '../../docker/prometheus.yml'), 'utf8')) as {
      scrape_configs: { dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const env = compose.services['mosaic-worker']!.environment!;
    expect(scrape.scrape_configs[0]!.dns_sd_configs[0]).toMatchObject({ names: ['mosaic-worker'], port: Number(env.MOSAIC_METRICS_PORT) });
    expect(env.MOSAIC_METRICS_HOST).toBe('0.0.0.0');
  });

  it('ships a Grafana dashboard whose queries name only metrics that exist', () => {
    const dashboard = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../docker/grafana/dashboards/mosaic.json'), 'utf8')) as {
      panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    const datasource = parse(
      fs.readFileSync(path.resolve(__dirname, '../../docker/grafana/provisioning/datasources/prometheus.yaml'), 'utf8'),
    ) as { datasources: { uid: string }[] };
    const defined = new Set(
      fs.readFileSync(path.resolve(__dirname, '../../src/observability/metrics.ts'), 'utf8').match(/mosaic_[a-z_]+/g),
    );
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/mosaic_[a-z_]+/g) ?? []));
    // Histograms expose _bucket/_count/_sum series of the one defined name.
    const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !defined.has(base(name)))).toEqual([]);
    expect(new Set(dashboard.panels.map((p) => p.datasource.uid))).toEqual(new Set([datasource.datasources[0]!.uid]));
  });
});
