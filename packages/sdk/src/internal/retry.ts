/**
 * NOT PUBLIC API. Retry helpers shared by the transport and the offline queue: how long
 * to wait, an abortable sleep, which failures to retry, and idempotency keys.
 */
import { AbortError, APIError, NetworkError } from '../errors.js';

/** Sleeps `ms`, rejecting early when `signal` aborts. Injectable so tests need not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Default sleep. It calls the global `setTimeout` at call time (not a reference taken at
 * import), so vitest/jest fake timers control it too.
 */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Exponential backoff with "full jitter": a uniformly random wait in
 * `[0, min(cap, base * 2^attempt))`. Randomising the whole interval (not just adding a
 * little noise) spreads out the clients that all lost the network at the same moment —
 * e.g. every call-taker console of a regency after a power cut — so they do not hammer
 * the server in lock-step when it comes back.
 *
 * @param attempt 0 for the first retry, 1 for the second...
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** The server's code for "a request with this idempotency key is still being processed". */
export const IDEMPOTENCY_IN_PROGRESS = 'SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS';

/**
 * Whether a failure may be tried again. Retrying is safe for every method: GET, PUT and
 * DELETE are idempotent by definition, and every POST carries an idempotency key that makes
 * the server replay the first result instead of acting twice.
 * - no answer (network error, timeout): the request may or may not have arrived; the key covers both;
 * - 408, 429, 5xx: transient by definition;
 * - 409 `SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS`: an earlier attempt with the same key (perhaps one
 *   we gave up on after a timeout) is still running on the server; asking again returns its result.
 * Other 4xx would fail again, and a caller's abort is a decision, not a failure.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AbortError) return false;
  if (err instanceof NetworkError) return true;
  if (!(err instanceof APIError)) return false;
  const s = err.status;
  if (s === 408 || s === 429 || s >= 500) return true;
  return s === 409 && err.code === IDEMPOTENCY_IN_PROGRESS;
}

/**
 * A UUID v4 for idempotency keys: `crypto.randomUUID()` where it exists (browsers in secure
 * contexts, Node >= 19, Deno, Bun), else built from `crypto.getRandomValues()` (plain-http
 * intranet pages, React Native with a polyfill), else `Math.random()` as a last resort —
 * weaker, but a key only has to be unique among one client's requests.
 */
export function uuidv4(): string {
  const c = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
