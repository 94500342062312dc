import { createHash } from 'node:crypto';
import { keyIdOf } from './keys';

/** The PEM public keys in a text (a variable or a file of concatenated .pub files), each as its own block. */
export function pemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g)].map((m) => `${m[0]}\n`);
}

/**
 * A short fingerprint of a set of root keys (16 hex digits): the same keys,
 * in any order or repeated, give the same fingerprint; any key added or
 * removed gives another. What workers compare to agree on whom to trust.
 */
export function rootKeySetFingerprint(pems: string[]): { fingerprint: string; keyIds: string[] } {
  const keyIds = [...new Set(pems.map(keyIdOf))].sort();
  const fingerprint = createHash('sha256').update('mosaic root key set\0').update(keyIds.join('\n')).digest('hex').slice(0, 16);
  return { fingerprint, keyIds };
}

export interface RootKeySetCheck {
  /** This worker's set. */
  fingerprint: string;
  keyIds: string[];
  /** The live workers whose recorded set differs from this worker's (empty when the fleet agrees). */
  others: { worker: string; fingerprint: string; keyIds: string[]; seenAt: string }[];
}

/** What a worker says when the fleet disagrees, naming both sides and the fix. */
export function rootKeySetDisagreement(check: RootKeySetCheck): string | undefined {
  if (!check.others.length) return undefined;
  const theirs = [...new Map(check.others.map((o) => [o.fingerprint, o])).values()]
    .map(
      (o) =>
        `${o.fingerprint} (${o.keyIds.join(', ') || 'no keys'}; held by ${check.others
          .filter((x) => x.fingerprint === o.fingerprint)
          .map((x) => x.worker)
          .join(', ')})`,
    )
    .join('; ');
  return (
    `the fleet's workers hold different root-key sets: this worker holds ${check.fingerprint} (${check.keyIds.join(', ') || 'no keys'}), ` +
    `others hold ${theirs}; they disagree on whom to trust: give every worker the same MOSAIC_ROOT_KEYS and root keys file (MOSAIC_ROOT_KEYS_FILE)`
  );
}
