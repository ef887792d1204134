import { createHash, randomBytes } from 'node:crypto';

/** Secrets look like `sgp_<43 base64url chars>`: 256 random bits, recognisable in leaks and logs. */
const KEY_PREFIX = 'sgp_';

export interface NewApiKey {
  /** Shown once to whoever created the key; never stored. */
  secret: string;
  hash: Buffer;
  /** The first characters, stored in clear to tell keys apart in lists. */
  prefix: string;
}

export function generateApiKey(): NewApiKey {
  const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, 12) };
}

/**
 * SHA-256, not a slow password hash: the secrets are 256 random bits, so there is nothing to
 * brute-force, and every request hashes once.
 */
export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length >= 20 && value.length <= 100;
}
