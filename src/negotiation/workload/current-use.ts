/**
 * What today's machines are measured at, as a request states it: "Current: 3
 * pods x 2 vCPU / 4Gi, ~55% CPU at normal daily peak (~400 rps)", "Today it
 * runs on 2 boxes (32 vCPU / 128 GB each) at ~70% CPU", "Current box: 24
 * cores / 128 GB, CPU ~45% at peak". A measurement of the workload itself is
 * better evidence of the cores it needs than any per-request model: an SRE
 * sizes from it first. Read from the normalised text (numbers.ts), one
 * sentence at a time, and only where the cores and their use are in the same
 * sentence.
 */
export interface CurrentUse {
  /** Cores busy today: machines × their vCPU × the share in use. */
  busyVcpu: number;
  /** At its limit ("~95% CPU", "pegged"): what it would use with more is not known, only that it is more. */
  saturated: boolean;
  /** The rate served at the time of the measurement, per second, when the sentence states one ("~400 rps"). */
  ratePerSecond?: number;
  /** The sentence as read, for the note. */
  text: string;
}

const CORES = /(?<![\d.])(\d+(?:\.\d+)?)\s?(?:v?cpus?|vcores?|cores?)\b/;
/** "3 pods x 2 vCPU", "2 x 16 cores": machines times the cores of each. */
const MACHINES_TIMES_CORES = /(?<![\d.])(\d+)\s?(?:[a-z-]+\s)?(?:x|×)\s?(\d+(?:\.\d+)?)\s?(?:v?cpus?|vcores?|cores?)\b/;
/** "2 much bigger boxes (32 vCPU …)": how many machines, counted before their cores. */
const MACHINES =
  /(?<![\d.])(\d+)\s+(?:[a-z-]+\s+){0,2}(?:boxes|pods|nodes|vms|servers|instances|machines|hosts|workers|replicas|containers)\b/;
const SHARE =
  /(?<![\d.])(\d{1,3}(?:\.\d+)?)\s?%\s?(?:of\s)?(?:cpu|utili[sz]ation|load)\b|\bcpu(?:\s(?:usage|utili[sz]ation|load))?\s?(?:is\s|sits\s|runs\s|averages?\s|peaks?\s)?(?:at\s|around\s|about\s|of\s|~\s?|≈\s?|:\s?)?~?\s?(\d{1,3}(?:\.\d+)?)\s?%/;
const SATURATED = /\b(pegged|maxed out|saturated|at 100\s?% cpu)\b/;
/** A share of CPU above which a machine is queueing work: the measurement is a floor, not the demand. */
const SATURATION = 0.9;
/** "keep CPU under 60%", "target 70% utilisation": a goal, not a measurement. */
const TARGET = /\b(keep|target\w*|under|below|at most|max(imum)?|no more than|stay)\b[^.;]{0,20}\d{1,3}\s?%/;
const RATE = /(?<![\d.])(\d+(?:\.\d+)?)\s?(?:rps|qps|tps|req\/s|requests\/s|requests per second|msg\/s|messages\/s|events\/s|ops\/s)\b/;

export function currentUseOf(normalisedText: string): CurrentUse | undefined {
  for (const sentence of normalisedText.split(/[.;!?](?=\s|$)|\n/)) {
    const cores = MACHINES_TIMES_CORES.exec(sentence) ?? CORES.exec(sentence);
    if (!cores) continue;
    const share = SHARE.exec(sentence);
    const used = share && !TARGET.test(sentence) ? Number(share[1] ?? share[2]) / 100 : SATURATED.test(sentence) ? 1 : undefined;
    if (used === undefined || used <= 0 || used > 1) continue;
    const timesCores = cores.length > 2;
    const vcpu = Number(timesCores ? cores[2] : cores[1]);
    const counted = MACHINES.exec(sentence.slice(0, cores.index));
    const machines = timesCores ? Number(cores[1]) : counted ? Number(counted[1]) : 1;
    if (!(vcpu > 0 && vcpu <= 512 && machines >= 1 && machines <= 1000)) continue;
    const rate = RATE.exec(sentence);
    return {
      busyVcpu: machines * vcpu * used,
      saturated: used >= SATURATION,
      ratePerSecond: rate ? Number(rate[1]) : undefined,
      text: sentence.trim(),
    };
  }
  return undefined;
}
