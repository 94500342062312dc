import { analyzeDescription, type AnalyzeOptions, type WorkloadAnalysis } from '../negotiation/workload/analyze';
import { normaliseNumbers } from '../negotiation/workload/numbers';
import { EncoderNotInstalled } from './model-files';
import type { KindGuess } from '../negotiation/encoder/nearest-kind';
import { SemanticKinds } from './semantic-kinds';

/**
 * The sentence encoder, loaded the first time a description of no kind the
 * rules know needs it (most never do). When the model is not installed it is
 * said once, through `unavailable`, and the analyzer goes on without it; a
 * failure of any other kind is tried again on the next description.
 */
export class Likeness {
  private loading?: Promise<SemanticKinds | undefined>;
  private missing = false;

  constructor(
    private readonly cacheDir: string,
    private readonly unavailable: (reason: string) => void,
  ) {}

  async of(text: string): Promise<KindGuess | undefined> {
    if (this.missing) return undefined;
    this.loading ??= SemanticKinds.load(this.cacheDir).catch((err: unknown) => {
      this.loading = undefined;
      if (err instanceof EncoderNotInstalled) this.missing = true;
      this.unavailable(err instanceof Error ? err.message : String(err));
      return undefined;
    });
    const loading = this.loading;
    const kinds = await loading;
    try {
      return await kinds?.guess(text);
    } catch (err) {
      // Its thread ended (killed, out of memory): this description goes without it, the next starts a new one.
      if (this.loading === loading) this.loading = undefined;
      void kinds?.close();
      this.unavailable(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  async close(): Promise<void> {
    const kinds = await this.loading;
    this.loading = undefined;
    await kinds?.close();
  }
}

/** The analyzer, with the encoder's nearest kind for a description the rules cannot place. */
export async function analyzeWithLikeness(
  text: string,
  options: AnalyzeOptions,
  likeness: Pick<Likeness, 'of'> | undefined,
): Promise<WorkloadAnalysis> {
  const read = analyzeDescription(text, options);
  if (read.kind !== 'unknown' || !likeness) return read;
  const guess = await likeness.of(whatItIs(text, read));
  return guess ? analyzeDescription(text, { ...options, likeness: guess }) : read;
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The description without the quantities the analyzer read: the encoder
 * compares what a workload is, not how big ("…, about 200 GB" would pull any
 * description towards the storage kinds).
 */
export function whatItIs(text: string, read: Pick<WorkloadAnalysis, 'quantities'>): string {
  // The quantities were read from the text with its numbers in digits ("20k" is 20000), and a total names its
  // parts ("12 vms × 150 gb"): each part is taken out of that same text.
  const parts = read.quantities.flatMap((q) => q.text.split(' × '));
  const left = parts.reduce((t, part) => t.replace(new RegExp(escaped(part), 'i'), ' '), normaliseNumbers(text).text);
  const tidy = left
    .replace(/\s+/g, ' ')
    .replace(/\s*([,;:])(\s*[,;:])+/g, '$1')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/[\s,;:]+$/, '')
    .trim();
  return tidy || text;
}
