import type { VerifiedIdentity } from './jwt.js';

interface Entry {
  identity: VerifiedIdentity;
  exp: number;
  nbf: number | null;
}

export type CachedVerification = { identity: VerifiedIdentity } | { expired: true } | null;

/**
 * HS256 tokens that verified, by their exact text. Verifying one is a WebCrypto HMAC job, the
 * largest cost of a cheap request, and its answer for a given text cannot change while the secret
 * does not (it is read once at startup), except through time: exp and nbf are checked again on
 * every hit, with jose's rules (expired when exp <= now; not yet valid when nbf > now). Refused
 * tokens are never kept, so junk cannot fill it; at the bound the oldest entry makes room.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  lookup(token: string, nowSeconds = Math.floor(Date.now() / 1000)): CachedVerification {
    const entry = this.entries.get(token);
    if (entry === undefined) return null;
    if (entry.exp <= nowSeconds) {
      this.entries.delete(token);
      return { expired: true };
    }
    // Only a clock set back can get here: let jose answer.
    if (entry.nbf !== null && entry.nbf > nowSeconds) return null;
    return { identity: { ...entry.identity } };
  }

  remember(token: string, exp: number, nbf: number | undefined, identity: VerifiedIdentity): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { identity: { ...identity }, exp, nbf: nbf ?? null });
  }
}
