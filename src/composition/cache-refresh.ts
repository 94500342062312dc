/**
 * When a worker's cache of verified store rows (the active policies, the
 * handler registry) goes back to the store. Loading them means decoding and
 * verifying every row, so the cache does it only when a governed write has
 * changed the rows' generation (models/generation.ts), checked with one small
 * read every `checkMs`; and every `reverifyMs` whatever the generation says,
 * because a row changed directly in the database changes no generation and
 * must still be refused.
 */

/** What the cache holds: the generation its rows were loaded under, and when it loaded and last checked. */
export interface Held {
  generation: string | undefined;
  loadedAt: number;
  checkedAt: number;
}

export interface RefreshLimits {
  checkMs: number;
  reverifyMs: number;
}

/** serve: what is held; check: read the generation, and reload if it moved; reload: load and verify everything. */
export type RefreshStep = 'serve' | 'check' | 'reload';

export function refreshStep(held: Held | undefined, now: number, { checkMs, reverifyMs }: RefreshLimits): RefreshStep {
  if (!held || now - held.loadedAt >= reverifyMs) return 'reload';
  return now - held.checkedAt >= checkMs ? 'check' : 'serve';
}
