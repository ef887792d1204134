import { delay, HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AuthError,
  ConflictError,
  NetworkError,
  TimeoutError,
  Transport,
  ValidationError,
} from '../src/index.js';
import { BASE, errorBody, fastTransport, recorder, sequence, UUID_V4, useServer } from './helpers.js';

const server = useServer();

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('requests', () => {
  it('sends auth, JSON body and query; joins the base URL with a path prefix', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post('http://sigap.test/kab/v1/incidents', async ({ request }) => {
        await record(request);
        return HttpResponse.json({ id: 'inc_1' }, { status: 201, headers: { 'x-request-id': 'req_1' } });
      }),
    );
    const transport = new Transport({
      baseUrl: 'http://sigap.test/kab/',
      apiKey: 'sk_1',
      headers: { 'X-App': 'pos' },
    });
    const res = await transport.requestWithResponse<{ id: string }>({
      method: 'POST',
      path: 'v1/incidents',
      query: { dryRun: false, tag: ['a b', 'c&d'], skip: undefined, none: null },
      body: { category: 'fire', lat: -7.45 },
    });
    expect(res).toMatchObject({ data: { id: 'inc_1' }, status: 201, requestId: 'req_1', retries: 0 });
    const [req] = seen;
    expect(req?.url.search).toBe('?dryRun=false&tag=a%20b&tag=c%26d');
    expect(req?.headers.get('authorization')).toBe('Bearer sk_1');
    expect(req?.headers.get('content-type')).toBe('application/json');
    expect(req?.headers.get('x-app')).toBe('pos');
    expect(req?.headers.get('x-sigap-retry-count')).toBeNull();
    expect(req?.body).toEqual({ category: 'fire', lat: -7.45 });
  });

  it('resolves 204 to undefined and uses the fetch given in the options', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    const transport = new Transport({ baseUrl: BASE, fetch });
    await expect(transport.request({ method: 'DELETE', path: '/v1/units/u1' })).resolves.toBeUndefined();
    expect(fetch).toHaveBeenCalledWith(`${BASE}/v1/units/u1`, expect.objectContaining({ method: 'DELETE' }));
  });

  it('fails with a clear error when the runtime has no fetch', async () => {
    vi.stubGlobal('fetch', undefined);
    const transport = new Transport({ baseUrl: BASE });
    await expect(transport.request({ method: 'GET', path: '/v1/units' })).rejects.toMatchObject({
      code: 'SIGAP_ERR_NO_FETCH',
    });
  });
});

describe('idempotency keys', () => {
  it('sends the SAME key on every retry of one POST, and a new key for the next call', async () => {
    const seen = sequence(server, 'post', '/v1/incidents', [500, 'net', 503]);
    const { transport } = fastTransport();
    await transport.request({ method: 'POST', path: '/v1/incidents', body: { n: 1 } });
    sequence(server, 'post', '/v1/incidents', []);
    await transport.request({ method: 'POST', path: '/v1/incidents', body: { n: 2 } });
    const keys = seen.map((r) => r.headers.get('idempotency-key'));
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(UUID_V4);
    expect(new Set(keys).size).toBe(1);
    expect(seen.map((r) => r.body)).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }, { n: 1 }]);
  });

  it('uses the caller key; GET gets none', async () => {
    const posts = sequence(server, 'post', '/v1/incidents', [502]);
    const gets = sequence(server, 'get', '/v1/units', []);
    const { transport } = fastTransport();
    await transport.request({ method: 'POST', path: '/v1/incidents', body: {}, idempotencyKey: 'draft-77' });
    await transport.request({ method: 'GET', path: '/v1/units' });
    expect(posts.map((r) => r.headers.get('idempotency-key'))).toEqual(['draft-77', 'draft-77']);
    expect(gets[0]?.headers.get('idempotency-key')).toBeNull();
  });

  it('differs across calls', async () => {
    const seen = sequence(server, 'post', '/v1/incidents', []);
    const { transport } = fastTransport();
    for (let i = 0; i < 5; i++) await transport.request({ method: 'POST', path: '/v1/incidents', body: {} });
    expect(new Set(seen.map((r) => r.headers.get('idempotency-key'))).size).toBe(5);
  });

  it('falls back to getRandomValues, then Math.random, without crypto.randomUUID', async () => {
    const seen = sequence(server, 'post', '/v1/incidents', []);
    const { transport } = fastTransport();
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a.fill(0xab) });
    await transport.request({ method: 'POST', path: '/v1/incidents', body: {} });
    vi.stubGlobal('crypto', undefined);
    await transport.request({ method: 'POST', path: '/v1/incidents', body: {} });
    const [a, b] = seen.map((r) => r.headers.get('idempotency-key'));
    expect(a).toBe('abababab-abab-4bab-abab-abababababab');
    expect(b).toMatch(UUID_V4);
  });
});

describe('abort and timeout', () => {
  it('caller abort during a request: AbortError, no retry', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get(`${BASE}/v1/units`, async ({ request }) => {
        await record(request);
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const { transport, delays } = fastTransport();
    const controller = new AbortController();
    const pending = transport.request({ method: 'GET', path: '/v1/units', signal: controller.signal });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('caller abort during the backoff wait stops at once; an aborted signal sends nothing', async () => {
    const seen = sequence(server, 'get', '/v1/units', [503, 503]);
    const transport = new Transport({ baseUrl: BASE, retryBaseMs: 60_000, random: () => 0.99 });
    const controller = new AbortController();
    const pending = transport.request({ method: 'GET', path: '/v1/units', signal: controller.signal });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const started = Date.now();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(30_000); // not the 60 s backoff: it stopped at once
    await expect(
      transport.request({ method: 'GET', path: '/v1/units', signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(1);
  });

  it('times out each attempt: TimeoutError (a NetworkError), retried like one', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get(`${BASE}/v1/units`, async ({ request }) => {
        await record(request);
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const { transport, delays } = fastTransport({ timeoutMs: 30, maxRetries: 1 });
    const err = await transport.request({ method: 'GET', path: '/v1/units' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ code: 'SIGAP_ERR_TIMEOUT', message: 'Request timed out after 30 ms' });
    expect(seen).toHaveLength(2);
    expect(delays).toEqual([250]);
  });

  it('backs off on real (fake) timers: 250 ms then 500 ms with random() = 0.5', async () => {
    // Only timers and Date are faked; setImmediate stays real so msw's I/O can settle.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    const seen = sequence(server, 'post', '/v1/incidents', [503, 'net']);
    const transport = new Transport({ baseUrl: BASE, random: () => 0.5 });
    let done = false;
    const result = transport.request({ method: 'POST', path: '/v1/incidents', body: {} }).finally(() => {
      done = true;
    });
    await settle();
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(249);
    await settle();
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(499);
    await settle();
    expect(seen).toHaveLength(2);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(seen).toHaveLength(3);
    await expect(result).resolves.toEqual({ ok: true });
  });
});

describe('typed errors survive retries', () => {
  it('400 carries details; 401 is AuthError; 409 carries allowed', async () => {
    const details = [{ path: '/body/category', code: 'enum', message: 'unknown category' }];
    server.use(
      http.post(`${BASE}/v1/incidents`, () =>
        HttpResponse.json(errorBody('SIGAP_ERR_VALIDATION', { details }), { status: 400 }),
      ),
      http.get(`${BASE}/v1/me`, () =>
        HttpResponse.json(errorBody('SIGAP_ERR_UNAUTHENTICATED'), { status: 401 }),
      ),
      http.post(`${BASE}/v1/incidents/inc_1/transition`, () =>
        HttpResponse.json(errorBody('SIGAP_ERR_ILLEGAL_TRANSITION', { allowed: ['on_scene', 'cancelled'] }), {
          status: 409,
        }),
      ),
    );
    const { transport } = fastTransport();
    const v = await transport
      .request({ method: 'POST', path: '/v1/incidents', body: {} })
      .catch((e: unknown) => e);
    expect(v).toBeInstanceOf(ValidationError);
    expect((v as ValidationError).details).toEqual(details);
    await expect(transport.request({ method: 'GET', path: '/v1/me' })).rejects.toBeInstanceOf(AuthError);
    const c = await transport
      .request({ method: 'POST', path: '/v1/incidents/inc_1/transition', body: { to: 'closed' } })
      .catch((e: unknown) => e);
    expect(c).toBeInstanceOf(ConflictError);
    expect((c as ConflictError).allowed).toEqual(['on_scene', 'cancelled']);
  });
});
