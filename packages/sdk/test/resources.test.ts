/** Every resource method: method, path, query, body, and the per-call options reaching the wire. */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createClient, TimeoutError } from '../src/index.js';
import { BASE, recorder, useServer } from './helpers.js';

const server = useServer();
const sigap = createClient({ baseUrl: BASE, apiKey: 'sk_test', retries: 0, queue: { autoFlush: false } });

/** Answers every request with `{ items: [], nextCursor: null, ok: true }` and records it. */
function any() {
  const { seen, record } = recorder();
  server.use(
    http.all(`${BASE}/*`, async ({ request }) => {
      await record(request);
      return HttpResponse.json({ items: [], nextCursor: null, ok: true });
    }),
  );
  return seen;
}

const ID = '6f1c9a2e-0000-4000-8000-000000000001';

describe('resources', () => {
  it.each([
    ['incidents.get', () => sigap.incidents.get(ID), 'GET', `/v1/incidents/${ID}`, undefined],
    [
      'incidents.list',
      () => sigap.incidents.list({ open: true, priority: ['P1', 'P2'], limit: 10 }),
      'GET',
      '/v1/incidents?open=true&priority=P1&priority=P2&limit=10',
      undefined,
    ],
    [
      'incidents.transition',
      () => sigap.incidents.transition(ID, { to: 'verified', priority: 'P1' }),
      'POST',
      `/v1/incidents/${ID}/transitions`,
      { to: 'verified', priority: 'P1' },
    ],
    [
      'incidents.dispatch',
      () => sigap.incidents.dispatch(ID, { acceptRecommendation: true }),
      'POST',
      `/v1/incidents/${ID}/dispatch`,
      { acceptRecommendation: true },
    ],
    [
      'incidents.events',
      () => sigap.incidents.events(ID, { after: 5 }),
      'GET',
      `/v1/incidents/${ID}/events?after=5`,
      undefined,
    ],
    [
      'incidents.recommendations',
      () => sigap.incidents.recommendations(ID, { limit: 3 }),
      'GET',
      `/v1/incidents/${ID}/recommendations?limit=3`,
      undefined,
    ],
    [
      'incidents.merge',
      () => sigap.incidents.merge(ID, { into: 'x' }),
      'POST',
      `/v1/incidents/${ID}/merge`,
      { into: 'x' },
    ],
    [
      'assignments.transition',
      () => sigap.assignments.transition('a/1', { to: 'en_route' }),
      'POST',
      '/v1/assignments/a%2F1/transitions',
      { to: 'en_route' },
    ],
    [
      'calls.log',
      () => sigap.calls.log({ channel: 'phone', callerNumber: '0812' }),
      'POST',
      '/v1/calls',
      { channel: 'phone', callerNumber: '0812' },
    ],
    [
      'calls.update',
      () => sigap.calls.update(ID, { outcome: 'prank' }),
      'PATCH',
      `/v1/calls/${ID}`,
      { outcome: 'prank' },
    ],
    ['calls.get', () => sigap.calls.get(ID), 'GET', `/v1/calls/${ID}`, undefined],
    ['calls.list', () => sigap.calls.list({ pending: true }), 'GET', '/v1/calls?pending=true', undefined],
    [
      'units.list',
      () => sigap.units.list({ status: ['available'] }),
      'GET',
      '/v1/units?status=available',
      undefined,
    ],
    ['units.get', () => sigap.units.get(ID), 'GET', `/v1/units/${ID}`, undefined],
    [
      'units.updatePosition',
      () => sigap.units.updatePosition(ID, { lon: 112.7, lat: -7.4 }),
      'POST',
      `/v1/units/${ID}/position`,
      { lon: 112.7, lat: -7.4 },
    ],
    [
      'units.updateStatus',
      () => sigap.units.updateStatus(ID, { status: 'busy' }),
      'POST',
      `/v1/units/${ID}/status`,
      { status: 'busy' },
    ],
    [
      'geocode.search',
      () => sigap.geocode.search({ q: 'Jl. Gajah Mada', limit: 5 }),
      'GET',
      '/v1/geocode?q=Jl.%20Gajah%20Mada&limit=5',
      undefined,
    ],
    [
      'geocode.reverse',
      () => sigap.geocode.reverse({ lon: 112.72, lat: -7.45 }),
      'GET',
      '/v1/geocode/reverse?lon=112.72&lat=-7.45',
      undefined,
    ],
    ['live.token', () => sigap.live.token(), 'POST', '/v1/live/tokens', undefined],
  ] as const)('%s', async (_name, call, method, path, body) => {
    const seen = any();
    await call();
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req?.method).toBe(method);
    expect(req!.url.pathname + req!.url.search).toBe(path);
    expect(req?.body).toEqual(body);
    expect(req?.headers.get('authorization')).toBe('Bearer sk_test');
    // Every write carries an idempotency key, so retrying it can never act twice.
    expect(req?.headers.has('idempotency-key')).toBe(method !== 'GET');
  });

  it('passes idempotencyKey, signal, timeoutMs and maxRetries through', async () => {
    const seen = any();
    await sigap.incidents.transition(
      ID,
      { to: 'cancelled' },
      { idempotencyKey: 'k-1', headers: { 'x-app': 'pos' } },
    );
    expect(seen[0]?.headers.get('idempotency-key')).toBe('k-1');
    expect(seen[0]?.headers.get('x-app')).toBe('pos');

    const controller = new AbortController();
    controller.abort();
    await expect(sigap.incidents.get(ID, { signal: controller.signal })).rejects.toMatchObject({
      code: 'SIGAP_ERR_ABORTED',
    });

    let attempts = 0;
    server.use(
      http.get(`${BASE}/v1/units/:id`, async () => {
        attempts++;
        await new Promise((r) => setTimeout(r, 200));
        return HttpResponse.json({});
      }),
    );
    await expect(sigap.units.get(ID, { timeoutMs: 20, maxRetries: 1 })).rejects.toBeInstanceOf(TimeoutError);
    expect(attempts).toBe(2);
  });

  it('lists are async-iterable across pages', async () => {
    const cursors: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/v1/incidents`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return HttpResponse.json(
          cursor ? { items: [{ id: 'b' }], nextCursor: null } : { items: [{ id: 'a' }], nextCursor: 'c1' },
        );
      }),
    );
    const ids: string[] = [];
    for await (const incident of sigap.incidents.list({ open: true })) ids.push(incident.id);
    expect(ids).toEqual(['a', 'b']);
    expect(cursors).toEqual([null, 'c1']);
  });
});
