// The world the impact model is measured in (bench:snapshot). 40 services,
// each with a hidden quality q (its chance of staying healthy alone, 0.6 to
// 0.98) and a CPU appetite c (cores it really uses, 0.1 to 2). Each
// composition places 2 to 12 of them; each placement draws a requested size
// (0.5, 1, 2 or 4 cores; 256 MiB to 4 GiB), 0 to 5 dependents, a live source
// (30 %) or a template, and whether the resolution moved or shrank it (20 %).
// Then, for each placed service:
//   P(healthy) = q − 0.03 · colocated − 0.15 · adjusted − 0.2 · [memory < 512 MiB] − 0.1 · [live], within [0.02, 0.99]
//   CPU use    = min(1, c · (1 + 0.05 · colocated) / requested cores) + noise in ±0.05, within [0, 1]
// so a service's own history carries q and c, and its placement the rest.
import { seededRandom } from '../src/random';
import type { Placement, ServiceObservation } from '../src/snapshot/impact';

const SERVICES = 40;

export interface WorldObservation extends ServiceObservation {
  placement: Placement;
  /** The world's true chance of staying healthy, for the error against expectation. */
  pHealthy: number;
}

/** `compositions` compositions in time order, their services' outcomes flattened. */
export function impactWorld(compositions: number, seed: number): WorldObservation[][] {
  const next = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const services = Array.from({ length: SERVICES }, (_, i) => ({ key: `service:w${i}`, q: 0.6 + 0.38 * next(), c: 0.1 + 1.9 * next() }));
  return Array.from({ length: compositions }, () => {
    const count = 2 + Math.floor(next() * 11);
    const shuffled = [...services];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const chosen = shuffled.slice(0, count);
    return chosen.map((s) => {
      const placement: Placement = {
        cpu: pick([0.5, 1, 2, 4]),
        memory: pick([256, 512, 1024, 4096]) * 2 ** 20,
        dependents: Math.floor(next() * 6),
        colocated: count - 1,
        sourceType: next() < 0.3 ? 'live' : 'template',
        adjusted: next() < 0.2,
      };
      const pHealthy = Math.min(
        0.99,
        Math.max(
          0.02,
          s.q -
            0.03 * placement.colocated -
            (placement.adjusted ? 0.15 : 0) -
            (placement.memory < 512 * 2 ** 20 ? 0.2 : 0) -
            (placement.sourceType === 'live' ? 0.1 : 0),
        ),
      );
      const cpuUse = Math.min(1, Math.max(0, Math.min(1, (s.c * (1 + 0.05 * placement.colocated)) / placement.cpu) + (next() - 0.5) * 0.1));
      return { key: s.key, healthy: next() < pHealthy, cpuUse, placement, pHealthy };
    });
  });
}
