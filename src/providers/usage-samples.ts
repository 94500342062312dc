import { PEAK_PERCENTILE, percentile } from '../negotiation/metric-usage';

/**
 * What a local workload used, sampled while it runs: /proc keeps only
 * totals (CPU ticks, read/write calls since start), so the peak of a window
 * needs readings taken during it. A small shell loop beside the service
 * appends one line per interval, `<unix seconds> <cpu ticks> <io calls>`,
 * until the process is gone; the peak is then the PEAK_PERCENTILE of the
 * intervals' rates, as CloudWatch periods are read for an instance.
 */

/** How often a sample is taken: CloudWatch's detailed-monitoring period. */
export const SAMPLE_INTERVAL_S = 60;

/** The sampler's file is cut back to its newest half past this size (about 90 days of minutes). */
export const MAX_SAMPLE_BYTES = 8_000_000;

/** Kernel clock ticks per second for /proc/<pid>/stat's utime and stime (USER_HZ, 100 on every Linux ABI). */
const TICKS_PER_SECOND = 100;

/**
 * The sampler's program: `sh -c <script> sampler <pid> <file> <interval> <max bytes>`. Reads only world-readable
 * /proc files (stat; io where permitted, else 0), never signals the process, and ends when it has gone or is a zombie.
 */
export const SAMPLER_SCRIPT = [
  'while [ -r "/proc/$1/stat" ]; do',
  // A zombie (ended, not yet reaped by a parent that is gone) counts as ended.
  '  ticks=$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | awk \'$1 != "Z" {print $12 + $13}\') || break',
  '  [ -n "$ticks" ] || break',
  '  calls=$(awk \'/^sysc[rw]:/ {s += $2} END {print s + 0}\' "/proc/$1/io" 2>/dev/null || echo 0)',
  '  echo "$(date +%s) $ticks ${calls:-0}" >> "$2"',
  '  if [ "$(wc -c < "$2")" -gt "$4" ]; then n=$(wc -l < "$2"); tail -n $((n / 2)) "$2" > "$2.cut" && mv "$2.cut" "$2"; fi',
  '  sleep "$3"',
  'done',
].join('\n');

export interface UsageSample {
  at: number;
  ticks: number;
  calls: number;
}

/** The samples of a file's text, skipping any line that is not three numbers (a line cut by a crash). */
export function parseSamples(text: string): UsageSample[] {
  const out: UsageSample[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) (\d+)$/.exec(line.trim());
    if (m) out.push({ at: Number(m[1]), ticks: Number(m[2]), calls: Number(m[3]) });
  }
  return out;
}

/**
 * The peak CPU (cores) and I/O calls per second over the intervals that lie
 * in the window, or undefined with fewer than two samples there (a window
 * shorter than the interval: the caller falls back to the process's totals).
 */
export function peakFromSamples(
  samples: UsageSample[],
  window: { since: Date; until: Date },
): { cpu: number; iops: number; intervals: number } | undefined {
  const since = window.since.getTime() / 1000;
  const until = window.until.getTime() / 1000;
  const inside = samples.filter((s) => s.at >= since && s.at <= until);
  if (inside.length < 2) return undefined;
  const cpu: number[] = [];
  const iops: number[] = [];
  for (let i = 1; i < inside.length; i++) {
    const [a, b] = [inside[i - 1]!, inside[i]!];
    const seconds = b.at - a.at;
    // A restarted counter (a reused pid) or two lines in one second say nothing about a rate.
    if (seconds <= 0 || b.ticks < a.ticks || b.calls < a.calls) continue;
    cpu.push((b.ticks - a.ticks) / TICKS_PER_SECOND / seconds);
    iops.push((b.calls - a.calls) / seconds);
  }
  if (!cpu.length) return undefined;
  return { cpu: percentile(cpu, PEAK_PERCENTILE), iops: percentile(iops, PEAK_PERCENTILE), intervals: cpu.length };
}
