/**
 * Strict quantities for resource limits and requests. "8 cores", "2 vCPU",
 * "500m" (millicores) for CPU; "32GB" (decimal), "512MiB" (binary), "1.5 TB"
 * for bytes. Anything else is refused with the accepted forms, never guessed.
 */

const DECIMAL: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };
const BINARY: Record<string, number> = { KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40, PIB: 2 ** 50 };

/** The documented ranges: no machine Mosaic composes for has more; beyond them a number is a typo or an attack ("999…9 cores" is Infinity). */
export const MAX_CPU_CORES = 4096;
export const MAX_BYTES = 2 ** 50;

export const CPU_FORMS = `a number of cores up to ${MAX_CPU_CORES} such as "8 cores", "1 core", "2 vCPU", "0.5" or millicores such as "500m"`;
export const BYTES_FORMS =
  'a number up to 1 PiB with a decimal unit (B, KB, MB, GB, TB, PB) or a binary unit (KiB, MiB, GiB, TiB, PiB), such as "32GB" or "512MiB"';

const cores = (n: number) => (Number.isFinite(n) && n >= 0 && n <= MAX_CPU_CORES ? n : undefined);
const bytes = (n: number) => (Number.isSafeInteger(n) && n >= 0 && n <= MAX_BYTES ? n : undefined);

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const CPU = new RegExp(String.raw`^${NUMBER}\s*(cores?|vcpus?|m)?$`, 'i');
const BYTES = new RegExp(String.raw`^${NUMBER}\s*([kmgtp]i?b|b)$`, 'i');

/** Cores as a number, or undefined when the text is not one of CPU_FORMS. */
export function parseCpu(text: string | number): number | undefined {
  if (typeof text === 'number') return cores(text);
  // Longer than any real quantity: not worth a regular expression's time.
  if (text.length > 64) return undefined;
  const m = CPU.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  return cores(m[2]?.toLowerCase() === 'm' ? value / 1000 : value);
}

/** Bytes as a whole number, or undefined when the text is not one of BYTES_FORMS. */
export function parseBytes(text: string | number): number | undefined {
  if (typeof text === 'number') return bytes(text);
  if (text.length > 64) return undefined;
  const m = BYTES.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2]!;
  // "Mb" would be megabits elsewhere: only B in upper case is accepted, so the unit cannot be misread.
  if (!unit.endsWith('B')) return undefined;
  const factor = BINARY[unit.toUpperCase()] ?? DECIMAL[unit.toUpperCase()];
  // Binary units are spelled with a lower-case i (MiB); "MIB" is refused as a likely typo.
  if (unit.length === 3 && unit[1] !== 'i') return undefined;
  return factor === undefined ? undefined : bytes(Math.round(Number(m[1]) * factor));
}

const DECIMAL_UNITS = [
  ['PB', 1e15],
  ['TB', 1e12],
  ['GB', 1e9],
  ['MB', 1e6],
  ['KB', 1e3],
] as const;
const BINARY_UNITS = [
  ['PiB', 2 ** 50],
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
] as const;

/** The number in the largest unit it reaches, to at most two decimals, and how many decimals that took. */
function inUnits(bytes: number, units: readonly (readonly [string, number])[]): { text: string; decimals: number } {
  for (const [unit, factor] of units) {
    if (bytes < factor) continue;
    const value = +(bytes / factor).toFixed(2);
    return { text: `${value}${unit}`, decimals: String(value).split('.')[1]?.length ?? 0 };
  }
  return { text: `${bytes}B`, decimals: 0 };
}

/**
 * Bytes in the unit family the number was written in: a size given as 8GiB
 * is a whole number of GiB and comes back as "8GiB", not "8.59GB"; one given
 * as 4GB comes back as "4GB". The family that shows the number with fewer
 * decimals wins; a tie goes to decimal units.
 */
export function formatBytes(bytes: number): string {
  const decimal = inUnits(bytes, DECIMAL_UNITS);
  const binary = inUnits(bytes, BINARY_UNITS);
  return binary.decimals < decimal.decimals ? binary.text : decimal.text;
}

/** "1 core", "2.5 cores", "0.25 cores". */
export function formatCpu(cores: number): string {
  const value = +cores.toFixed(3);
  return `${value} ${value === 1 ? 'core' : 'cores'}`;
}
