import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  localStorageAdapter,
  memoryStorage,
  NetworkError,
  type QueueEntry,
  type QueueEvents,
  type QueueStorage,
  SubmissionQueue,
  type SubmissionQueueOptions,
  ValidationError,
} from '../src/index.js';
import { BASE, errorBody, fastTransport, recorder, UUID_V4, useServer } from './helpers.js';

const server = useServer();

/** A stand-in for window.localStorage (Node 20 has none). */
class FakeLocalStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const queues: SubmissionQueue[] = [];
function makeQueue(opts: Partial<SubmissionQueueOptions> = {}) {
  const queue = new SubmissionQueue({
    transport: fastTransport().transport,
    autoFlush: false,
    onlineTarget: null,
    random: () => 0.5,
    ...opts,
  });
  queues.push(queue);
  return queue;
}

/** Collects every event of a queue. */
function events(queue: SubmissionQueue) {
  const log: { type: keyof QueueEvents; payload: unknown }[] = [];
  for (const type of ['queued', 'sent', 'failed', 'retry', 'change', 'error'] as const) {
    queue.on(type, (payload) => log.push({ type, payload }));
  }
  return log;
}

/** POST /v1/incidents answered by `respond` (default 201 echoing the body), recorded. */
function serveIncidents(respond?: (body: unknown, n: number) => Response | Promise<Response>) {
  const { seen, record } = recorder();
  server.use(
    http.post(`${BASE}/v1/incidents`, async ({ request }) => {
      const { body } = await record(request);
      if (respond) return respond(body, seen.length);
      return HttpResponse.json({ id: `inc_${seen.length}`, ...(body as object) }, { status: 201 });
    }),
  );
  return seen;
}

/** Lets msw's I/O settle without moving fake clocks (setImmediate is not faked). */
async function settle() {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
}

const report = (n: number) => ({
  method: 'POST' as const,
  path: '/v1/incidents',
  body: { n, category: 'flood' },
});

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
  vi.useRealTimers();
});

describe('offline queue', () => {
  it('keeps entries while offline, and a restarted queue sends each exactly once with its stored key', async () => {
    const ls = new FakeLocalStorage();
    const offline = serveIncidents(() => HttpResponse.error());
    const before = makeQueue({ storage: localStorageAdapter(ls) });
    const log = events(before);
    const stored: QueueEntry[] = [];
    for (const n of [1, 2, 3]) stored.push(await before.enqueue(report(n)));
    expect(stored.map((e) => e.idempotencyKey)).toSatisfy((keys: string[]) =>
      keys.every((k) => UUID_V4.test(k)),
    );

    await expect(before.flush()).resolves.toEqual({ sent: 0, failed: 0, remaining: 3 });
    expect(offline).toHaveLength(1); // stops at the head: later entries must not overtake it
    const retry = log.find((e) => e.type === 'retry')?.payload as QueueEvents['retry'];
    expect(retry.error).toBeInstanceOf(NetworkError);
    expect(retry.delayMs).toBe(500); // 0.5 * 1 000 ms base
    expect(JSON.parse(ls.getItem('sigap:queue.v1') ?? '[]')).toHaveLength(3);
    await before.close(); // the app is closed / the tab reloads

    const online = serveIncidents();
    const after = makeQueue({
      storage: localStorageAdapter(ls),
      transport: fastTransport().transport,
      autoFlush: true,
    });
    const sent: QueueEntry[] = [];
    after.on('sent', ({ entry }) => sent.push(entry));
    const result = await after.flush(); // joins the flush the constructor started
    expect(await after.pending()).toBe(0);
    await after.flush();

    expect(result.remaining).toBe(0);
    expect(online).toHaveLength(3);
    expect(online.map((r) => r.headers.get('idempotency-key'))).toEqual(stored.map((e) => e.idempotencyKey));
    expect(online.map((r) => r.body)).toEqual([report(1).body, report(2).body, report(3).body]);
    expect(sent.map((e) => e.idempotencyKey)).toEqual(stored.map((e) => e.idempotencyKey));
    expect(sent[0]?.attempts).toBe(2); // one offline attempt + the successful one
    expect(ls.getItem('sigap:queue.v1')).toBeNull();
  });

  it('a non-retryable 400 is reported as failed and removed; the next entry still goes', async () => {
    const details = [{ path: '/body/category', code: 'enum', message: 'unknown category' }];
    const seen = serveIncidents((body, n) =>
      n === 1
        ? HttpResponse.json(errorBody('SIGAP_ERR_VALIDATION', { details }), { status: 400 })
        : HttpResponse.json({ id: 'inc_2', echo: body }, { status: 201 }),
    );
    const queue = makeQueue();
    const log = events(queue);
    const bad = await queue.enqueue(report(1));
    const good = await queue.enqueue(report(2));
    await expect(queue.flush()).resolves.toEqual({ sent: 1, failed: 1, remaining: 0 });
    expect(seen).toHaveLength(2);

    const failed = log.filter((e) => e.type === 'failed').map((e) => e.payload as QueueEvents['failed']);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.entry.idempotencyKey).toBe(bad.idempotencyKey);
    expect(failed[0]?.entry.request.body).toEqual(report(1).body);
    expect(failed[0]?.error).toBeInstanceOf(ValidationError);
    expect((failed[0]?.error as ValidationError | undefined)?.details).toEqual(details);

    const sent = log.filter((e) => e.type === 'sent').map((e) => e.payload as QueueEvents['sent']);
    expect(sent.map((s) => s.entry.idempotencyKey)).toEqual([good.idempotencyKey]);
    expect(sent[0]?.data).toEqual({ id: 'inc_2', echo: report(2).body });
    expect(
      log.filter((e) => e.type === 'change').map((e) => (e.payload as { pending: number }).pending),
    ).toEqual([1, 2, 1, 0]);
    expect(await queue.pending()).toBe(0);
  });

  it('keeps entries on 401 (a revoked key must not destroy reports), 503 and 409 in-progress', async () => {
    const statuses = [401, 503, 409];
    const seen = serveIncidents((_body, n) => {
      const status = statuses[n - 1];
      if (status === undefined) return HttpResponse.json({ id: 'inc' }, { status: 201 });
      const code = status === 409 ? 'SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS' : `SIGAP_ERR_${status}`;
      return HttpResponse.json(errorBody(code), { status });
    });
    const queue = makeQueue();
    const retries: QueueEvents['retry'][] = [];
    queue.on('retry', (e) => retries.push(e));
    const entry = await queue.enqueue(report(1));
    for (let i = 0; i < 3; i++) expect((await queue.flush()).remaining).toBe(1);
    expect(retries[0]?.error).toBeInstanceOf(AuthError);
    expect(retries.map((r) => r.error.status)).toEqual([401, 503, 409]);
    expect(retries.map((r) => r.delayMs)).toEqual([500, 1000, 2000]);
    const [stored] = await queue.entries();
    expect(stored).toMatchObject({
      attempts: 3,
      lastError: { status: 409, code: 'SIGAP_ERR_IDEMPOTENCY_IN_PROGRESS' },
    });
    await expect(queue.flush()).resolves.toEqual({ sent: 1, failed: 0, remaining: 0 });
    expect(new Set(seen.map((r) => r.headers.get('idempotency-key')))).toEqual(
      new Set([entry.idempotencyKey]),
    );
  });

  it('two flushes at once share one run: one request per entry', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const seen = serveIncidents(async () => {
      await gate;
      return HttpResponse.json({}, { status: 201 });
    });
    const queue = makeQueue();
    await queue.enqueue(report(1));
    await queue.enqueue(report(2));
    const a = queue.flush();
    const b = queue.flush();
    expect(b).toBe(a);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const late = await queue.enqueue(report(3)); // arrives mid-flush: must not be skipped
    release();
    await expect(a).resolves.toEqual({ sent: 3, failed: 0, remaining: 0 });
    expect(seen).toHaveLength(3);
    expect(seen[2]?.headers.get('idempotency-key')).toBe(late.idempotencyKey);
  });

  it('retries on a backoff timer and on the online event, and close() stops both', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let up = false;
    const seen = serveIncidents(() => (up ? HttpResponse.json({}, { status: 201 }) : HttpResponse.error()));
    const target = new EventTarget();
    const queue = makeQueue({ autoFlush: true, onlineTarget: target });
    const sent = vi.fn();
    queue.on('sent', sent);
    await queue.enqueue(report(1)); // auto-flush: fails, schedules a retry in 500 ms
    await settle();
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(499);
    await settle();
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(seen).toHaveLength(2);
    // second failure: next retry in 0.5 * 2 000 ms; the network comes back before that
    up = true;
    target.dispatchEvent(new Event('online'));
    await settle();
    expect(sent).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(3);

    up = false;
    await queue.enqueue(report(2));
    await settle();
    expect(seen).toHaveLength(4);
    await queue.close();
    up = true;
    target.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    await settle();
    expect(seen).toHaveLength(4);
    await expect(queue.enqueue(report(3))).rejects.toMatchObject({ code: 'SIGAP_ERR_QUEUE_CLOSED' });
  });

  it('deduplicates an idempotency key, and parks a corrupt stored value instead of dropping it', async () => {
    const ls = new FakeLocalStorage();
    const queue = makeQueue({ storage: localStorageAdapter(ls, 'pos1:') });
    const log = events(queue);
    await queue.enqueue(report(1), { idempotencyKey: 'draft-1' });
    await queue.enqueue(report(1), { idempotencyKey: 'draft-1' });
    expect(await queue.pending()).toBe(1);
    expect(log.filter((e) => e.type === 'queued')).toHaveLength(1);

    ls.setItem('pos1:queue.v1', '{not json');
    expect(await queue.pending()).toBe(0);
    const parked = [...ls.data.entries()].filter(([k]) => k.startsWith('pos1:queue.v1.corrupt.'));
    expect(parked.map(([, v]) => v)).toEqual(['{not json']);
    expect(ls.getItem('pos1:queue.v1')).toBeNull();
  });

  it('enqueue rejects when the storage refuses the write (quota), so nothing is believed queued', async () => {
    const storage: QueueStorage = {
      ...memoryStorage(),
      set: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const queue = makeQueue({ storage });
    await expect(queue.enqueue(report(1))).rejects.toThrow('QuotaExceededError');
    expect(await queue.pending()).toBe(0);
  });
});
