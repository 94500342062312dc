/**
 * The production profile, run for real: PostgreSQL, the Temporal server as
 * separate service processes, its Web UI, Prometheus and two Mosaic workers,
 * started and stopped by the CLI a user runs. `npm test` runs it when the
 * profile's binaries are installed (`npm run setup -- --profile production`);
 * `npm run test:production` always does, and fails if they are missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, postgresPasswordFile } from '../../src/config';
import { freePort } from '../../src/stack/ports';
import { productionInstalled } from '../../src/stack/production';
import { mosaic } from '../harness/cli';
import { DEMO_FAMILIES } from '../../src/cli/commands/demo';

// The learning burst's own behaviour is test/e2e/learning-burst.test.ts's: a small one here.
const SMALL_BURST = ['--burst-calls', '4', '--burst-window', '2'];

const required = process.env.MOSAIC_TEST_PRODUCTION === '1';
const installed = productionInstalled(loadConfig().cacheDir);
if (!installed && required) throw new Error('the production profile is not installed: run `npm run setup -- --profile production`');
if (!installed)
  process.stderr.write('[production profile] skipped: its binaries are not installed (`npm run setup -- --profile production`)\n');
const suite = installed ? describe : describe.skip;

jest.setTimeout(600_000);

function readCmdline(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

suite('the production profile', () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let prometheus: string;

  const cli = async (...args: string[]) => {
    // A demo of every family takes about 50 s on a quiet machine; a loaded CI machine gets room.
    const result = await mosaic(args, env, 300_000);
    if (result.code !== 0) throw new Error(`mosaic ${args.join(' ')} exited ${result.code}\n${result.stderr.slice(-3000)}`);
    return result.stdout;
  };
  const record = (name: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'run', `${name}.json`), 'utf8')) as { pid: number };
  const query = async (expr: string) => {
    const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as { status: string; data: { result: unknown[] } };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-production-'));
    const [temporal, ui, mongo, postgres, prom] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    env = {
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_TEMPORAL_PORT: String(temporal),
      MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
      MOSAIC_TEMPORAL_UI_PORT: String(ui),
      MOSAIC_WEB_UI_URL: `http://localhost:${ui}`,
      MOSAIC_MONGODB_PORT: String(mongo),
      MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${mongo}/mosaic`,
      MOSAIC_POSTGRES_PORT: String(postgres),
      // The profile's own PostgreSQL, not the test stack's that the harness names for other suites.
      MOSAIC_POSTGRES_PASSWORD_FILE: postgresPasswordFile(dataDir),
      MOSAIC_PROMETHEUS_PORT: String(prom),
      MOSAIC_PROMETHEUS_SCRAPE_INTERVAL: '2s',
      MOSAIC_TASK_QUEUE: 'mosaic',
      MOSAIC_METRICS_PORT: '9464',
      MOSAIC_LOG_LEVEL: 'warn',
    };
    prometheus = `http://127.0.0.1:${prom}`;
    await cli('stack', 'start', '--profile', 'production', '--workers', '2', '--json');
  });

  afterAll(async () => {
    if (!env) return;
    const stopped = await mosaic(['stack', 'stop', '--json'], env);
    expect(stopped.code).toBe(0);
    // Nothing the profile started outlives `stack stop`.
    const left = fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && readCmdline(pid).includes(dataDir));
    expect(left).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every service as its own process, PostgreSQL as an unprivileged user', async () => {
    const rows = JSON.parse(await cli('stack', 'status', '--json')) as { component: string; state: string; pid: number }[];
    const running = rows.filter((r) => r.state === 'running').map((r) => r.component);
    expect(running).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal-frontend',
        'temporal-history-1',
        'temporal-history-2',
        'temporal-matching-1',
        'temporal-matching-2',
        'temporal-worker',
        'temporal-ui',
        'prometheus',
        'mongodb',
        'worker',
        'worker-2',
      ]),
    );
    expect(new Set(rows.map((r) => r.pid)).size).toBe(rows.length);
    const uid = fs.statSync(`/proc/${record('postgresql').pid}`).uid;
    if (process.getuid?.() === 0) expect(uid).not.toBe(0);
  });

  it('runs every workflow family on the cluster (compose, policy, learning and its schedule, snapshot, negotiation with updates)', async () => {
    const { results } = JSON.parse(await cli('demo', '--json', ...SMALL_BURST)) as { results: { family: string; outcome: string }[] };
    expect(results.map((r) => r.family)).toEqual(DEMO_FAMILIES);
    expect(results.find((r) => r.family === 'health')!.outcome).toMatch(/Temporal 1\.32/);
    expect(results.find((r) => r.family === 'negotiate')!.outcome).toMatch(/accepted .* after \d+ rounds \(completed\)/);
  });

  it('gives every Grafana dashboard query real data from the real Prometheus', async () => {
    const dashboard = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../docker/grafana/dashboards/mosaic.json'), 'utf8'),
    ) as Dashboard;
    const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));
    expect(queries.length).toBeGreaterThan(10);
    // Every scrape target is up: both workers and all six server processes.
    const targets = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; health: string }[] };
    };
    const deadline = Date.now() + 60_000;
    let empty: string[] = [];
    do {
      empty = [];
      for (const q of queries) {
        const answer = await query(q.expr);
        expect(answer.status).toBe('success');
        // Error panels have data only once a handler has failed; the demo's runs all succeed, so those are checked for validity only.
        if (answer.data.result.length === 0 && !/error/i.test(q.title)) empty.push(`${q.title}: ${q.expr}`);
      }
      if (empty.length > 0) await new Promise((r) => setTimeout(r, 2000));
    } while (empty.length > 0 && Date.now() < deadline);
    expect(empty).toEqual([]);
    const jobs = targets.data.activeTargets.map((t) => `${t.labels.job}:${t.health}`);
    expect(jobs.filter((j) => j === 'mosaic-worker:up')).toHaveLength(2);
    expect(jobs.filter((j) => j.startsWith('temporal:'))).toHaveLength(6);
    // The server's own metrics reach Prometheus too (the sizing figures come from them).
    expect((await query('sum(rate(service_requests{job="temporal"}[1m]))')).data.result.length).toBeGreaterThan(0);
  });

  it('loses nothing when a history and a matching process are killed mid-work, and `stack start` brings them back', async () => {
    const demo = cli('demo', '--json', ...SMALL_BURST);
    // Killed once the demo's first workflows are under way; the surviving history and matching processes
    // take over the shards and partitions, and every family still completes.
    await new Promise((r) => setTimeout(r, 8000));
    for (const name of ['temporal-history-1', 'temporal-matching-1']) process.kill(record(name).pid, 'SIGKILL');
    const { results } = JSON.parse(await demo) as { results: { family: string; outcome: string }[] };
    expect(results.find((r) => r.family === 'negotiate')!.outcome).toMatch(/\(completed\)/);
    expect(results.find((r) => r.family === 'compose')!.outcome).toMatch(/steps/);
    await cli('stack', 'start', '--profile', 'production');
    const rows = JSON.parse(await cli('stack', 'status', '--json')) as { component: string; state: string }[];
    expect(rows.filter((r) => r.state !== 'running')).toEqual([]);
  });
});
