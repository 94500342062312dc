// CPU used by each part of a local stack, read from /proc: every process the
// stack recorded in its data directory (PostgreSQL's forked backends counted
// with the postmaster) and any others the caller names (workers it spawned).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds of a process and its reaped children, from /proc/<pid>/stat (utime, stime, cutime, cstime). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / TICK;
  } catch {
    return 0;
  }
}

/** The part a recorded process belongs to: `temporal-history-2` counts with `temporal-history`. */
const part = (name: string) =>
  name.startsWith('worker') ? 'mosaic workers' : name === 'temporal' ? 'temporal (dev server)' : name.replace(/-\d+$/, '');

export function recordedProcesses(dataDir: string): { name: string; pid: number }[] {
  const dir = path.join(dataDir, 'run');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f.slice(0, -5), pid: (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { pid: number }).pid }));
}

/** PostgreSQL's backends are children of the postmaster, and exit with their connections: sum the live ones too. */
function postgresCpu(postmaster: number): number {
  let total = cpuSeconds(postmaster);
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += cpuSeconds(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU seconds so far by part: the recorded processes and `others` (named like records, e.g. `worker-3`). */
export function cpuByPart(dataDir: string, others: { name: string; pid: number }[] = []): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of [...recordedProcesses(dataDir), ...others]) {
    const cpu = r.name === 'postgresql' ? postgresCpu(r.pid) : cpuSeconds(r.pid);
    out.set(part(r.name), (out.get(part(r.name)) ?? 0) + cpu);
  }
  return out;
}

/** CPU milliseconds per workflow by part between two readings (parts absent before started at 0). */
export function cpuMsPerWorkflow(before: Map<string, number>, after: Map<string, number>, workflows: number): Record<string, number> {
  return Object.fromEntries([...after].map(([k, v]) => [k, Math.round((((v - (before.get(k) ?? 0)) * 1000) / workflows) * 10) / 10]));
}
