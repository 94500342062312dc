// Snapshot resolution at scale: three sources of N resources each, 10 % of
// keys shared (and conflicting) between them. Measures detection + FIRST_WIN
// and the whole AI_AGENT (scoring, adjustment, MILP) at 1k, 10k and 100k
// resources per source, against a baseline that follows the specification's
// pseudocode literally (each resource looked up in a list of those allocated).
// Then the impact model's error on held-out compositions of a documented
// world (snapshot-impact-world.ts) against the running-mean baseline.
import { createHash } from 'node:crypto';
import highsLoader from 'highs';
import { ResolutionAgent } from '../src/snapshot/agent';
import { detectConflicts } from '../src/snapshot/conflicts';
import { meanAbsoluteError, predictImpact, runningMean, trainImpactModel, type ImpactModel } from '../src/snapshot/impact';
import type { MilpSolver } from '../src/snapshot/milp';
import { declaredAdjuster } from '../src/snapshot/adjustment';
import { keyOf, type Resource, type Snapshot } from '../src/snapshot/resources';
import { resolveByRule } from '../src/snapshot/strategies';
import { impactWorld } from './snapshot-impact-world';

const SIZES = [1_000, 10_000, 100_000];
const OVERLAP = 0.1;
const RUNS = 3;
const BASELINE_UP_TO = 10_000;
/** Compositions of the impact world: the first 80 % train, the rest are held out, for each seed. */
const WORLD_COMPOSITIONS = 1_000;
const WORLD_SEEDS = [1, 2, 3];
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** N resources: 80 % files, 11 % env vars, 7 % packages, 1 % services (each with its port, needing a file), 1 % volumes. */
function source(index: number, n: number): Snapshot {
  const resources: Resource[] = [];
  const shared = (k: number) => k < n * OVERLAP;
  const name = (k: number) => (shared(k) ? `k${k}` : `s${index}k${k}`);
  for (let k = 0; k < n; k++) {
    const kind = k % 100;
    const id = name(k);
    if (kind < 80)
      resources.push({ kind: 'file', path: `/app/${id}`, hash: hash(`${index}/${k}`), size: 1024, mode: 0o644, dependsOn: [] });
    else if (kind < 90) resources.push({ kind: 'env', name: `E_${id}`, value: `v${index}`, dependsOn: [] });
    else if (kind < 97) resources.push({ kind: 'package', name: id, version: `${index + 1}.0.0`, dependsOn: [] });
    else if (kind === 97) {
      const port = 20_000 + (shared(k) ? k / 100 : Math.floor(n / 100) * (index + 1) + k / 100);
      resources.push({ kind: 'port', number: port, protocol: 'tcp', service: `svc-${id}`, dependsOn: [] });
      resources.push({
        kind: 'service',
        name: `svc-${id}`,
        ports: [port],
        env: { PORT: String(port) },
        cpu: 1 + (k % 3),
        memory: 2 ** 30,
        tiers: [{ name: 'half', cpu: (1 + (k % 3)) / 2, memory: 2 ** 29 }],
        optional: k % 2 === 0,
        dependsOn: [`file:/app/${name(k - 18)}`],
      });
    } else if (kind === 98) resources.push({ kind: 'volume', name: `vol-${id}`, size: 10 * 2 ** 30, optional: true, dependsOn: [] });
    else resources.push({ kind: 'env', name: `X_${id}`, value: `${index}`, dependsOn: [`file:/app/${name(k - 20)}`] });
  }
  return { source: { index, label: `source_${index}`, type: 'template', priority: index % 2, tags: [] }, resources };
}

/** The specification's pseudocode: for each resource, is it in allocated_resources? A list scan, first one kept. */
function baselineFirstWin(snapshots: Snapshot[]): number {
  const allocated: { key: string; resource: Resource }[] = [];
  let conflicts = 0;
  for (const s of snapshots) {
    for (const resource of s.resources) {
      const key = keyOf(resource);
      if (allocated.some((a) => a.key === key)) conflicts++;
      else allocated.push({ key, resource });
    }
  }
  return conflicts;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => unknown | Promise<unknown>, runs = RUNS): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return Math.round(median(samples) * 10) / 10;
}

/** Trained on the first 80 % of a world's compositions; both predictors then frozen and scored on the rest. */
function impactError(seed: number): { model: ImpactModel; trainMs: number; row: Record<string, number | string> } {
  const world = impactWorld(WORLD_COMPOSITIONS, seed);
  const cut = Math.floor(world.length * 0.8);
  const started = performance.now();
  const model = trainImpactModel(world.slice(0, cut).flat());
  const trainMs = Math.round(performance.now() - started);
  const heldOut = world.slice(cut).flat();
  const scored = heldOut.map((o) => ({ o, m: predictImpact(model, o.key, o.placement), b: runningMean(model.metrics, o.key) }));
  const mae = (f: (x: (typeof scored)[number]) => { predicted: number; observed: number }) =>
    Math.round(meanAbsoluteError(scored.map(f)) * 1000) / 1000;
  const healthModel = mae((x) => ({ predicted: x.m.health, observed: x.o.healthy ? 1 : 0 }));
  const healthMean = mae((x) => ({ predicted: x.b.health, observed: x.o.healthy ? 1 : 0 }));
  const cpuModel = mae((x) => ({ predicted: x.m.cpuUse, observed: x.o.cpuUse }));
  const cpuMean = mae((x) => ({ predicted: x.b.cpuUse, observed: x.o.cpuUse }));
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    model,
    trainMs,
    row: {
      seed,
      kind: model.kind,
      trainedOn: model.samples,
      heldOut: heldOut.length,
      healthMaeModel: healthModel,
      healthMaeRunningMean: healthMean,
      healthModelOverMean: ratio(healthModel, healthMean),
      // Against the world's true chance, the error that does not count the coin flip itself.
      healthMaeToTruthModel: mae((x) => ({ predicted: x.m.health, observed: x.o.pHealthy })),
      healthMaeToTruthRunningMean: mae((x) => ({ predicted: x.b.health, observed: x.o.pHealthy })),
      cpuMaeModel: cpuModel,
      cpuMaeRunningMean: cpuMean,
      cpuModelOverMean: ratio(cpuModel, cpuMean),
      trainMs,
    },
  };
}

async function main() {
  const solver = (await highsLoader()) as unknown as MilpSolver;
  const impact = WORLD_SEEDS.map(impactError);
  for (const i of impact) process.stderr.write(`${JSON.stringify(i.row)}\n`);
  const rows: {
    resourcesPerSource: number;
    conflicts: number;
    servicesInMilp: number;
    firstWinMs: number;
    aiAgentMs: number;
    aiAgentDecisions: number;
    servicesKept: number;
    baselineListScanMs: number | null;
    baselineOverFirstWin: number | null;
  }[] = [];
  for (const n of SIZES) {
    const snapshots = [0, 1, 2].map((i) => source(i, n));
    const services = snapshots.flatMap((s) => s.resources.filter((r) => r.kind === 'service'));
    const fullCpu = services.reduce((a, r) => a + (r.kind === 'service' ? r.cpu : 0), 0);
    const limits = { cpu: Math.round(fullCpu * 0.6), memory: services.length * 2 ** 30 * 0.6, disk: 1e15 };
    const conflicts = detectConflicts(snapshots, limits).conflicts.length;
    const firstWinMs = await time(() => resolveByRule(snapshots, 'FIRST_WIN', { disk: 1e15 }));
    let agentInfo = { decisions: 0, kept: 0 };
    const agentMs = await time(
      async () => {
        const r = await new ResolutionAgent(snapshots, {
          limits,
          impact: impact[0]!.model,
          adjusterFor: () => declaredAdjuster,
          solver,
        }).resolve();
        agentInfo = { decisions: r.decisions.length, kept: r.resources.filter((p) => p.resource.kind === 'service').length };
      },
      n >= 100_000 ? 1 : RUNS,
    );
    const baselineMs = n <= BASELINE_UP_TO ? await time(() => baselineFirstWin(snapshots), 1) : null;
    rows.push({
      resourcesPerSource: n,
      conflicts,
      servicesInMilp: services.length,
      firstWinMs,
      aiAgentMs: agentMs,
      aiAgentDecisions: agentInfo.decisions,
      servicesKept: agentInfo.kept,
      baselineListScanMs: baselineMs,
      baselineOverFirstWin: baselineMs === null ? null : Math.round((baselineMs / firstWinMs) * 10) / 10,
    });
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
  }
  const at10k = rows.find((r) => r.resourcesPerSource === 10_000)!;
  const growth = (key: 'firstWinMs' | 'aiAgentMs') => rows.slice(1).map((r, i) => Math.round((r[key] / rows[i]![key]) * 10) / 10);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'snapshot',
      sources: 3,
      overlap: OVERLAP,
      rows,
      targets: {
        firstWinMsAt10k: { measured: at10k.firstWinMs, budget: 1000 },
        aiAgentMsAt10k: { measured: at10k.aiAgentMs, budget: 5000 },
      },
      growthPer10x: { firstWin: growth('firstWinMs'), aiAgent: growth('aiAgentMs') },
      impactModel: { compositions: WORLD_COMPOSITIONS, heldOutShare: 0.2, rows: impact.map((i) => i.row) },
    })}\n`,
  );
}

void main();
