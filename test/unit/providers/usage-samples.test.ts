import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../harness/eventually';
import { parseSamples, peakFromSamples, SAMPLER_SCRIPT, type UsageSample } from '../../../src/providers/usage-samples';

const at = (iso: string) => new Date(iso);
const t0 = at('2026-12-06T10:00:00Z').getTime() / 1000;
/** A minute's samples: `busy` cores of CPU in each interval (100 ticks a core-second), `calls` I/O calls a second. */
const minutes = (busy: number[], calls = 0): UsageSample[] => {
  const out: UsageSample[] = [{ at: t0, ticks: 1000, calls: 0 }];
  busy.forEach((cores, i) => {
    const last = out[out.length - 1]!;
    out.push({ at: t0 + (i + 1) * 60, ticks: last.ticks + Math.round(cores * 100 * 60), calls: last.calls + calls * 60 });
  });
  return out;
};

describe('the peak of a local workload from its samples', () => {
  const window = { since: at('2026-12-06T10:00:00Z'), until: at('2026-12-06T14:00:00Z') };

  it('is the P99.5 of the intervals: one burst among hundreds is passed over, a sustained load is not', () => {
    const quiet = Array.from({ length: 239 }, () => 0.2);
    expect(peakFromSamples(minutes([...quiet.slice(0, 100), 3.5, ...quiet.slice(100)]), window)?.cpu).toBeCloseTo(0.2, 5);
    expect(peakFromSamples(minutes([...quiet.slice(0, 100), 3.5, 3.5, ...quiet.slice(100)]), window)?.cpu).toBeCloseTo(3.5, 5);
    // Fewer intervals than 200: the busiest one.
    expect(peakFromSamples(minutes([0.1, 1.5, 0.3]), window)).toEqual({ cpu: 1.5, iops: 0, intervals: 3 });
    expect(peakFromSamples(minutes([0.5, 0.5], 40), window)?.iops).toBe(40);
  });

  it('reads only the window, and needs two samples inside it', () => {
    const samples = minutes([4, 0.25, 0.25]);
    expect(peakFromSamples(samples, { since: new Date((t0 + 60) * 1000), until: window.until })?.cpu).toBe(0.25);
    expect(peakFromSamples(samples, { since: new Date((t0 + 150) * 1000), until: window.until })).toBeUndefined();
    expect(peakFromSamples([], window)).toBeUndefined();
  });

  it('skips lines cut by a crash and intervals whose counters went back (a reused pid)', () => {
    expect(parseSamples(`${t0} 100 5\n${t0 + 60} 700\n\n${t0 + 60} 700 9\ngarbage\n`)).toEqual([
      { at: t0, ticks: 100, calls: 5 },
      { at: t0 + 60, ticks: 700, calls: 9 },
    ]);
    const reset = [
      { at: t0, ticks: 9000, calls: 0 },
      { at: t0 + 60, ticks: 100, calls: 0 },
      { at: t0 + 120, ticks: 700, calls: 0 },
    ];
    expect(peakFromSamples(reset, window)).toEqual({ cpu: 0.1, iops: 0, intervals: 1 });
  });
});

describe('the sampler', () => {
  it("samples a running process's CPU every interval and ends once the process has gone", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-sampler-'));
    const file = path.join(dir, 'busy.samples');
    const busy = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    const sampler = spawn('sh', ['-c', SAMPLER_SCRIPT, 'sampler', String(busy.pid), file, '1', '1000000'], { stdio: 'ignore' });
    try {
      await eventually(async () => expect(parseSamples(fs.readFileSync(file, 'utf8')).length).toBeGreaterThanOrEqual(3), 15_000);
      const samples = parseSamples(fs.readFileSync(file, 'utf8'));
      const peak = peakFromSamples(samples, { since: new Date(0), until: new Date(Date.now() + 1000) });
      // A busy loop holds about a core; a shared machine may give it less, never none.
      expect(peak!.cpu).toBeGreaterThan(0.2);
      expect(peak!.cpu).toBeLessThan(1.5);
    } finally {
      busy.kill('SIGKILL');
      await eventually(async () => expect(sampler.exitCode).toBe(0), 10_000);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('ends when the process is a zombie whose parent will never reap it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-sampler-'));
    const pidFile = path.join(dir, 'zombie.pid');
    // A child that exits under a parent (exec'd into sleep) that never waits for it.
    const parent = spawn('sh', ['-c', `sleep 0.1 & echo $! > ${pidFile}; exec sleep 30`], { stdio: 'ignore' });
    try {
      await eventually(async () => expect(fs.readFileSync(pidFile, 'utf8').trim()).toMatch(/^\d+$/), 5000);
      const zombie = fs.readFileSync(pidFile, 'utf8').trim();
      await eventually(async () => expect(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /), 5000);
      const sampler = spawn('sh', ['-c', SAMPLER_SCRIPT, 'sampler', zombie, path.join(dir, 'z.samples'), '1', '1000000'], {
        stdio: 'ignore',
      });
      await eventually(async () => expect(sampler.exitCode).toBe(0), 10_000);
      expect(fs.existsSync(path.join(dir, 'z.samples'))).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
