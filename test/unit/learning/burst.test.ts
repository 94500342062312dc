import { renderModelReport, learningBurstChart } from '../../../src/operator/model-report';
import {
  burstRequestId,
  burstTable,
  burstWindows,
  parseBurstId,
  phaseShare,
  type BurstDecision,
  type BurstPhase,
  type BurstSummary,
} from '../../../src/learning/burst';

const PG = 'postgres-local@1';
const FERRET = 'provision-database@1';
const refs = [PG, FERRET];

const decision = (phase: BurstPhase, seq: number, ref: string, pPg: number, failed = false): BurstDecision => ({
  phase,
  seq,
  ref,
  failed,
  probabilities: { [PG]: pPg, [FERRET]: 1 - pPg },
});

describe('learning burst ids', () => {
  it('round-trips burst, window, phase and call through a request id and its compose workflow id', () => {
    const call = { burst: '20261204213000', window: 5, phase: 'fault' as const, seq: 7 };
    const id = burstRequestId(call);
    expect(id).toBe('learning-20261204213000-w5-fault-0007');
    expect(parseBurstId(id)).toEqual(call);
    expect(parseBurstId(`compose-${id}`)).toEqual(call);
  });

  it('ignores any other id, a look-alike included', () => {
    for (const id of [
      'compose-demo-database-1',
      'learning-2026-w5-fault-1',
      'compose-learning-20261204213000-w5-during-0001',
      'x-learning-20261204213000-w5-fault-1',
    ])
      expect(parseBurstId(id)).toBeUndefined();
  });
});

describe('burstWindows', () => {
  it('counts shares and mean logged probabilities per window, in call order, never across phases', () => {
    // Out of order, as outcomes come back from the store.
    const decisions = [
      decision('before', 2, PG, 0.8),
      decision('before', 1, PG, 0.6),
      decision('before', 3, FERRET, 0.7),
      decision('fault', 1, PG, 0.8, true),
      decision('fault', 2, FERRET, 0.2),
      decision('after', 1, FERRET, 0.1),
    ];
    const windows = burstWindows(decisions, 2, refs);
    expect(windows.map((w) => [w.phase, w.from, w.to, w.n])).toEqual([
      ['before', 1, 2, 2],
      ['before', 3, 3, 1],
      ['fault', 1, 2, 2],
      ['after', 1, 1, 1],
    ]);
    expect(windows[0]!.shares).toEqual({ [PG]: 1, [FERRET]: 0 });
    expect(windows[0]!.probabilities[PG]).toBeCloseTo(0.7);
    expect(windows[1]!.shares).toEqual({ [PG]: 0, [FERRET]: 1 });
    expect(windows[2]).toMatchObject({ shares: { [PG]: 0.5, [FERRET]: 0.5 }, failed: 1 });
    expect(windows[2]!.probabilities[PG]).toBeCloseTo(0.5);
    // A candidate never chosen in a window still has its share, zero.
    expect(windows[3]!.shares[PG]).toBe(0);
  });

  it('weights a phase share by window sizes, and has none for a phase that did not run', () => {
    const windows = burstWindows(
      [decision('before', 1, PG, 0.5), decision('before', 2, PG, 0.5), decision('before', 3, FERRET, 0.5)],
      2,
      refs,
    );
    expect(phaseShare(windows, 'before', PG)).toBeCloseTo(2 / 3);
    expect(phaseShare(windows, 'fault', PG)).toBeUndefined();
  });

  it('refuses a window size that is not a whole number of 1 or more', () => {
    expect(() => burstWindows([], 0, refs)).toThrow(/whole number of 1 or more, not 0/);
    expect(() => burstWindows([], 1.5, refs)).toThrow(RangeError);
  });
});

const summary = (): BurstSummary => ({
  burst: '20261204213000',
  faulted: PG,
  window: 2,
  candidates: refs,
  windows: burstWindows(
    [
      decision('before', 1, PG, 0.8),
      decision('before', 2, PG, 0.8),
      decision('fault', 1, PG, 0.8, true),
      decision('fault', 2, FERRET, 0.1),
      decision('after', 1, FERRET, 0.1),
      decision('after', 2, PG, 0.1),
    ],
    2,
    refs,
  ),
});

describe('burst table', () => {
  it('draws the faulted alternative’s share per window as a bar, with its probability and the failures', () => {
    const lines = burstTable(summary()).split('\n');
    expect(lines[0]).toMatch(/^PHASE\s+CALLS\s+postgres-local@1 CHOSEN\s+P\(postgres-local@1\)\s+FAILED$/);
    expect(lines.slice(1).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'before 1-2 #################### 100 % 0.800 0',
      'fault 1-2 ##########.......... 50 % 0.450 1',
      'after 1-2 ##########.......... 50 % 0.100 0',
    ]);
  });
});

describe('learning burst plot', () => {
  it('is an inline SVG with a share line and a probability line per alternative and the fault phase shaded', () => {
    const svg = learningBurstChart(summary());
    expect(svg).toMatch(/^<figure><figcaption>Learning burst 20261204213000/);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('<title>fault: postgres-local@1 could not create databases</title>');
    expect(svg).toContain('<title>fault calls 1-2: postgres-local@1 50 %, provision-database@1 50 %; 1 failed</title>');
    // Nothing fetched: no scripts, no external references.
    expect(svg).not.toMatch(/<script|href=|src=/);
  });

  it('is absent from the report when no burst ran, and present when one did', () => {
    const data = { generatedAt: '2026-12-04T21:30:00Z', versions: [], rewardOverTime: [], choiceShares: [], outcomes: 0 };
    expect(learningBurstChart(undefined)).toBe('');
    expect(renderModelReport(data)).not.toContain('Learning burst');
    expect(renderModelReport({ ...data, learningBurst: summary() })).toContain('Learning burst 20261204213000');
  });
});
