/**
 * The mock's live stream: `GET /v1/live` over msw's `ws` API (token auth, snapshot or replay
 * with `since`, then every new event), and its polling twin `GET /v1/events?since=`. Both
 * build messages with one function, as the server's hub and polling route share shape.ts.
 */
import { HttpResponse, http, type WebSocketHandler, ws } from 'msw';
import type { Event, Incident, LiveEvent } from '../types.js';
import { MockApiError, type MockStore, OPEN } from './store.js';

interface Filters {
  categories?: string[];
  priorities?: string[];
  agency?: string;
  bbox?: number[];
}

/** `since` and filters from a query string; a bad value is the server's 4400 / 400. */
export function parseLiveQuery(params: URLSearchParams): { since: number | null; filters: Filters } {
  const since = params.get('since');
  if (since !== null && !/^\d{1,15}$/.test(since)) throw bad('since', 'since must be a non-negative integer');
  const list = (name: string) => params.get(name)?.split(',');
  const filters: Filters = {};
  const categories = list('categories');
  if (categories) filters.categories = categories;
  const priorities = list('priorities');
  if (priorities) {
    if (!priorities.every((p) => /^P[123]$/.test(p)))
      throw bad('priorities', 'priorities must be P1, P2 or P3');
    filters.priorities = priorities;
  }
  const agency = params.get('agency');
  if (agency) filters.agency = agency;
  const bbox = list('bbox')?.map(Number);
  if (bbox) {
    if (bbox.length !== 4 || !bbox.every(Number.isFinite))
      throw bad('bbox', 'bbox must be minLon,minLat,maxLon,maxLat');
    filters.bbox = bbox;
  }
  return { since: since === null ? null : Number(since), filters };
}

const bad = (field: string, message: string) =>
  new MockApiError(400, 'SIGAP_ERR_VALIDATION', message, {
    details: [{ path: `/query/${field}`, code: 'format', message }],
  });

function visible(incident: Incident, f: Filters): boolean {
  if (f.categories && !f.categories.includes(incident.category)) return false;
  if (f.priorities && !f.priorities.includes(incident.priority)) return false;
  if (f.agency && !incident.assignments.some((a) => a.agencyId === f.agency)) return false;
  const p = incident.location.point;
  const b = f.bbox;
  if (b && !(p && p.lon >= b[0]! && p.lat >= b[1]! && p.lon <= b[2]! && p.lat <= b[3]!)) return false;
  return true;
}

/** The stream message for an event, with the incident as it is now; null when filtered out. */
export function messageFor(store: MockStore, event: Event, filters: Filters): LiveEvent | null {
  const incident = event.incidentId ? store.incidents.get(event.incidentId) : undefined;
  if (!incident || !visible(incident, filters)) return null;
  return {
    seq: event.seq,
    type: event.type,
    at: event.at,
    incident: structuredClone(incident),
    event: {
      actor: event.actor,
      assignmentId: event.assignmentId,
      unitId: event.unitId,
      callId: event.callId,
      payload: event.payload,
    },
  };
}

export interface LiveControl {
  handlers: [WebSocketHandler, ReturnType<typeof http.get>];
  /** Sends `{ type: 'keepalive', seq }` to every client. */
  keepalive(): void;
  /** Closes every live connection with `code` (e.g. 1011, 1001, 4000) to test reconnection. */
  disconnect(code?: number, reason?: string): void;
  /** Number of open live connections. */
  readonly connections: number;
}

export function liveHandlers(
  base: string,
  store: MockStore,
  tokens: Set<string>,
  authorize: (request: Request) => void,
  respond: (error: unknown) => Response,
): LiveControl {
  const link = ws.link(`${base.replace(/^http/, 'ws')}/v1/live`);
  const closers = new Set<(code: number, reason: string) => void>();

  const socket = link.addEventListener('connection', ({ client }) => {
    const send = (message: unknown) => client.send(JSON.stringify(message));
    client.addEventListener('message', (e) => {
      const ping = typeof e.data === 'string' && e.data.includes('"ping"');
      send(
        ping
          ? { type: 'pong', at: new Date().toISOString() }
          : { type: 'error', code: 'SIGAP_ERR_VALIDATION' },
      );
    });
    if (!tokens.has(client.url.searchParams.get('token') ?? '')) {
      client.close(4401, 'Send an API key or a live token (?token=).');
      return;
    }
    let query: ReturnType<typeof parseLiveQuery>;
    try {
      query = parseLiveQuery(client.url.searchParams);
    } catch (error) {
      client.close(4400, (error as Error).message);
      return;
    }
    const { since, filters } = query;
    if (since === null) {
      const incidents = [...store.incidents.values()]
        .filter((i) => OPEN.includes(i.status) && visible(i, filters))
        .reverse()
        .map((i) => structuredClone(i));
      send({ type: 'snapshot', seq: store.seq, at: new Date().toISOString(), incidents, units: [] });
    } else {
      for (const event of store.events.slice(since)) {
        const message = messageFor(store, event, filters);
        if (message) send(message);
      }
    }
    const off = store.subscribe((event) => {
      const message = messageFor(store, event, filters);
      if (message) send(message);
    });
    const close = (code: number, reason: string) => client.close(code, reason);
    closers.add(close);
    client.addEventListener('close', () => {
      off();
      closers.delete(close);
    });
  });

  const polling = http.get(`${base}/v1/events`, ({ request }) => {
    try {
      authorize(request);
      const params = new URL(request.url).searchParams;
      const { since, filters } = parseLiveQuery(params);
      if (since === null) return HttpResponse.json({ items: [], seq: store.seq, more: false });
      const limit = Math.min(Number(params.get('limit') ?? 200) || 200, 1000);
      const batch = store.events.slice(since, since + limit);
      const items = batch.map((e) => messageFor(store, e, filters)).filter((m) => m !== null);
      const seq = batch.length > 0 ? batch[batch.length - 1]!.seq : since;
      return HttpResponse.json({ items, seq, more: batch.length === limit });
    } catch (error) {
      return respond(error);
    }
  });

  return {
    handlers: [socket, polling],
    keepalive: () =>
      link.broadcast(JSON.stringify({ type: 'keepalive', seq: store.seq, at: new Date().toISOString() })),
    disconnect: (code = 1011, reason = 'internal error; reconnect with since') => {
      for (const close of [...closers]) close(code, reason);
    },
    get connections() {
      return closers.size;
    },
  };
}
