/**
 * The live subscription against msw's `ws.link`: every close code path, resume by seq without
 * duplicates, token refresh, the polling fallback and the way back to WebSockets.
 */
import { HttpResponse, http, ws } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  createClient,
  type LiveEvent,
  type LiveStatus,
  type LiveSubscription,
  ValidationError,
} from '../src/index.js';
import { BASE, useServer } from './helpers.js';

const server = useServer();

/** Generous for slow CI machines; passes as soon as the condition holds. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 10 });
const link = ws.link(`${BASE.replace('http', 'ws')}/v1/live`);
type Client = Parameters<Parameters<typeof link.addEventListener<'connection'>>[1]>[0]['client'];

const subs: LiveSubscription[] = [];
afterEach(() => {
  for (const s of subs.splice(0)) s.close();
  vi.unstubAllGlobals();
});

const incident = (id: string, status = 'verified') => ({ id, status, seq: 0 });
const event = (seq: number, id = 'inc_1') => ({
  seq,
  type: 'incident.status_changed',
  at: new Date().toISOString(),
  incident: incident(id),
  event: {
    actor: { keyId: null, role: 'system', name: 'x' },
    assignmentId: null,
    unitId: null,
    callId: null,
    payload: {},
  },
});
const send = (client: Client, message: unknown) => client.send(JSON.stringify(message));

/** Token endpoint handing out t1, t2, ...; returns the list of issued tokens. */
function tokens() {
  const issued: string[] = [];
  server.use(
    http.post(`${BASE}/v1/live/tokens`, () => {
      const token = `t${issued.length + 1}`;
      issued.push(token);
      return HttpResponse.json(
        { token, expiresAt: new Date(Date.now() + 300_000).toISOString(), url: `/v1/live?token=${token}` },
        { status: 201 },
      );
    }),
  );
  return issued;
}

/** Answers connection number n (0-based) with `script[n]`; records each connection's URL. */
function sockets(script: ((client: Client) => void)[]) {
  const urls: URL[] = [];
  server.use(
    link.addEventListener('connection', ({ client }) => {
      urls.push(client.url);
      const step = script[Math.min(urls.length - 1, script.length - 1)];
      step?.(client);
    }),
  );
  return urls;
}

function subscribe(filters = {}, options = {}) {
  const sigap = createClient({ baseUrl: BASE, apiKey: 'sk_test', retries: 0 });
  const log = { events: [] as number[], statuses: [] as LiveStatus[], errors: [] as Error[], snapshots: 0 };
  const sub = sigap.live.subscribe(
    filters,
    {
      onSnapshot: () => {
        log.snapshots++;
      },
      onMessage: (m: LiveEvent) => log.events.push(m.seq),
      onStatus: (s) => log.statuses.push(s),
      onError: (e) => log.errors.push(e),
    },
    { reconnectBaseMs: 5, reconnectCapMs: 20, pollIntervalMs: 20, random: () => 0.5, ...options },
  );
  subs.push(sub);
  return { sub, log };
}

describe('live.subscribe over WebSocket', () => {
  it('connects with a token, resumes after a drop from the last seq (keepalives count), never repeats', async () => {
    const issued = tokens();
    const urls = sockets([
      (c) => {
        send(c, { type: 'snapshot', seq: 10, at: '', incidents: [], units: [] });
        send(c, event(11));
        send(c, event(12));
        send(c, { type: 'keepalive', seq: 14, at: '' }); // 13 and 14 were hidden by filters
        setTimeout(() => c.close(1011, 'internal error; reconnect with since'), 10);
      },
      (c) => {
        for (const seq of [13, 14, 15, 15, 16]) send(c, event(seq)); // an overlapping replay
      },
    ]);
    const { sub, log } = subscribe({ priorities: ['P1', 'P2'], bbox: [112.5, -7.6, 112.9, -7.3] });
    await eventually(() => expect(log.events).toEqual([11, 12, 15, 16]));
    expect(urls).toHaveLength(2);
    expect(urls[0]!.searchParams.get('token')).toBe('t1');
    expect(urls[0]!.searchParams.has('since')).toBe(false);
    expect(urls[0]!.searchParams.get('priorities')).toBe('P1,P2');
    expect(urls[0]!.searchParams.get('bbox')).toBe('112.5,-7.6,112.9,-7.3');
    expect(urls[1]!.searchParams.get('since')).toBe('14');
    expect(issued).toEqual(['t1']); // the token is reused while valid
    expect(log.snapshots).toBe(1);
    expect(log.statuses).toEqual(['live', 'reconnecting', 'live']);
    expect(sub.seq).toBe(16);
    sub.close();
    expect(sub.status).toBe('closed');
    expect(log.statuses.at(-1)).toBe('closed');
  });

  it('on 4401 fetches one new token; a second 4401 closes with AuthError', async () => {
    const issued = tokens();
    sockets([(c) => c.close(4401, 'Send an API key or a live token (?token=).')]);
    const { sub, log } = subscribe();
    await eventually(() => expect(sub.status).toBe('closed'));
    expect(issued).toEqual(['t1', 't2']);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]).toBeInstanceOf(AuthError);
    expect(sub.error).toBe(log.errors[0]);
    expect(sub.error?.message).toMatch(/live token/);
  });

  it('an expired token (4401 once) is replaced and the stream goes on', async () => {
    const issued = tokens();
    sockets([(c) => c.close(4401, 'expired'), (c) => send(c, event(1))]);
    const { sub, log } = subscribe({ since: 0 });
    await eventually(() => expect(log.events).toEqual([1]));
    expect(sub.status).toBe('live');
    expect(issued).toEqual(['t1', 't2']);
    expect(log.statuses).toEqual(['reconnecting', 'live']); // refused before it opened
  });

  it('a bad filter (4400) closes for good with a ValidationError', async () => {
    tokens();
    sockets([(c) => c.close(4400, 'bbox must be minLon,minLat,maxLon,maxLat')]);
    const { sub, log } = subscribe();
    await eventually(() => expect(sub.status).toBe('closed'));
    expect(log.errors[0]).toBeInstanceOf(ValidationError);
    expect(log.errors[0]?.message).toBe('bbox must be minLon,minLat,maxLon,maxLat');
  });

  it('a 401 on the token request closes with AuthError at once', async () => {
    server.use(
      http.post(`${BASE}/v1/live/tokens`, () =>
        HttpResponse.json(
          { code: 'SIGAP_ERR_UNAUTHENTICATED', message: 'no', requestId: 'r' },
          { status: 401 },
        ),
      ),
    );
    const { sub, log } = subscribe();
    await eventually(() => expect(sub.status).toBe('closed'));
    expect(log.errors[0]).toBeInstanceOf(AuthError);
  });

  it('drops a socket that stays silent past staleMs and resumes', async () => {
    tokens();
    const urls = sockets([(c) => send(c, event(5)), (c) => send(c, event(6))]);
    const { log } = subscribe({ since: 4 }, { staleMs: 60 });
    await eventually(() => expect(log.events).toEqual([5, 6]));
    expect(urls[1]!.searchParams.get('since')).toBe('5');
  });
});

describe('polling fallback', () => {
  /** GET /v1/events answering from a fixed event log, like the server (seq = position reached). */
  function events(log: number[]) {
    const polls: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/v1/events`, ({ request }) => {
        const since = new URL(request.url).searchParams.get('since');
        polls.push(since);
        const head = Math.max(0, ...log);
        if (since === null) return HttpResponse.json({ items: [], seq: head, more: false });
        const items = log.filter((s) => s > Number(since)).map((s) => event(s));
        return HttpResponse.json({ items, seq: head, more: false });
      }),
    );
    return polls;
  }

  it('polls after repeated socket failures, keeps retrying sockets, and hands back to the socket without repeats', async () => {
    tokens();
    let up = false;
    const log = [1, 2, 3];
    const polls = events(log);
    const urls = sockets([
      (c) => {
        if (!up) return c.close(1011, 'down');
        for (const seq of [3, 4]) send(c, event(seq)); // 3 came by polling already
      },
    ]);
    const { sub, log: seen } = subscribe({ since: 0 }, { maxSocketFailures: 2 });
    await eventually(() => expect(seen.events).toEqual([1, 2, 3]));
    expect(sub.status).toBe('polling');
    expect(polls[0]).toBe('0');
    const failedSockets = urls.length;
    await eventually(() => expect(urls.length).toBeGreaterThan(failedSockets)); // background retries
    up = true;
    await eventually(() => expect(sub.status).toBe('live'));
    await eventually(() => expect(seen.events).toEqual([1, 2, 3, 4]));
    expect(urls.at(-1)!.searchParams.get('since')).toBe('3');
    const pollsWhenLive = polls.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(polls.length).toBe(pollsWhenLive); // polling stopped
    expect(seen.statuses).toEqual(['reconnecting', 'polling', 'live']);
  });

  it('polls from the start when the runtime has no WebSocket, with a snapshot built from the lists', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const log = [7, 8];
    const polls = events(log);
    server.use(
      http.get(`${BASE}/v1/incidents`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('open')).toBe('true');
        return HttpResponse.json({ items: [incident('inc_1')], nextCursor: null });
      }),
      http.get(`${BASE}/v1/units`, () => new HttpResponse(null, { status: 404 })),
    );
    const snapshots: unknown[] = [];
    const sigap = createClient({ baseUrl: BASE, apiKey: 'k', retries: 0 });
    const seen: number[] = [];
    const sub = sigap.live.subscribe(
      {},
      { onSnapshot: (s) => snapshots.push(s), onMessage: (m) => seen.push(m.seq) },
      { pollIntervalMs: 20 },
    );
    subs.push(sub);
    await eventually(() => expect(snapshots).toHaveLength(1));
    expect(snapshots[0]).toMatchObject({ type: 'snapshot', seq: 8, incidents: [{ id: 'inc_1' }], units: [] });
    expect(sub.status).toBe('polling');
    log.push(9);
    await eventually(() => expect(seen).toEqual([9]));
    expect(polls.slice(0, 2)).toEqual([null, '8']);
  });
});
