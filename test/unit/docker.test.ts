import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { settings } from '../../src/config';
import { mosaicSearchAttributes } from '../../src/contract/search-attributes';

const compose = parse(fs.readFileSync(path.resolve(__dirname, '../../docker/compose.yaml'), 'utf8')) as {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      env_file?: string;
      volumes?: string[];
      command?: string[];
      healthcheck?: unknown;
      depends_on?: Record<string, { condition: string }>;
    }
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
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    expect(scrape.scrape_configs.map((j) => j.job_name)).toEqual(['mosaic-worker', 'temporal']);
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

  // One source of truth (issue 23): what the production profile of the local stack was tested with is what compose runs.
  it('registers exactly the search attributes the workflows set, with their types', () => {
    const script = compose.services['temporal-search-attributes']!.command!.join(' ');
    const listed = [...script.matchAll(/(Mosaic\w+):(\w+)/g)].map((m) => `${m[1]}:${m[2]!.toUpperCase()}`);
    expect(listed).toEqual(mosaicSearchAttributes.map((k) => `${k.name}:${k.type}`));
  });

  it('gives the Temporal server the shared dynamic config, cluster settings and a metrics endpoint', () => {
    const temporal = compose.services.temporal!;
    expect(temporal.env_file).toBe('./temporal/cluster.env');
    const mount = temporal.volumes!.find((v) => v.startsWith('./temporal/dynamicconfig.yaml:'))!;
    expect(mount.split(':')[1]).toBe(temporal.environment!.DYNAMIC_CONFIG_FILE_PATH);
    expect(temporal.environment!.PROMETHEUS_ENDPOINT).toMatch(/:8000$/);
    expect(fs.existsSync(path.resolve(__dirname, '../../docker/temporal/cluster.env'))).toBe(true);
  });
});
