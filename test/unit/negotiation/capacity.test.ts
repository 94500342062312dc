import { profileFromStructured, TARGET_UTILISATION } from '../../../src/negotiation/capacity';

describe('capacity formulas', () => {
  it('sizes CPU for the busiest hour at the target utilisation', () => {
    // 100 req/s × 4 ms = 0.4 CPU-seconds per second on average; peak ×3; at 70 %.
    const p = profileFromStructured({ role: 'web-server', requestsPerSecond: 100, peakFactor: 3 });
    expect(p.cpu.average).toBeCloseTo(0.4 / TARGET_UTILISATION, 3);
    expect(p.cpu.peak).toBeCloseTo((3 * 0.4) / TARGET_UTILISATION, 3);
    expect(p.cpu.sustained).toBeGreaterThanOrEqual(p.cpu.average);
    expect(p.cpu.sustained).toBeLessThanOrEqual(p.cpu.peak);
  });

  it('counts disk operations for reads that miss memory and for writes twice', () => {
    // database: miss 0.2; 1000 req/s, read share 0.5, 16 KiB payloads (one I/O each):
    // 1000 × (0.5 × 0.2 + 0.5 × 2) = 1100 IOPS on average.
    const p = profileFromStructured({ role: 'database', requestsPerSecond: 1000, readRatio: 0.5, peakFactor: 2 });
    expect(p.iops.average).toBe(1100);
    expect(p.iops.peak).toBe(2200);
    // 64 KiB... 512 KiB payloads take two 256 KiB operations each.
    expect(profileFromStructured({ role: 'database', requestsPerSecond: 1000, readRatio: 0.5, payloadKb: 512 }).iops.average).toBe(2200);
  });

  it('holds the working set and the connections in memory', () => {
    // database: 1 GiB + 100 × 10 MiB + 200 GiB × 0.25
    const p = profileFromStructured({ role: 'database', requestsPerSecond: 10, datasetGb: 200, concurrency: 100 });
    expect(p.memoryGb.peak).toBeCloseTo(1 + 1000 / 1024 + 50, 3);
    expect(p.storageGb).toBe(320);
  });

  it('moves each payload in and out over the network', () => {
    // 1000 req/s × 64 KiB × 8 bit × 2 = 1.024 Gbit/s
    expect(profileFromStructured({ role: 'web-server', requestsPerSecond: 1000, payloadKb: 64 }).networkGbps.average).toBeCloseTo(1.024, 3);
  });

  it('adds a nightly batch to the peak and its share of the day to the average', () => {
    const quiet = profileFromStructured({ role: 'analytics', requestsPerSecond: 0.1 });
    const nightly = profileFromStructured({
      role: 'analytics',
      requestsPerSecond: 0.1,
      batch: { hour: 2, durationHours: 2, millionsOfRecords: 10 },
    });
    // 10 M records × 900 s / 7200 s / 0.7 ≈ 1.79 vCPU while the batch runs.
    expect(nightly.cpu.peak - quiet.cpu.average).toBeCloseTo((10 * 900) / 7200 / TARGET_UTILISATION, 2);
    expect(nightly.cpu.average).toBeGreaterThan(quiet.cpu.average);
  });

  it('refuses a workload with a field out of range, naming it', () => {
    expect(() => profileFromStructured({ role: 'web-server', requestsPerSecond: 10, readRatio: 1.5 })).toThrow(
      /read share between 0 and 1/,
    );
    expect(() => profileFromStructured({ role: 'router' as never, requestsPerSecond: 10 })).toThrow(/expected a role/);
  });
});
