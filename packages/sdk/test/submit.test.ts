/**
 * `incidents.submit`: one idempotency key per logical submission, shared by retries and by
 * the offline queue; queued only for "no answer" failures and only when the app chose a queue.
 */
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CreateIncidentBody,
  createClient,
  memoryStorage,
  NetworkError,
  type SigapClient,
  ValidationError,
} from '../src/index.js';
import { BASE, errorBody, recorder, UUID_V4, useServer } from './helpers.js';

const server = useServer();
const clients: SigapClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const report: CreateIncidentBody = {
  category: 'flood',
  description: 'Air masuk rumah',
  location: { point: { lon: 112.7205, lat: -7.4478 }, accuracyM: 12, source: 'device_gps' },
};
const created = { incident: { id: 'inc_1', number: 'SDA-1' }, possibleDuplicates: [], recommendation: null };

function client(opts: Parameters<typeof createClient>[0] | object = {}) {
  const c = createClient({
    baseUrl: BASE,
    apiKey: 'sk_test',
    retries: 2,
    retryWindowMs: 0,
    queue: { autoFlush: false, onlineTarget: null },
    ...opts,
  });
  // No real waiting between retries in these tests.
  (c.transport as unknown as { sleep: () => Promise<void> }).sleep = async () => undefined;
  clients.push(c);
  return c;
}

/** POST /v1/incidents: `fail` network errors first, then 201 (replayed when the key was seen). */
function incidents(fail: number) {
  const { seen, record } = recorder();
  const keys = new Set<string>();
  server.use(
    http.post(`${BASE}/v1/incidents`, async ({ request }) => {
      await record(request);
      if (seen.length <= fail) return HttpResponse.error();
      const key = request.headers.get('idempotency-key')!;
      const replay = keys.has(key);
      keys.add(key);
      return HttpResponse.json(created, {
        status: 201,
        headers: { 'x-request-id': 'req_9', ...(replay && { 'idempotent-replayed': 'true' }) },
      });
    }),
  );
  return seen;
}

describe('incidents.submit', () => {
  it('sends one key on every retry and returns the created incident', async () => {
    const seen = incidents(2);
    const result = await client().incidents.submit(report);
    expect(result).toMatchObject({ ...created, queued: false, replayed: false, requestId: 'req_9' });
    expect(result.idempotencyKey).toMatch(UUID_V4);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => r.headers.get('idempotency-key')))).toEqual(
      new Set([result.idempotencyKey]),
    );
    expect(seen[0]?.body).toEqual(report);
  });

  it('reports a replay when the same key is submitted twice', async () => {
    incidents(0);
    const sigap = client();
    await sigap.incidents.submit(report, { idempotencyKey: 'draft-7' });
    const again = await sigap.incidents.submit(report, { idempotencyKey: 'draft-7' });
    expect(again).toMatchObject({ queued: false, replayed: true, idempotencyKey: 'draft-7' });
  });

  it('offline with a queue: queues with the same key, then sends it (event + sent())', async () => {
    const seen = incidents(3); // 3 attempts fail: the call gives up, the queue's first flush succeeds
    const sigap = client({ storage: memoryStorage() });
    const events: string[] = [];
    sigap.incidents.on('queued', (e) => events.push(`queued ${e.idempotencyKey}`));
    sigap.incidents.on('sent', (e) => events.push(`sent ${e.idempotencyKey} ${e.response.incident.id}`));
    const result = await sigap.incidents.submit(report);
    if (!result.queued) throw new Error('expected a queued submission');
    expect(result.error).toBeInstanceOf(NetworkError);
    expect(result.entry).toMatchObject({ idempotencyKey: result.idempotencyKey, request: { body: report } });
    expect(await sigap.queue.pending()).toBe(1);

    await sigap.queue.flush(); // what the `online` event or the backoff timer would do
    await expect(result.sent()).resolves.toMatchObject(created);
    expect(events).toEqual([`queued ${result.idempotencyKey}`, `sent ${result.idempotencyKey} inc_1`]);
    expect(seen.map((r) => r.headers.get('idempotency-key'))).toEqual(Array(4).fill(result.idempotencyKey));
    expect(await sigap.queue.pending()).toBe(0);
  });

  it('a queued report the server later refuses rejects sent() and emits failed', async () => {
    let up = false;
    server.use(
      http.post(`${BASE}/v1/incidents`, () =>
        up
          ? HttpResponse.json(errorBody('SIGAP_ERR_VALIDATION'), { status: 400 })
          : new HttpResponse('<html>Bad gateway</html>', { status: 502 }),
      ),
    );
    const sigap = client({ storage: memoryStorage() });
    const failed: string[] = [];
    sigap.incidents.on('failed', (e) => failed.push(e.error.code));
    const result = await sigap.incidents.submit(report);
    expect(result.queued).toBe(true); // 502: the gateway says nothing was processed
    up = true;
    await sigap.queue.flush();
    if (result.queued) await expect(result.sent()).rejects.toBeInstanceOf(ValidationError);
    expect(failed).toEqual(['SIGAP_ERR_VALIDATION']);
  });

  it('without a queue (no storage), or with queue: false, the NetworkError is thrown', async () => {
    incidents(100);
    await expect(client().incidents.submit(report)).rejects.toBeInstanceOf(NetworkError);
    const withStorage = client({ storage: memoryStorage() });
    await expect(withStorage.incidents.submit(report, { queue: false })).rejects.toBeInstanceOf(NetworkError);
    expect(await withStorage.queue.pending()).toBe(0);
  });

  it('never queues a rejection (400) or a 500', async () => {
    const statuses = [400, 500];
    server.use(
      http.post(`${BASE}/v1/incidents`, () => {
        const status = statuses.shift() ?? 500;
        return HttpResponse.json(errorBody(`SIGAP_ERR_${status}`), { status });
      }),
    );
    const sigap = client({ storage: memoryStorage(), retries: 0 });
    await expect(sigap.incidents.submit(report)).rejects.toBeInstanceOf(ValidationError);
    await expect(sigap.incidents.submit(report)).rejects.toMatchObject({ status: 500 });
    expect(await sigap.queue.pending()).toBe(0);
  });

  it('rejects a wrong payload at compile time', () => {
    const sigap = client();
    const check = () =>
      // @ts-expect-error `location` is required and `lng` is not a field
      sigap.incidents.submit({ category: 'fire', description: 'x', lng: 112 });
    expect(typeof check).toBe('function');
  });
});
