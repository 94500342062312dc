import type { Placed } from './graph';
import type { Limits } from './manifest';
import { formatBytes } from './units';

export interface Totals {
  cpu: number;
  memory: number;
  disk: number;
}

/** What a composition consumes: services' CPU and memory, files' and volumes' disk. */
export function totalsOf(placed: Placed[]): Totals {
  const t: Totals = { cpu: 0, memory: 0, disk: 0 };
  for (const { resource: r } of placed) {
    if (r.kind === 'service') {
      t.cpu += r.cpu;
      t.memory += r.memory;
    } else if (r.kind === 'file') t.disk += r.size;
    else if (r.kind === 'volume') t.disk += r.size;
  }
  t.cpu = Math.round(t.cpu * 1000) / 1000;
  return t;
}

/** Each limit the totals exceed, in words; empty when they fit. */
export function overLimits(t: Totals, limits: Limits): string[] {
  const over: string[] = [];
  if (limits.cpu !== undefined && t.cpu > limits.cpu + 1e-9) over.push(`cpu ${t.cpu} cores > ${limits.cpu}`);
  if (limits.memory !== undefined && t.memory > limits.memory) over.push(`memory ${formatBytes(t.memory)} > ${formatBytes(limits.memory)}`);
  if (limits.disk !== undefined && t.disk > limits.disk) over.push(`disk ${formatBytes(t.disk)} > ${formatBytes(limits.disk)}`);
  return over;
}
