import fs from 'node:fs';
import os from 'node:os';
import { networkLoad, parseNetDev, type NetworkSample } from '../composition/network-load';
import { gauge } from '../observability/metrics';
import type { PolicyContext } from '../pdl/types';

// os.cpus() reads /proc for every core's times: once per worker is enough for the count.
const CORES = os.cpus().length;
/** A virtual interface reports no speed; 1 Gb/s is the common default of a cloud VM's NIC. */
const DEFAULT_LINK_BYTES_PER_SECOND = 125_000_000;
/** Rates over less than this are mostly noise; decisions within it share one reading. */
const MIN_INTERVAL_MS = 1000;

const loadGauge = gauge('mosaic_system_load', 'System load as PDL conditions read it (system.cpu, .memory, .network), 0..1', ['resource']);

/** Sum of the link speeds of the interfaces, from /sys/class/net/<name>/speed (Mb/s). */
function capacityOf(names: string[]): number {
  let total = 0;
  for (const name of names) {
    try {
      const mbps = Number(fs.readFileSync(`/sys/class/net/${name}/speed`, 'utf8').trim());
      total += mbps > 0 ? (mbps * 1_000_000) / 8 : DEFAULT_LINK_BYTES_PER_SECOND;
    } catch {
      total += DEFAULT_LINK_BYTES_PER_SECOND;
    }
  }
  return total || DEFAULT_LINK_BYTES_PER_SECOND;
}

function sample(): NetworkSample | undefined {
  try {
    return { atMs: Date.now(), interfaces: parseNetDev(fs.readFileSync('/proc/net/dev', 'utf8')) };
  } catch {
    // Not Linux: no interface counters, network load reads as 0.
    return undefined;
  }
}

/**
 * Load in 0..1: run queue per core, memory in use, and network from the
 * host's interface counters (the busier direction over the link speed),
 * measured between decisions at least a second apart. Also exported to
 * Prometheus, so what a policy condition saw can be graphed.
 */
export function createSystemLoad(): () => PolicyContext['system'] {
  let previous = sample();
  const capacity = capacityOf(previous?.interfaces.map((i) => i.name) ?? []);
  let network = 0;
  return () => {
    const now = Date.now();
    if (previous && now - previous.atMs >= MIN_INTERVAL_MS) {
      const next = sample();
      if (next) {
        network = networkLoad(previous, next, capacity);
        previous = next;
      }
    }
    const load = { cpu: Math.min(1, os.loadavg()[0]! / CORES), memory: 1 - os.freemem() / os.totalmem(), network };
    for (const [resource, value] of Object.entries(load)) loadGauge.set({ resource }, value);
    return load;
  };
}
