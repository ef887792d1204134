/**
 * Shared test plumbing: one msw server per test file (vitest isolates files), a recorder of
 * what reached the "server", and a transport whose sleeps are recorded instead of waited.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Transport, type TransportOptions } from '../src/index.js';

export const BASE = 'http://127.0.0.1:3112';

/** Starts an msw server for the current test file; unhandled requests fail the test. */
export function useServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

/** Returns a list that handlers push into, and a function to record a request into it. */
export function recorder() {
  const seen: Seen[] = [];
  const record = async (request: Request): Promise<Seen> => {
    const text = await request.clone().text();
    const entry = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    seen.push(entry);
    return entry;
  };
  return { seen, record };
}

/** A transport that records backoff delays instead of waiting, and jitters with random() = 0.5. */
export function fastTransport(opts: Partial<TransportOptions> = {}) {
  const delays: number[] = [];
  // The clock moves only when the transport sleeps, so the retry window is deterministic.
  let clock = 0;
  const transport = new Transport({
    baseUrl: BASE,
    apiKey: 'sk_test_123',
    random: () => 0.5,
    now: () => clock,
    retryWindowMs: 0,
    sleep: async (ms) => {
      delays.push(ms);
      clock += ms;
    },
    ...opts,
  });
  return { transport, delays };
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A server error body as the Sigap API sends it. */
export function errorBody(code: string, extra: Record<string, unknown> = {}) {
  return { code, message: `${code} happened`, requestId: 'req_body_1', ...extra };
}

/** Answers with `steps` in turn (a number = that status with an error body, 'net' = a network error), then 2xx. */
export function sequence(
  server: ReturnType<typeof setupServer>,
  method: 'get' | 'post',
  path: string,
  steps: (number | 'net')[],
  ok: Record<string, unknown> = { ok: true },
) {
  const { seen, record } = recorder();
  let i = 0;
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      await record(request);
      const step = steps[i++];
      if (step === undefined) return HttpResponse.json(ok, { status: method === 'post' ? 201 : 200 });
      if (step === 'net') return HttpResponse.error();
      return HttpResponse.json(errorBody(`SIGAP_ERR_${step}`), { status: step });
    }),
  );
  return seen;
}
