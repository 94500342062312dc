// Decision quality of Mosaic's decision step with the shipped defaults (the
// exploration a policy gets when it names none, the shipped feature layout and
// training settings) against the oracle, static best, uniform random,
// non-contextual ε-greedy and Vowpal Wabbit at each configuration of a small
// grid of standard ones, run side by side on the same seeded streams: every
// seed × world shape (see world.ts). Then one decision's latency over 20
// candidates and retrain time from 10,000 to 100,000 outcomes. Prints a table
// per run and one JSON line.
//   npm run bench:bandit                       (needs `bash scripts/setup.sh` for VW in the venv)
//   BENCH_SEEDS=42 BENCH_SHAPES=outage npm run bench:bandit -- --no-timings
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { choose, DEFAULT_EXPLORATION } from '../../src/learning/decide';
import { loadConfig } from '../../src/config';
import { train } from '../../src/learning/network';
import { seededRandom } from '../../src/random';
import { FEATURE_DIM } from '../../src/learning/features';
import { LearnedModel } from '../../src/learning/policy';
import { epsilonGreedy, oracle, staticBest, uniform } from './baselines';
import { runMosaic } from './mosaic-policy';
import { loggedOutcomes, retrainInProcess } from './logged-outcomes';
import { generate, HANDLERS, OBJECTIVE, SHAPES, type Row, type Shape, type World } from './world';

const SEEDS = (process.env.BENCH_SEEDS ?? '42,7,3,11').split(',').map(Number);
const SHAPES_RUN = (process.env.BENCH_SHAPES ?? SHAPES.join(',')).split(',') as Shape[];
const N = Number(process.env.BENCH_REQUESTS ?? 10_000);
const TIMINGS = !process.argv.includes('--no-timings');
/** The standard VW exploration settings for --cb_explore_adf; the best of them on each run is the reference. */
const VW_GRID = ['--squarecb', '--squarecb --gamma_scale 100', '--epsilon 0.05', '--bag 5', '--cover 3', '--regcb'];
/** Goals of issue 21, with the defaults: on every seed and shape. */
const GOALS = { vsEpsilonGreedy: 0.5, vsBestVowpalWabbit: 0.9, failingCallsBeforeShed: 100 };

function regret(rows: Row[], chosen: number[], best: number[]): number {
  return rows.reduce((a, r, t) => a + r.expected[best[t]!]! - r.expected[chosen[t]!]!, 0);
}

/**
 * Calls the changed handler still receives, on the requests the change
 * affects, before its share of them over a trailing window of 200 falls below
 * 5 % of its share in the 1,000 such requests before the change. Null when it
 * never gets there; 0 when it had no traffic to lose.
 */
function callsBeforeShed(world: World, chosen: number[]): number | null {
  const h = HANDLERS.indexOf(world.drifted);
  const affected = world.rows.map((r) => world.affects(r.ctx));
  const before = world.rows
    .map((_, t) => t)
    .filter((t) => t < world.driftAt && affected[t])
    .slice(-1000);
  const former = before.filter((t) => chosen[t] === h).length / Math.max(1, before.length);
  if (former === 0) return 0;
  const window: number[] = [];
  let calls = 0;
  for (let t = world.driftAt; t < world.rows.length; t++) {
    if (!affected[t]) continue;
    const hit = chosen[t] === h ? 1 : 0;
    calls += hit;
    window.push(hit);
    if (window.length > 200) window.shift();
    if (window.length === 200 && window.reduce((a, b) => a + b, 0) / 200 < 0.05 * former) return calls;
  }
  return null;
}

function runVowpalWabbit(rows: Row[], seed: number, exploration: string): number[] | { error: string } {
  const python = path.join(loadConfig().cacheDir, 'venv', 'bin', 'python');
  const file = path.join(os.tmpdir(), `mosaic-bandit-stream-${process.pid}.jsonl`);
  fs.writeFileSync(
    file,
    rows.map((r) => JSON.stringify({ ctx: r.ctx, handlers: HANDLERS, success: r.success, latencyMs: r.latencyMs })).join('\n') + '\n',
  );
  try {
    const run = spawnSync(python, [path.join(__dirname, 'vw.py'), file, String(seed), exploration], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) return { error: (run.stderr || run.error?.message || 'failed').trim().split('\n').at(-1)! };
    return run.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { chosen: number }).chosen);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const percentile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One decision over 20 candidates with a trained model: featurize, batch predict, exploration, sampling. */
async function decisionLatency(seed: number): Promise<{ p50Ms: number; p95Ms: number }> {
  const refs = Array.from({ length: 20 }, (_, i) => `handler-${i}@1`);
  const random = seededRandom(seed);
  const rowsN = 2000;
  const { network } = await train(
    Float32Array.from({ length: rowsN * FEATURE_DIM }, () => (random() < 0.05 ? 1 : 0)),
    Float32Array.from({ length: rowsN * 2 }, () => random()),
    { epochs: 1, batchSize: 256, learningRate: 0.01, seed: 1 },
  );
  const model = new LearnedModel({ version: 1, network, knownRefs: refs });
  const metrics = { latencyP50Ms: 80, latencyP95Ms: 200, errorRate: 0.05, calls: 1000, cpuMs: 0, memoryMb: 0 };
  const candidates = refs.map((ref) => ({ ref, metrics, preference: 0, correction: 0 }));
  const context = generate(1, seed).rows[0]!.ctx;
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    choose(candidates, model, { context, objective: OBJECTIVE, exploration: DEFAULT_EXPLORATION, random });
    times.push(performance.now() - t);
  }
  const warm = times.slice(500);
  return { p50Ms: percentile(warm, 0.5), p95Ms: percentile(warm, 0.95) };
}

/** The retrain's in-process work: featurize every outcome, fit, and evaluate candidate and prior off-policy. */
async function retrainSeconds(sizes: number[], seed: number): Promise<Record<string, number>> {
  const rows = generate(Math.max(...sizes), seed + 7).rows;
  const outcomes = loggedOutcomes(rows, seed);
  const out: Record<string, number> = {};
  for (const n of sizes) {
    out[n] = await retrainInProcess(outcomes.slice(0, n));
    process.stderr.write(`retrain on ${n} outcomes: ${out[n]} s\n`);
  }
  return out;
}

interface RunResult {
  seed: number;
  shape: Shape;
  regret: Record<string, number | { error: string }>;
  bestVowpalWabbit: string;
  ratios: { vsEpsilonGreedy: number; vsBestVowpalWabbit: number; vsStaticBest: number; vsUniform: number };
  failingCallsBeforeShed: { mosaic: number | null; bestVowpalWabbit: number | null };
  meetsGoals: boolean;
}

async function runOne(seed: number, shape: Shape): Promise<RunResult> {
  const world = generate(N, seed, shape);
  const { rows } = world;
  const best = oracle(rows);
  process.stderr.write(`\n${shape}, seed ${seed}: ${N} requests; ${world.drifted} changes at request ${world.driftAt}\n`);
  const started = performance.now();
  // What a user gets: the policy names no exploration, retrains run every 1,000 requests over everything logged
  // (the shipped horizon is larger than this stream) with the configured promotion margin.
  const mosaic = await runMosaic(rows, {
    exploration: DEFAULT_EXPLORATION,
    retrainEvery: 1000,
    window: N,
    margin: loadConfig().learning.margin,
    seed,
  });
  process.stderr.write(
    `mosaic: ${((performance.now() - started) / 1000).toFixed(1)} s, ${mosaic.retrains} retrains, ${mosaic.promotions} promoted\n`,
  );
  const chosen: Record<string, number[] | { error: string }> = {
    mosaic: mosaic.chosen,
    'static-best': staticBest(rows),
    uniform: uniform(rows, seed),
    'epsilon-greedy': epsilonGreedy(rows, 0.1, seed),
  };
  for (const config of VW_GRID) chosen[`vw ${config}`] = runVowpalWabbit(rows, seed, config);
  const regrets: Record<string, number | { error: string }> = {};
  for (const [name, c] of Object.entries(chosen)) regrets[name] = Array.isArray(c) ? round(regret(rows, c, best), 1) : c;
  const vwNames = VW_GRID.map((c) => `vw ${c}`).filter((n) => typeof regrets[n] === 'number');
  if (!vwNames.length) throw new Error(`Vowpal Wabbit did not run: ${JSON.stringify(regrets[`vw ${VW_GRID[0]}`])}`);
  const bestVw = vwNames.reduce((a, b) => ((regrets[a] as number) <= (regrets[b] as number) ? a : b));
  const m = regrets.mosaic as number;
  const ratio = (name: string) => round(m / (regrets[name] as number));
  const ratios = {
    vsEpsilonGreedy: ratio('epsilon-greedy'),
    vsBestVowpalWabbit: ratio(bestVw),
    vsStaticBest: ratio('static-best'),
    vsUniform: ratio('uniform'),
  };
  const shed = {
    mosaic: shape === 'interactions' ? null : callsBeforeShed(world, mosaic.chosen),
    bestVowpalWabbit: shape === 'interactions' ? null : callsBeforeShed(world, chosen[bestVw] as number[]),
  };
  const shedOk = shape === 'interactions' || (shed.mosaic !== null && shed.mosaic < GOALS.failingCallsBeforeShed);
  const meetsGoals = ratios.vsEpsilonGreedy <= GOALS.vsEpsilonGreedy && ratios.vsBestVowpalWabbit <= GOALS.vsBestVowpalWabbit && shedOk;

  console.log(`\n${shape}, seed ${seed}`);
  console.log('policy                              regret (vs oracle)');
  for (const [name, r] of Object.entries(regrets))
    console.log(`${name.padEnd(36)}${typeof r === 'number' ? String(r).padStart(10) : r.error}`);
  console.log(
    `mosaic / ε-greedy ${ratios.vsEpsilonGreedy}, / best VW (${bestVw}) ${ratios.vsBestVowpalWabbit}` +
      (shape === 'interactions'
        ? ''
        : `; ${world.drifted} calls before its share fell under 5 %: ${shed.mosaic ?? 'never'} (best VW ${shed.bestVowpalWabbit ?? 'never'})`) +
      (meetsGoals ? '' : '  ← misses a goal'),
  );
  return { seed, shape, regret: regrets, bestVowpalWabbit: bestVw, ratios, failingCallsBeforeShed: shed, meetsGoals };
}

async function main() {
  const runs: RunResult[] = [];
  for (const shape of SHAPES_RUN) for (const seed of SEEDS) runs.push(await runOne(seed, shape));
  const worst = (key: keyof RunResult['ratios']) => Math.max(...runs.map((r) => r.ratios[key]));
  console.log(
    `\nworst over ${runs.length} runs: mosaic / ε-greedy ${worst('vsEpsilonGreedy')} (goal ≤ ${GOALS.vsEpsilonGreedy}), ` +
      `/ best VW ${worst('vsBestVowpalWabbit')} (goal ≤ ${GOALS.vsBestVowpalWabbit}); ${runs.filter((r) => r.meetsGoals).length} of ${runs.length} meet every goal`,
  );
  let timings: { decisionLatencyMs: { p50Ms: number; p95Ms: number }; retrainSeconds: Record<string, number> } | undefined;
  if (TIMINGS) {
    const latency = await decisionLatency(SEEDS[0]!);
    console.log(`decision over 20 candidates: p50 ${latency.p50Ms.toFixed(3)} ms, p95 ${latency.p95Ms.toFixed(3)} ms`);
    const retrain = await retrainSeconds([10_000, 25_000, 50_000, 100_000], SEEDS[0]!);
    console.log(
      `retrain (featurize + fit + OPE): ${Object.entries(retrain)
        .map(([n, s]) => `${n}: ${s} s`)
        .join(', ')}`,
    );
    timings = { decisionLatencyMs: latency, retrainSeconds: retrain };
  }
  console.log(
    JSON.stringify({
      bench: 'bandit',
      requests: N,
      exploration: DEFAULT_EXPLORATION,
      vwGrid: VW_GRID,
      goals: GOALS,
      runs,
      worst: { vsEpsilonGreedy: worst('vsEpsilonGreedy'), vsBestVowpalWabbit: worst('vsBestVowpalWabbit') },
      ...timings,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
