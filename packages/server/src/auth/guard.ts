import { createHash } from 'node:crypto';

/**
 * Keeps unknown API keys from costing a database look-up each. Every refused key counts
 * against the client's address; past `maxFailuresPerMinute` in a minute that address's
 * unknown keys are refused (429) without a look-up, while keys this process has already
 * accepted keep working. Accepted keys also get their own rate-limit bucket; anything else is
 * limited per address, so random `sgp_…` strings cannot each open a fresh bucket.
 *
 * In memory and per process: a second instance counts on its own, which only makes it more
 * lenient. Key material is kept only as a hash.
 */
export class AuthGuard {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();
  private readonly accepted = new Map<string, number>();

  constructor(
    private readonly maxFailuresPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  static fingerprint(secret: string): string {
    return createHash('sha256').update(secret).digest('hex').slice(0, 32);
  }

  /** A key this process accepted within the last ten minutes. */
  isAccepted(secret: string): boolean {
    const at = this.accepted.get(AuthGuard.fingerprint(secret));
    return at !== undefined && this.now() - at < 10 * 60_000;
  }

  /** Whether `secret` from `address` may be looked up in the database now. */
  mayLookUp(address: string, secret: string): boolean {
    const entry = this.failures.get(address);
    if (!entry || this.now() - entry.windowStart >= 60_000) return true;
    return entry.count < this.maxFailuresPerMinute || this.isAccepted(secret);
  }

  refused(address: string): void {
    const now = this.now();
    const entry = this.failures.get(address);
    if (!entry || now - entry.windowStart >= 60_000) {
      if (this.failures.size > 100_000) this.failures.clear();
      this.failures.set(address, { count: 1, windowStart: now });
    } else entry.count++;
  }

  accept(secret: string): void {
    if (this.accepted.size > 100_000) this.accepted.clear();
    this.accepted.set(AuthGuard.fingerprint(secret), this.now());
  }
}
