// How fast the CLI answers, as ratios on this machine in this run: each case
// is run 5 times (after one warm-up) side by side with the baseline, `node -e ""`,
// and the median wall time is compared with issue 17's targets:
//   --version, --help            ≤ 4× node -e ""
//   policy validate --offline,   ≤ 1 s
//   workload analyze (one text)
//   negotiate show, status       ≤ 1.5 s  (against a local Temporal and FerretDB this bench starts)
// Prints a table, then one JSON line.
//   npm run bench:cli [-- --bin <path to another entry point, e.g. an older bin/mosaic.js>]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import { freePort } from '../src/stack/ports';
import { startStack, stopStack } from '../src/stack/stack';

const ROOT = path.resolve(__dirname, '..');
const RUNS = 5;
const TIMEOUT_MS = 20_000;
const binFlag = process.argv.indexOf('--bin');
const BIN = binFlag > 0 ? path.resolve(process.argv[binFlag + 1]!) : path.join(ROOT, 'bin', 'mosaic.js');

interface Case {
  name: string;
  args: string[];
  target: { ratio: number } | { ms: number };
}

const CASES: Case[] = [
  { name: '--version', args: [BIN, '--version'], target: { ratio: 4 } },
  { name: '--help', args: [BIN, '--help'], target: { ratio: 4 } },
  {
    name: 'policy validate --offline',
    args: [BIN, 'policy', 'validate', path.join(ROOT, 'examples', 'policies', 'default-composition.yaml'), '--offline'],
    target: { ms: 1000 },
  },
  {
    name: 'workload analyze',
    args: [BIN, 'workload', 'analyze', 'a postgres database for 200 users with 50 GB of data, growing 10% a month'],
    target: { ms: 1000 },
  },
  // No negotiation exists: the answer ("not found") still takes the round trip to Temporal.
  { name: 'negotiate show', args: [BIN, 'negotiate', 'show', 'bench-cli-none', '--json'], target: { ms: 1500 } },
  { name: 'status', args: [BIN, 'status', '--json'], target: { ms: 1500 } },
];

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t = performance.now();
  // Bounded: a command that waits on something absent (no worker runs here) counts as missed, not as a hang.
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: TIMEOUT_MS });
  const ms = performance.now() - t;
  return r.status === null ? Infinity : ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-bench-cli-'));
  const [temporalPort, uiPort, mongoPort] = [await freePort(), await freePort(), await freePort()];
  process.stderr.write(`[bench:cli] starting Temporal and FerretDB in ${dataDir}\n`);
  await startStack({ dataDir, cacheDir: loadConfig().cacheDir, temporalPort, uiPort, mongoPort, headless: true });
  const env = {
    ...process.env,
    MOSAIC_DATA_DIR: dataDir,
    MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    MOSAIC_MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/mosaic_bench`,
  };
  try {
    const rows: Record<string, unknown>[] = [];
    for (const c of CASES) {
      const both = [c.args, ['-e', '']];
      both.forEach((args) => wallMs(args, env));
      const times: number[][] = [[], []];
      // Interleaved, so load on the machine falls on both alike.
      for (let i = 0; i < RUNS; i++) both.forEach((args, k) => times[k]!.push(wallMs(args, env)));
      const ms = median(times[0]!);
      const baselineMs = median(times[1]!);
      const ratio = ms / baselineMs;
      const met = 'ratio' in c.target ? ratio <= c.target.ratio : ms <= c.target.ms;
      const target = 'ratio' in c.target ? `≤ ${c.target.ratio}× node` : `≤ ${c.target.ms} ms`;
      rows.push({
        case: c.name,
        ms: Number.isFinite(ms) ? Math.round(ms) : `over ${TIMEOUT_MS}`,
        baselineMs: Math.round(baselineMs),
        ratio: Number(ratio.toFixed(2)),
        target,
        met,
      });
      process.stderr.write(
        `${c.name.padEnd(26)} ${String(Math.round(ms)).padStart(6)} ms   node -e "" ${String(Math.round(baselineMs)).padStart(4)} ms   ${ratio.toFixed(1).padStart(5)}×   ${target.padEnd(12)} ${met ? 'met' : 'MISSED'}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify({ bench: 'cli', bin: path.relative(ROOT, BIN), runs: RUNS, cases: rows })}\n`);
  } finally {
    await stopStack(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
