// Decision quality of the Mosaic policy against static best, uniform random,
// non-contextual epsilon-greedy and Vowpal Wabbit (--cb_explore_adf
// --squarecb) on one seeded stream of 20,000 requests with a drift halfway;
// then one decision's latency over 20 candidates and retrain time from
// 10,000 to 100,000 outcomes. Prints a table and one JSON line.
//   npm run bench:bandit            (needs `bash scripts/setup.sh` for VW in the venv)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { choose } from '../../src/composition/decide';
import { loadConfig } from '../../src/config';
import { train } from '../../src/learning/network';
import { seededRandom } from '../../src/random';
import { FEATURE_DIM } from '../../src/learning/features';
import { LearnedModel } from '../../src/learning/policy';
import { epsilonGreedy, oracle, staticBest, uniform } from './baselines';
import { runMosaic } from './mosaic-policy';
import { loggedOutcomes, retrainInProcess } from './logged-outcomes';
import { DRIFT_REGION, generate, HANDLERS, OBJECTIVE, type Row } from './world';

const SEED = Number(process.env.BENCH_SEED ?? 42);
const N = 20_000;
const RECOVERY_WINDOW = 100;

function regret(rows: Row[], chosen: number[], best: number[]): number {
  return rows.reduce((a, r, t) => a + r.expected[best[t]!]! - r.expected[chosen[t]!]!, 0);
}

/**
 * Requests after the drift until the policy earns 90 % of the oracle's
 * expected reward again on the drifted region's traffic (trailing window of
 * its last 100 requests there, all after the drift).
 */
function recovery(rows: Row[], chosen: number[], best: number[], driftAt: number): number | null {
  const window: { got: number; best: number }[] = [];
  for (let t = driftAt; t < rows.length; t++) {
    const r = rows[t]!;
    if (r.ctx.region !== DRIFT_REGION) continue;
    window.push({ got: r.expected[chosen[t]!]!, best: r.expected[best[t]!]! });
    if (window.length > RECOVERY_WINDOW) window.shift();
    if (window.length === RECOVERY_WINDOW && window.reduce((a, w) => a + w.got, 0) >= 0.9 * window.reduce((a, w) => a + w.best, 0))
      return t - driftAt;
  }
  return null;
}

function runVowpalWabbit(rows: Row[]): number[] | { error: string } {
  const python = path.join(loadConfig().cacheDir, 'venv', 'bin', 'python');
  const file = path.join(os.tmpdir(), `mosaic-bandit-stream-${process.pid}.jsonl`);
  fs.writeFileSync(
    file,
    rows.map((r) => JSON.stringify({ ctx: r.ctx, handlers: HANDLERS, success: r.success, latencyMs: r.latencyMs })).join('\n') + '\n',
  );
  try {
    const run = spawnSync(python, [path.join(__dirname, 'vw.py'), file, String(SEED)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
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

/** One decision over 20 candidates with a trained model: featurize, batch predict, exploration, sampling. */
async function decisionLatency(): Promise<{ p50Ms: number; p95Ms: number }> {
  const refs = Array.from({ length: 20 }, (_, i) => `handler-${i}@1`);
  const random = seededRandom(SEED);
  const rowsN = 2000;
  const { network } = await train(
    Float32Array.from({ length: rowsN * FEATURE_DIM }, () => (random() < 0.05 ? 1 : 0)),
    Float32Array.from({ length: rowsN * 2 }, () => random()),
    { epochs: 1, batchSize: 256, learningRate: 0.01, seed: 1 },
  );
  const model = new LearnedModel({ version: 1, network, knownRefs: refs });
  const metrics = { latencyP50Ms: 80, latencyP95Ms: 200, errorRate: 0.05, calls: 1000, cpuMs: 0, memoryMb: 0 };
  const candidates = refs.map((ref) => ({ ref, metrics, preference: 0, correction: 0 }));
  const context = generate(1, SEED).rows[0]!.ctx;
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    choose(candidates, model, { context, objective: OBJECTIVE, exploration: { strategy: 'squarecb', gamma: 50 }, random });
    times.push(performance.now() - t);
  }
  const warm = times.slice(500);
  return { p50Ms: percentile(warm, 0.5), p95Ms: percentile(warm, 0.95) };
}

/** The retrain's in-process work: featurize every outcome, fit, and evaluate candidate and prior off-policy. */
async function retrainSeconds(sizes: number[]): Promise<Record<string, number>> {
  const rows = generate(Math.max(...sizes), SEED + 7).rows;
  const outcomes = loggedOutcomes(rows, SEED);
  const out: Record<string, number> = {};
  for (const n of sizes) {
    out[n] = await retrainInProcess(outcomes.slice(0, n));
    process.stderr.write(`retrain on ${n} outcomes: ${out[n]} s\n`);
  }
  return out;
}

async function main() {
  const { rows, drifted, driftAt } = generate(N, SEED);
  const best = oracle(rows);
  process.stderr.write(`stream: ${N} requests, seed ${SEED}; ${drifted} degrades in ${DRIFT_REGION} at request ${driftAt}\n`);

  const started = performance.now();
  // A retrain every 1,000 requests over everything logged so far (the horizon), the configured promotion margin
  // (MOSAIC_RETRAIN_MARGIN, default 0), and SquareCB with γ = 1000: about what VW's own schedule (10·√t) reaches by mid-run.
  const mosaic = await runMosaic(rows, {
    exploration: { strategy: 'squarecb', gamma: 1000 },
    retrainEvery: 1000,
    window: N,
    margin: loadConfig().learning.margin,
    seed: SEED,
  });
  const mosaicSeconds = (performance.now() - started) / 1000;
  const vw = runVowpalWabbit(rows);
  const policies: Record<string, number[] | { error: string }> = {
    mosaic: mosaic.chosen,
    'static-best': staticBest(rows),
    uniform: uniform(rows, SEED),
    'epsilon-greedy': epsilonGreedy(rows, 0.1, SEED),
    'vowpal-wabbit': vw,
  };
  const results: Record<string, { regret: number; recovery: number | null; meanReward: number } | { error: string }> = {};
  for (const [name, chosen] of Object.entries(policies)) {
    if (!Array.isArray(chosen)) {
      results[name] = chosen;
      continue;
    }
    results[name] = {
      regret: Math.round(regret(rows, chosen, best) * 10) / 10,
      recovery: recovery(rows, chosen, best, driftAt),
      meanReward: Math.round((rows.reduce((a, r, t) => a + r.expected[chosen[t]!]!, 0) / N) * 1000) / 1000,
    };
  }
  const oracleReward = rows.reduce((a, r, t) => a + r.expected[best[t]!]!, 0) / N;
  const mosaicRegret = (results.mosaic as { regret: number }).regret;
  const ratio = (name: string) => {
    const r = results[name];
    return r && 'regret' in r ? Math.round((mosaicRegret / r.regret) * 100) / 100 : null;
  };

  console.log(`\noracle mean expected reward ${oracleReward.toFixed(3)} per request\n`);
  console.log('policy           regret (vs oracle)   mean reward   requests to 90 % after drift');
  for (const [name, r] of Object.entries(results)) {
    console.log(
      'regret' in r
        ? `${name.padEnd(16)} ${String(r.regret).padStart(10)}           ${r.meanReward.toFixed(3)}         ${r.recovery ?? 'not within the run'}`
        : `${name.padEnd(16)} ${r.error}`,
    );
  }
  console.log(
    `\nmosaic: ${mosaic.retrains} retrains, ${mosaic.promotions} promoted, ${mosaic.trainSeconds.toFixed(1)} s training of ${mosaicSeconds.toFixed(1)} s total`,
  );

  const latency = await decisionLatency();
  console.log(`decision over 20 candidates: p50 ${latency.p50Ms.toFixed(3)} ms, p95 ${latency.p95Ms.toFixed(3)} ms`);
  const retrain = await retrainSeconds([10_000, 25_000, 50_000, 100_000]);
  console.log(
    `retrain (featurize + fit + OPE): ${Object.entries(retrain)
      .map(([n, s]) => `${n}: ${s} s`)
      .join(', ')}`,
  );

  console.log(
    JSON.stringify({
      bench: 'bandit',
      seed: SEED,
      requests: N,
      results,
      ratios: {
        mosaicVsEpsilonGreedy: ratio('epsilon-greedy'),
        mosaicVsVowpalWabbit: ratio('vowpal-wabbit'),
        mosaicVsStaticBest: ratio('static-best'),
        mosaicVsUniform: ratio('uniform'),
      },
      targets: { vsEpsilonGreedy: 0.5, vsVowpalWabbit: 1.0, recoveryRequests: 1000, decisionP50Ms: 1, retrain100kSeconds: 60 },
      decisionLatencyMs: latency,
      retrainSeconds: retrain,
      mosaic: { retrains: mosaic.retrains, promotions: mosaic.promotions },
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
