// What one workflow costs each part of the stack, on the production profile
// (PostgreSQL, the Temporal server as separate frontend/history/matching/
// worker processes, FerretDB, two Mosaic workers) side by side with the dev
// profile (the CLI's single-process dev server on SQLite) as the baseline.
// Each profile is started by the CLI on free loopback ports in a private data
// directory, warmed by one `mosaic demo`, then `mosaic demo` runs --rounds
// times; CPU is read from /proc for every process the stack recorded, and the
// workflows from Temporal visibility. Prints per-workflow CPU (ms) per part,
// the store's growth per 1,000 workflows, and production ÷ dev ratios; the
// inputs docs/operations.md turns into a sizing guide.
//   npm run bench:production-cost -- [--rounds 3]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { freePort } from '../src/stack/ports';
import { productionInstalled } from '../src/stack/production';
import { mosaic } from '../test/harness/cli';
import { cpuByPart, cpuMsPerWorkflow as perWorkflow } from './stack-cpu';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const ROUNDS = Number(args.rounds);

const du = (dir: string) => (fs.existsSync(dir) ? Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]) : 0);

async function workflowCount(address: string): Promise<number> {
  const connection = await Connection.connect({ address });
  try {
    const res = await connection.workflowService.countWorkflowExecutions({ namespace: 'default', query: '' });
    return Number(res.count);
  } finally {
    await connection.close();
  }
}

interface Run {
  profile: string;
  workflows: number;
  seconds: number;
  cpuMsPerWorkflow: Record<string, number>;
  storeBytesPer1000: Record<string, number>;
}

async function measure(profile: 'dev' | 'production'): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `mosaic-cost-${profile}-`));
  const [temporal, ui, mongo, postgres, prom] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const env = {
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_TEMPORAL_PORT: String(temporal),
    MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    MOSAIC_TEMPORAL_UI_PORT: String(ui),
    MOSAIC_MONGODB_PORT: String(mongo),
    MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${mongo}/mosaic`,
    MOSAIC_POSTGRES_PORT: String(postgres),
    MOSAIC_PROMETHEUS_PORT: String(prom),
    MOSAIC_METRICS_PORT: '0',
    MOSAIC_LOG_LEVEL: 'warn',
  };
  const cli = async (...a: string[]) => {
    const r = await mosaic(a, env);
    if (r.code !== 0) throw new Error(`[${profile}] mosaic ${a.join(' ')} exited ${r.code}: ${r.stderr.slice(-1500)}`);
  };
  try {
    if (profile === 'production') await cli('stack', 'start', '--profile', 'production', '--workers', '2', '--headless');
    else {
      await cli('stack', 'start', '--headless');
      await cli('worker', '--detach');
      await cli('worker', '--detach');
    }
    await cli('demo'); // warm-up: policies, keys, the first model
    const stores = {
      postgresql: path.join(dataDir, 'data', 'postgresql'),
      sqlite: path.join(dataDir, 'data', 'temporal.sqlite'),
      ferretdb: path.join(dataDir, 'data', 'ferretdb'),
    };
    const sizeBefore = Object.fromEntries(Object.entries(stores).map(([k, d]) => [k, du(d)]));
    const before = cpuByPart(dataDir);
    const wfBefore = await workflowCount(env.MOSAIC_TEMPORAL_ADDRESS);
    const started = Date.now();
    for (let i = 0; i < ROUNDS; i++) await cli('demo');
    const seconds = (Date.now() - started) / 1000;
    const workflows = (await workflowCount(env.MOSAIC_TEMPORAL_ADDRESS)) - wfBefore;
    const after = cpuByPart(dataDir);
    const cpuMsPerWorkflow = perWorkflow(before, after, workflows);
    const storeBytesPer1000 = Object.fromEntries(
      Object.entries(stores)
        .map(([k, d]) => [k, Math.round(((du(d) - sizeBefore[k]!) / workflows) * 1000)] as const)
        .filter(([, v]) => v !== 0),
    );
    return { profile, workflows, seconds, cpuMsPerWorkflow, storeBytesPer1000 };
  } finally {
    await mosaic(['stack', 'stop'], env);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (!productionInstalled(loadConfig().cacheDir))
    throw new Error('install the production profile first: npm run setup -- --profile production');
  const dev = await measure('dev');
  const production = await measure('production');
  const total = (r: Run, filter: (k: string) => boolean) =>
    Object.entries(r.cpuMsPerWorkflow)
      .filter(([k]) => filter(k))
      .reduce((s, [, v]) => s + v, 0);
  const server = (k: string) => k.startsWith('temporal') || k === 'postgresql';
  const rows = [dev, production].map((r) => ({
    profile: r.profile,
    workflows: r.workflows,
    seconds: r.seconds,
    'server+store ms/wf': Math.round(total(r, server) * 10) / 10,
    'workers ms/wf': r.cpuMsPerWorkflow['mosaic workers'],
    'ferretdb ms/wf': r.cpuMsPerWorkflow.mongodb,
  }));
  console.table(rows);
  console.log('production, per part (CPU ms per workflow):', production.cpuMsPerWorkflow);
  console.log('production, store growth (bytes per 1,000 workflows):', production.storeBytesPer1000);
  console.log('dev, store growth (bytes per 1,000 workflows):', dev.storeBytesPer1000);
  console.log(
    `ratio production ÷ dev: server+store CPU per workflow ${(total(production, server) / total(dev, server)).toFixed(2)}×, ` +
      `wall time per workflow ${(production.seconds / production.workflows / (dev.seconds / dev.workflows)).toFixed(2)}×`,
  );
  console.log(JSON.stringify({ dev, production }));
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
