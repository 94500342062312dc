import type { ConflictKind } from './conflicts';
import type { Dropped, Placed } from './graph';
import type { Strategy } from './manifest';
import type { Resource } from './resources';
import type { Totals } from './totals';

/** How one conflict ended, with the rule or score that decided it. */
export interface Decision {
  kind: ConflictKind;
  key: string;
  /** Every source that claimed the key, in manifest order. */
  sources: string[];
  winner: string;
  discarded: { source: string; resource: Resource }[];
  /** Losers kept in another form their source accepted: another port, a renamed path, a smaller size. */
  adjusted: { source: string; from: Resource; to: Resource; rewrote: string[] }[];
  rule: string;
}

export interface Resolution {
  strategy: Strategy;
  resources: Placed[];
  decisions: Decision[];
  /** Resources left out for a reason other than losing a conflict: a missing dependency, the limits. */
  dropped: Dropped[];
  totals: Totals;
  /** Lines a person reads to see why the composition looks as it does. */
  explanation: string[];
}
