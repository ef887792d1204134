/**
 * Opening the board with a live token (`#token=slt_...`) instead of a key. The SDK's live
 * subscription always asks `POST /v1/live/tokens` for its token (it has no option to take one),
 * so this `fetch` answers that one request with the given token and passes everything else on.
 * A token opens the live stream only, for the 5 minutes it is valid: the tenant's outlines,
 * categories and figures need a key, and a board left running needs a key too.
 */
import type { FetchLike } from '@sigap/sdk';

/**
 * @example
 * createClient({ baseUrl: location.origin, fetch: tokenFetch('slt_...') });
 */
export function tokenFetch(token: string, base: FetchLike = (url, init) => fetch(url, init)): FetchLike {
  return async (url, init) => {
    if (init.method === 'POST' && new URL(url, 'http://x').pathname.endsWith('/v1/live/tokens')) {
      const body = {
        token,
        // Unknown to the board; the server closes the stream (4401) once it has expired.
        expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(),
        url: `/v1/live?token=${encodeURIComponent(token)}`,
      };
      return new Response(JSON.stringify(body), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      });
    }
    return base(url, init);
  };
}
