/**
 * The demo's learning burst (`mosaic demo`, src/operator/demo/learning-burst.ts):
 * database compositions in three phases, one alternative made to fail in the
 * middle one. Its request ids say which burst, phase and call each was, and
 * the window size, so what the decisions did is read back from the logged
 * outcomes (choice and propensity per step) by the terminal and by the model
 * report alike, never counted on the client's side.
 */
export const BURST_PHASES = ['before', 'fault', 'after'] as const;
export type BurstPhase = (typeof BURST_PHASES)[number];

/** The alternative the burst makes fail: the demo's fault is in the stack's PostgreSQL (src/operator/demo/postgres-fault.ts). */
export const BURST_FAULTED = 'postgres-local@1';

/** The stage whose choice the burst watches. */
export const BURST_STAGE = 'provision';

const ID = /^(?:compose-)?learning-(\d{14})-w(\d+)-(before|fault|after)-(\d+)$/;

export interface BurstCall {
  burst: string;
  window: number;
  phase: BurstPhase;
  seq: number;
}

/** `learning-<stamp>-w<window>-<phase>-<seq>`: the request id of one call of a burst. */
export function burstRequestId(call: BurstCall): string {
  return `learning-${call.burst}-w${call.window}-${call.phase}-${String(call.seq).padStart(4, '0')}`;
}

/** The call a request or compose workflow id names, or undefined for any other. */
export function parseBurstId(id: string): BurstCall | undefined {
  const m = ID.exec(id);
  return m ? { burst: m[1]!, window: Number(m[2]), phase: m[3] as BurstPhase, seq: Number(m[4]) } : undefined;
}

/** One logged decision of the watched stage: what was chosen, and the probability the policy gave each candidate. */
export interface BurstDecision {
  phase: BurstPhase;
  seq: number;
  ref: string;
  failed: boolean;
  probabilities: Record<string, number>;
}

export interface BurstWindow {
  phase: BurstPhase;
  /** The calls of its phase the window covers, 1-based, inclusive. */
  from: number;
  to: number;
  n: number;
  /** Share of the window's decisions each candidate got. */
  shares: Record<string, number>;
  /** Mean logged probability of each candidate: what the policy meant to give it. */
  probabilities: Record<string, number>;
  failed: number;
}

export interface BurstSummary {
  burst: string;
  /** The alternative that failed during the fault phase. */
  faulted: string;
  window: number;
  candidates: string[];
  windows: BurstWindow[];
}

/**
 * Consecutive windows of `size` decisions within each phase, in call order
 * (a last, shorter window keeps the remainder); a window never spans two
 * phases, so each says what the policy did under one state of the world.
 */
export function burstWindows(decisions: BurstDecision[], size: number, candidates: string[]): BurstWindow[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a whole number of 1 or more, not ${size}`);
  const zero = () => Object.fromEntries(candidates.map((c) => [c, 0]));
  const out: BurstWindow[] = [];
  for (const phase of BURST_PHASES) {
    const mine = decisions.filter((d) => d.phase === phase).sort((a, b) => a.seq - b.seq);
    for (let start = 0; start < mine.length; start += size) {
      const slice = mine.slice(start, start + size);
      const shares = zero();
      const probabilities = zero();
      for (const d of slice) {
        shares[d.ref] = (shares[d.ref] ?? 0) + 1 / slice.length;
        for (const c of candidates) probabilities[c]! += (d.probabilities[c] ?? 0) / slice.length;
      }
      out.push({
        phase,
        from: start + 1,
        to: start + slice.length,
        n: slice.length,
        shares,
        probabilities,
        failed: slice.filter((d) => d.failed).length,
      });
    }
  }
  return out;
}

/** A candidate's share over a whole phase, from its windows (weighted by their sizes). */
export function phaseShare(windows: BurstWindow[], phase: BurstPhase, ref: string): number | undefined {
  const mine = windows.filter((w) => w.phase === phase);
  const n = mine.reduce((a, w) => a + w.n, 0);
  return n ? mine.reduce((a, w) => a + (w.shares[ref] ?? 0) * w.n, 0) / n : undefined;
}

const BAR = 20;

/** The windows as lines of text: phase, calls, an ASCII bar of the faulted alternative's share, its mean probability, failures. */
export function burstTable(summary: BurstSummary): string {
  const { faulted } = summary;
  const head = `PHASE   CALLS    ${`${faulted} CHOSEN`.padEnd(BAR + 7)}  P(${faulted})  FAILED`;
  const rows = summary.windows.map((w) => {
    const share = w.shares[faulted] ?? 0;
    const filled = Math.round(share * BAR);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR - filled)} ${(share * 100).toFixed(0).padStart(3)} %`;
    const p = (w.probabilities[faulted] ?? 0).toFixed(3);
    return `${w.phase.padEnd(6)}  ${`${w.from}-${w.to}`.padEnd(7)}  ${bar.padEnd(BAR + 7)}  ${p.padEnd(faulted.length + 3)}  ${w.failed}`;
  });
  return [head, ...rows].join('\n');
}
