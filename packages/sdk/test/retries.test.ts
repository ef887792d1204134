import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { NetworkError, RateLimitError, ServerError, TimeoutError } from '../src/index.js';
import { BASE, errorBody, fastTransport, recorder, sequence, useServer } from './helpers.js';

const server = useServer();

describe('retries', () => {
  it('retries 500 and 503 with exponential backoff and full jitter, then succeeds', async () => {
    const seen = sequence(server, 'get', '/v1/units', [500, 503, 503]);
    const { transport, delays } = fastTransport();
    const res = await transport.requestWithResponse({ method: 'GET', path: '/v1/units' });
    expect(res).toMatchObject({ data: { ok: true }, retries: 3 });
    expect(seen).toHaveLength(4);
    // random() = 0.5 of base 500 * 2^n
    expect(delays).toEqual([250, 500, 1000]);
    expect(seen.map((r) => r.headers.get('x-sigap-retry-count'))).toEqual([null, '1', '2', '3']);
  });

  it('caps the backoff', async () => {
    sequence(server, 'get', '/v1/units', [500, 500, 500, 500, 500]);
    const { transport, delays } = fastTransport({ random: () => 0.999, retryCapMs: 2_000, maxRetries: 5 });
    await transport.request({ method: 'GET', path: '/v1/units' });
    expect(delays).toEqual([499, 999, 1998, 1998, 1998]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const seen = sequence(server, 'get', '/v1/units', [500, 500, 500, 503, 200]);
    const { transport, delays } = fastTransport();
    const err = await transport.request({ method: 'GET', path: '/v1/units' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 503 });
    expect(seen).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it('outlasts a 15 s server restart: retries past maxRetries until the retry window is spent', async () => {
    let slept: number[] = [];
    let attempts = 0;
    server.use(
      http.post(`${BASE}/v1/incidents`, () => {
        attempts += 1;
        // Connection refused while the server restarts: 15 s of the transport's own clock.
        const down = slept.reduce((a, b) => a + b, 0) < 15_000;
        return down ? HttpResponse.error() : HttpResponse.json({ ok: true }, { status: 201 });
      }),
    );
    const { transport, delays } = fastTransport({ retryWindowMs: 30_000 });
    slept = delays;
    const res = await transport.request({ method: 'POST', path: '/v1/incidents', body: {} });
    expect(res).toEqual({ ok: true });
    expect(attempts).toBeGreaterThan(4); // more than maxRetries + 1: the window kept it going
  });

  it('gives up with the last error once the retry window is spent, and not before', async () => {
    server.use(http.post(`${BASE}/v1/incidents`, () => HttpResponse.error()));
    const { transport, delays } = fastTransport({ retryWindowMs: 30_000 });
    const err = await transport
      .request({ method: 'POST', path: '/v1/incidents', body: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(30_000);
    expect(total - delays.at(-1)!).toBeLessThan(30_000);
  });

  it('honours Retry-After in seconds on 429 and as an HTTP date on 503, without jitter', async () => {
    let i = 0;
    const now = Date.parse('2026-11-23T07:00:00Z');
    server.use(
      http.get(`${BASE}/v1/units`, () => {
        i += 1;
        if (i === 1)
          return HttpResponse.json(errorBody('SIGAP_ERR_RATE_LIMITED'), {
            status: 429,
            headers: { 'Retry-After': '2' },
          });
        if (i === 2) {
          const headers = { 'Retry-After': new Date(now + 5_000).toUTCString() };
          return HttpResponse.json(errorBody('SIGAP_ERR_UNAVAILABLE'), { status: 503, headers });
        }
        return HttpResponse.json({ ok: true });
      }),
    );
    const { transport, delays } = fastTransport({ now: () => now });
    await transport.request({ method: 'GET', path: '/v1/units' });
    expect(delays).toEqual([2_000, 5_000]);
  });

  it('does not retry when Retry-After is beyond the cap; the error says when to come back', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get(`${BASE}/v1/units`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(errorBody('SIGAP_ERR_RATE_LIMITED'), {
          status: 429,
          headers: { 'Retry-After': '120' },
        });
      }),
    );
    const { transport, delays } = fastTransport();
    const err = await transport.request({ method: 'GET', path: '/v1/units' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfter).toBe(120);
    expect(seen).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries network errors, and throws NetworkError when they persist', async () => {
    const seen = sequence(server, 'get', '/v1/units', ['net', 'net']);
    const { transport, delays } = fastTransport();
    await expect(transport.request({ method: 'GET', path: '/v1/units' })).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(delays).toEqual([250, 500]);

    sequence(server, 'get', '/v1/units', ['net', 'net', 'net', 'net']);
    const err = await transport.request({ method: 'GET', path: '/v1/units' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'SIGAP_ERR_NETWORK', status: undefined });
  });

  it('retries 408 and 409 SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS', async () => {
    const seen = sequence(server, 'post', '/v1/incidents', [408]);
    const { transport } = fastTransport();
    await transport.request({ method: 'POST', path: '/v1/incidents', body: {} });
    expect(seen).toHaveLength(2);

    const { seen: seen2, record } = recorder();
    let i = 0;
    server.use(
      http.post(`${BASE}/v1/incidents`, async ({ request }) => {
        await record(request);
        if (i++ === 0)
          return HttpResponse.json(errorBody('SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS'), { status: 409 });
        return HttpResponse.json({ id: 'inc_1' }, { status: 201 });
      }),
    );
    await expect(transport.request({ method: 'POST', path: '/v1/incidents', body: {} })).resolves.toEqual({
      id: 'inc_1',
    });
    expect(seen2).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 422])('does not retry %i', async (status) => {
    const seen = sequence(server, 'post', '/v1/incidents', [status, status]);
    const { transport, delays } = fastTransport();
    await expect(
      transport.request({ method: 'POST', path: '/v1/incidents', body: {} }),
    ).rejects.toMatchObject({ status });
    expect(seen).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('maxRetries: 0 per call disables retries', async () => {
    const seen = sequence(server, 'get', '/v1/units', [503]);
    const { transport } = fastTransport();
    await expect(
      transport.request({ method: 'GET', path: '/v1/units', maxRetries: 0 }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(1);
  });
});
