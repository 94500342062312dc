import { createHash } from 'node:crypto';
import { canonicalJson } from '../security/canonical';

/** SHA-256 of a document's canonical JSON: what a stored policy is checked against when it is loaded again. */
export const contentHash = (document: unknown) => createHash('sha256').update(canonicalJson(document)).digest('hex');
