/**
 * `@sigap/sdk/testing`: msw handlers that imitate the Sigap API, so a regency app can test its
 * integration (forms, offline behaviour, live views) without a server. msw is the app's own
 * dev dependency (a peer of this entry); the SDK itself never loads it.
 *
 * Covered: incidents (submit with idempotency keys, get, list, events, transitions with
 * `409 allowed`, dispatch, assignment transitions, recommendations), live tokens, the live
 * stream over msw's `ws` API and its polling fallback. Not covered: roles (every key may do
 * everything), areas, units, calls, geocoding.
 */
import type { HttpHandler, WebSocketHandler } from 'msw';
import { HttpResponse } from 'msw';
import { httpHandlers } from './handlers.js';
import { type LiveControl, liveHandlers } from './live.js';
import { MockApiError, MockStore, type MockStoreOptions } from './store.js';

export { MockApiError, MockStore, type MockStoreOptions };

export interface SigapMockOptions extends MockStoreOptions {
  /** The base URL the app's client uses. Default `http://sigap.test`. */
  baseUrl?: string;
  /** When set, only `Authorization: Bearer <apiKey>` is accepted; otherwise any bearer key is. */
  apiKey?: string;
}

export interface SigapMock {
  /** Pass to msw: `setupServer(...mock.handlers)` or `setupWorker(...mock.handlers)`. */
  readonly handlers: (HttpHandler | WebSocketHandler)[];
  /** The data, to seed or inspect: `mock.store.incidents`, `mock.store.events`. */
  readonly store: MockStore;
  /** Sends a keepalive `{ type: 'keepalive', seq }` to every live client. */
  keepalive(): void;
  /** Closes every live connection (default 1011) to test reconnection and resume. */
  disconnect(code?: number, reason?: string): void;
  /** Open live connections. */
  readonly connections: number;
}

/**
 * @example
 * import { setupServer } from 'msw/node';
 * import { createClient } from '@sigap/sdk';
 * import { createSigapMock } from '@sigap/sdk/testing';
 *
 * const mock = createSigapMock({ baseUrl: 'http://sigap.test' });
 * const server = setupServer(...mock.handlers);
 * server.listen();
 * const sigap = createClient({ baseUrl: 'http://sigap.test', apiKey: 'sk_test' });
 * const result = await sigap.incidents.submit({ category: 'fire', description: 'Api', location: { address: 'Jl. Mawar 1' } });
 * expect(mock.store.incidents.size).toBe(1);
 */
export function createSigapMock(options: SigapMockOptions = {}): SigapMock {
  const base = (options.baseUrl ?? 'http://sigap.test').replace(/\/+$/, '');
  const store = new MockStore(options);
  const tokens = new Set<string>();
  const authorize = (request: Request) => {
    const auth = request.headers.get('authorization') ?? '';
    const key = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (!key || (options.apiKey !== undefined && key !== options.apiKey)) {
      throw new MockApiError(
        401,
        'SIGAP_ERR_UNAUTHENTICATED',
        'Send a valid API key: Authorization: Bearer <key>.',
      );
    }
  };
  const respond = (error: unknown) => {
    if (!(error instanceof MockApiError)) throw error;
    const requestId = crypto.randomUUID();
    return HttpResponse.json(
      { code: error.code, message: error.message, ...error.extra, requestId },
      { status: error.status, headers: { 'x-request-id': requestId } },
    );
  };
  const live: LiveControl = liveHandlers(base, store, tokens, authorize, respond);
  const http = httpHandlers({ base, store, tokens, idempotency: new Map(), authorize, respond });
  return {
    handlers: [...http, ...live.handlers],
    store,
    keepalive: () => live.keepalive(),
    disconnect: (code, reason) => live.disconnect(code, reason),
    get connections() {
      return live.connections;
    },
  };
}
