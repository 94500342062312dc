import { canonicalJson } from './canonical';
import { keyIdOf } from './keys';
import { authorize, type Role } from './roles';
import { verifySignature, type SignedRequest } from './signed-request';

/** An actor row as MongoDB holds it: believed only when its grant chains to a root key. */
export interface ActorRecord {
  keyId: string;
  publicKeyPem: string;
  role: Role;
  name?: string | null;
  grantedBy: string;
  /** The signed role.grant that made the row what it is. */
  grant?: { request: SignedRequest; payload: unknown } | null;
}

export interface TrustedActor {
  keyId: string;
  publicKeyPem: string;
  role: Role;
  /** A root key from the workers' configuration, not a row. */
  root: boolean;
}

export interface ActorChain {
  trusted: Map<string, TrustedActor>;
  /** Rows no chain reaches, each with why. */
  refused: { keyId: string; reason: string }[];
}

/**
 * Which actors to believe: the root keys (admins by configuration, outside
 * MongoDB) and every row whose signed role.grant was made by an actor believed
 * now, whose role may grant roles, and says exactly what the row says.
 * Trust is what the chain gives today: an admin downgraded by a root key no
 * longer vouches for the actors it granted.
 */
export function verifyActorChain(rows: ActorRecord[], rootKeyPems: string[]): ActorChain {
  const trusted = new Map<string, TrustedActor>();
  for (const pem of rootKeyPems) {
    const keyId = keyIdOf(pem);
    trusted.set(keyId, { keyId, publicKeyPem: pem, role: 'admin', root: true });
  }
  // A root key's row (made by `admin init`) is a listing only: its role comes from the configuration.
  let pending = rows.filter((r) => !trusted.has(r.keyId));
  const reasons = new Map<string, string>();
  // Each pass admits the rows whose signer is already trusted; a chain of n grants takes n passes.
  for (let progress = true; progress && pending.length;) {
    progress = false;
    const next: ActorRecord[] = [];
    for (const row of pending) {
      const reason = problemWith(row, trusted);
      if (reason === undefined) {
        trusted.set(row.keyId, { keyId: row.keyId, publicKeyPem: row.publicKeyPem, role: row.role, root: false });
        progress = true;
      } else {
        reasons.set(row.keyId, reason);
        next.push(row);
      }
    }
    pending = next;
  }
  return { trusted, refused: pending.map((r) => ({ keyId: r.keyId, reason: reasons.get(r.keyId)! })) };
}

function problemWith(row: ActorRecord, trusted: Map<string, TrustedActor>): string | undefined {
  const grant = row.grant;
  if (!grant?.request || typeof grant.payload !== 'object' || grant.payload === null)
    return 'it has no signed role grant on record (rows written into MongoDB directly are not believed)';
  const signer = trusted.get(grant.request.keyId);
  if (!signer) return `its grant was signed by ${grant.request.keyId}, which does not chain to a root key`;
  if (!authorize(signer.role, 'role.grant').allowed)
    return `its grant was signed by ${signer.keyId}, whose role ${signer.role} may not grant roles`;
  try {
    verifySignature(grant.request, grant.payload, signer.publicKeyPem);
  } catch (err) {
    return `its grant does not verify: ${(err as Error).message}`;
  }
  const payload = grant.payload as { operation?: unknown; publicKeyPem?: unknown; role?: unknown; name?: unknown };
  if (payload.operation !== 'role.grant' || grant.request.operation !== 'role.grant') return 'its signed change is not a role.grant';
  let grantedKey: string;
  try {
    grantedKey = keyIdOf(String(payload.publicKeyPem));
  } catch {
    return 'its signed grant carries no valid public key';
  }
  const signed = { keyId: grantedKey, publicKeyPem: payload.publicKeyPem, role: payload.role, name: payload.name ?? null };
  const stored = { keyId: row.keyId, publicKeyPem: row.publicKeyPem, role: row.role, name: row.name ?? null };
  if (canonicalJson(signed) !== canonicalJson(stored)) return 'it differs from what its grant signed';
  if (row.grantedBy !== grant.request.keyId) return 'its grantedBy is not the key that signed its grant';
  return undefined;
}
