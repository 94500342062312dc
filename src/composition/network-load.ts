/**
 * Network load as PDL conditions read it (`system.network`, 0..1): bytes
 * received and sent per second on the host's interfaces, over their capacity.
 * Pure: the worker reads `/proc/net/dev` and the clock and passes them in.
 */

export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  txBytes: number;
}

/**
 * The byte counters of `/proc/net/dev` (two header lines, then
 * `name: rx_bytes rx_packets … tx_bytes …`), loopback left out: traffic
 * between the worker and its own stack is not the host's network load.
 */
export function parseNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const fields = m[2]!.trim().split(/\s+/).map(Number);
    // Receive has 8 columns (bytes first), transmit follows with bytes first.
    if (fields.length < 9 || !Number.isFinite(fields[0]) || !Number.isFinite(fields[8])) continue;
    out.push({ name: m[1]!, rxBytes: fields[0]!, txBytes: fields[8]! });
  }
  return out;
}

export interface NetworkSample {
  atMs: number;
  interfaces: InterfaceCounters[];
}

/**
 * The busier direction's rate over the interval, summed over the interfaces
 * seen in both samples, as a share of `capacityBytesPerSecond`, in 0..1. A
 * counter that went backwards (interface reset) or a zero interval counts as idle.
 */
export function networkLoad(previous: NetworkSample, next: NetworkSample, capacityBytesPerSecond: number): number {
  const seconds = (next.atMs - previous.atMs) / 1000;
  if (!(seconds > 0) || !(capacityBytesPerSecond > 0)) return 0;
  let rx = 0;
  let tx = 0;
  for (const n of next.interfaces) {
    const p = previous.interfaces.find((i) => i.name === n.name);
    if (!p) continue;
    rx += Math.max(0, n.rxBytes - p.rxBytes);
    tx += Math.max(0, n.txBytes - p.txBytes);
  }
  return Math.min(1, Math.max(rx, tx) / seconds / capacityBytesPerSecond);
}
