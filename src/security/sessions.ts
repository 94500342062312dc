import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
export const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Live sessions kept at most; signing in past it ends the oldest, so sign-ins cannot grow memory. */
const MAX_SESSIONS = 1000;

/**
 * Sign-in sessions of a browser-facing server (the codec server, the
 * console): each sign-in gets a fresh random id (never the token, never
 * reused) that expires after `ttlMs`. They live in this process only, so a
 * restart or a new token ends them all.
 */
export class SessionStore<T> {
  private readonly sessions = new Map<string, { expires: number; value: T }>();

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  signIn(value: T): string {
    const id = randomBytes(32).toString('base64url');
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(id, { expires: this.now() + this.ttlMs, value });
    return id;
  }

  /** What the session was signed in with, or undefined once it has expired or was never made. */
  get(id: string): T | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expires > this.now()) return session.value;
    this.sessions.delete(id);
    return undefined;
  }

  signOut(id: string): void {
    this.sessions.delete(id);
  }
}
