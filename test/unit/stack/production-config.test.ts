import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  CLUSTER_LAYOUT,
  parseEnvFile,
  planProcesses,
  processNames,
  serverConfig,
  type ClusterContext,
} from '../../../src/stack/cluster-config';
import { prometheusConfig } from '../../../src/stack/prometheus-config';
import { productionStopOrder } from '../../../src/stack/production';

const docker = path.resolve(__dirname, '../../../docker');
const context: ClusterContext = {
  postgres: { port: 6543, user: 'temporal', password: 's3cret' },
  numHistoryShards: 4,
  frontendAddress: '127.0.0.1:7233',
  dynamicConfigPath: '/x/dynamicconfig.yaml',
  logLevel: 'warn',
};

describe('the production cluster on paper', () => {
  it('runs every service as its own process, two history and two matching', () => {
    expect(processNames().map((p) => p.name)).toEqual([
      'temporal-frontend',
      'temporal-history-1',
      'temporal-history-2',
      'temporal-matching-1',
      'temporal-matching-2',
      'temporal-worker',
    ]);
    expect(CLUSTER_LAYOUT.find((l) => l.role === 'history')!.count).toBe(2);
  });

  it('gives every process its own ports and keeps the frontend on the port clients use', async () => {
    let next = 20000;
    const plan = await planProcesses(7233, async () => next++);
    const ports = plan.flatMap((p) => [p.grpcPort, p.membershipPort, p.metricsPort, ...(p.httpPort ? [p.httpPort] : [])]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(plan.find((p) => p.role === 'frontend')!.grpcPort).toBe(7233);
  });

  it('writes a config each process reads for its own service only, on the shared store and dynamic config', async () => {
    let n = 30000;
    const plan = await planProcesses(7233, async () => n++);
    const history = plan.filter((p) => p.role === 'history')[1];
    const config = serverConfig(history!, plan, context) as {
      services: Record<string, { rpc: { grpcPort: number; bindOnIP: string } }>;
      persistence: { numHistoryShards: number; datastores: Record<string, { sql: { connectAddr: string; databaseName: string } }> };
      dynamicConfigClient: { filepath: string };
      publicClient: { hostPort: string };
    };
    // Every role's ring is tracked; its own role carries its own ports.
    expect(Object.keys(config.services)).toEqual(['frontend', 'history', 'matching', 'worker']);
    expect(config.services.frontend!.rpc.grpcPort).toBe(7233);
    expect(config.services.history!.rpc).toMatchObject({ grpcPort: history!.grpcPort, bindOnIP: '127.0.0.1' });
    expect(config.persistence.numHistoryShards).toBe(4);
    expect(Object.values(config.persistence.datastores).map((d) => d.sql.databaseName)).toEqual(['temporal', 'temporal_visibility']);
    expect(config.persistence.datastores.default!.sql.connectAddr).toBe('127.0.0.1:6543');
    expect(config.dynamicConfigClient.filepath).toBe('/x/dynamicconfig.yaml');
    expect(config.publicClient.hostPort).toBe('127.0.0.1:7233');
    // It round-trips as YAML the server can read.
    expect(YAML.parse(YAML.stringify(config))).toEqual(config);
  });

  it('reads the cluster settings compose reads (env_file format)', () => {
    const env = parseEnvFile(fs.readFileSync(path.join(docker, 'temporal', 'cluster.env'), 'utf8'));
    expect(Number(env.NUM_HISTORY_SHARDS)).toBeGreaterThan(0);
    expect(() => parseEnvFile('JUST A LINE')).toThrow(/KEY=VALUE/);
  });

  it('stops workers first and the SQL store last', () => {
    expect(
      productionStopOrder(['postgresql', 'temporal-history-1', 'mongodb', 'worker-2', 'temporal-frontend', 'prometheus', 'worker-1']),
    ).toEqual(['worker-1', 'worker-2', 'temporal-frontend', 'temporal-history-1', 'mongodb', 'prometheus', 'postgresql']);
  });
});

describe("the local Prometheus config, derived from compose's", () => {
  const compose = fs.readFileSync(path.join(docker, 'prometheus.yml'), 'utf8');

  it('keeps every job and its settings, with local targets instead of DNS discovery', () => {
    const local = YAML.parse(
      prometheusConfig(compose, { 'mosaic-worker': ['127.0.0.1:1', '127.0.0.1:2'], temporal: ['127.0.0.1:3'] }, '2s'),
    ) as {
      global: { scrape_interval: string };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; dns_sd_configs?: unknown }[];
    };
    expect(local.global.scrape_interval).toBe('2s');
    expect(local.scrape_configs.map((j) => j.job_name)).toEqual(['mosaic-worker', 'temporal']);
    expect(local.scrape_configs[0]!.static_configs[0]!.targets).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    expect(local.scrape_configs.every((j) => j.dns_sd_configs === undefined)).toBe(true);
  });

  it('refuses a compose job with no local targets, and a local job compose does not have', () => {
    expect(() => prometheusConfig(compose, { 'mosaic-worker': [] })).toThrow(/temporal has no local targets/);
    expect(() => prometheusConfig(compose, { 'mosaic-worker': [], temporal: [], grafana: [] })).toThrow(/no job grafana/);
  });
});
