/**
 * The mock's HTTP routes: auth, idempotency keys (replay with `idempotent-replayed: true`,
 * 422 on a reused key with another body), the error body `{ code, message, requestId, ... }`,
 * and the incident, dispatch and assignment routes backed by the {@link MockStore}.
 */
import { type HttpHandler, HttpResponse, http } from 'msw';
import type {
  CreateIncidentBody,
  DispatchBody,
  TransitionAssignmentBody,
  TransitionIncidentBody,
  UpdateIncidentLocationBody,
} from '../types.js';
import { MockApiError, type MockStore, OPEN } from './store.js';

interface Stored {
  hash: string;
  status: number;
  body: unknown;
}

export interface HandlerContext {
  base: string;
  store: MockStore;
  tokens: Set<string>;
  idempotency: Map<string, Stored>;
  authorize(request: Request): void;
  respond(error: unknown): Response;
}

/** JSON with sorted keys: the same request in another key order is the same request. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

const INCIDENT_FIELDS = [
  'category',
  'priority',
  'description',
  'condition',
  'location',
  'reporter',
  'callId',
  'externalRefs',
];

/** The checks a regency app most often trips over; the server checks the whole schema. */
function validateIncident(body: Record<string, unknown>): void {
  const details: { path: string; code: string; message: string }[] = [];
  const add = (path: string, code: string, message: string) =>
    details.push({ path: `/body${path}`, code, message });
  for (const key of Object.keys(body)) {
    if (!INCIDENT_FIELDS.includes(key)) add(`/${key}`, 'additionalProperties', 'unknown field');
  }
  if (typeof body.category !== 'string') add('/category', 'required', 'required');
  else if (!/^[a-z][a-z0-9_]{1,39}$/.test(body.category)) add('/category', 'pattern', 'not a category code');
  if (typeof body.description !== 'string') add('/description', 'required', 'required');
  if (body.priority !== undefined && !['P1', 'P2', 'P3'].includes(body.priority as string))
    add('/priority', 'enum', 'must be P1, P2 or P3');
  const location = body.location as
    | { point?: { lon?: unknown; lat?: unknown }; address?: unknown }
    | undefined;
  if (!location || (location.point === undefined && location.address === undefined)) {
    add('/location', 'required', 'give a point or an address');
  } else if (location.point) {
    for (const [axis, max] of [
      ['lon', 180],
      ['lat', 90],
    ] as const) {
      const v = location.point[axis];
      if (typeof v !== 'number') add(`/location/point/${axis}`, 'type', 'must be a number');
      else if (v > max) add(`/location/point/${axis}`, 'maximum', `must be <= ${max}`);
      else if (v < -max) add(`/location/point/${axis}`, 'minimum', `must be >= ${-max}`);
    }
  }
  if (details.length > 0) throw new MockApiError(400, 'SIGAP_ERR_VALIDATION', 'Invalid request', { details });
}

export function httpHandlers(ctx: HandlerContext): HttpHandler[] {
  const { base, store } = ctx;

  /** A read route: auth, then the answer or the error body. */
  const read =
    (fn: (url: URL, params: Record<string, string>) => unknown) =>
    async ({
      request,
      params,
    }: {
      request: Request;
      params: Record<string, string | readonly string[] | undefined>;
    }) => {
      try {
        ctx.authorize(request);
        return HttpResponse.json(fn(new URL(request.url), params as Record<string, string>) as object);
      } catch (error) {
        return ctx.respond(error);
      }
    };

  /** A write route: auth, JSON body, idempotency key; nothing is stored for a request that fails. */
  const write =
    (status: number, fn: (body: never, params: Record<string, string>) => unknown) =>
    async ({
      request,
      params,
    }: {
      request: Request;
      params: Record<string, string | readonly string[] | undefined>;
    }) => {
      try {
        ctx.authorize(request);
        const text = await request.text();
        let body: unknown;
        try {
          body = text === '' ? {} : JSON.parse(text);
        } catch {
          throw new MockApiError(400, 'SIGAP_ERR_BAD_JSON', 'The body is not valid JSON.');
        }
        const key = request.headers.get('idempotency-key');
        const scope = `${request.headers.get('authorization')} ${key}`;
        const hash = `${request.method} ${new URL(request.url).pathname}\n${canonical(body)}`;
        const previous = key ? ctx.idempotency.get(scope) : undefined;
        if (previous) {
          if (previous.hash !== hash) {
            throw new MockApiError(
              422,
              'SIGAP_ERR_IDEMPOTENCY_MISMATCH',
              'The Idempotency-Key was used with another request.',
            );
          }
          return HttpResponse.json(previous.body as object, {
            status: previous.status,
            headers: { 'idempotent-replayed': 'true' },
          });
        }
        const result = fn(body as never, params as Record<string, string>);
        if (key) ctx.idempotency.set(scope, { hash, status, body: result });
        return HttpResponse.json(result as object, { status });
      } catch (error) {
        return ctx.respond(error);
      }
    };

  const page = <T>(items: T[], url: URL, defaultLimit: number) => {
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null && !/^\d+$/.test(cursor)) {
      throw new MockApiError(400, 'SIGAP_ERR_VALIDATION', 'Invalid request', {
        details: [{ path: '/query/cursor', code: 'format', message: 'not a cursor from this API' }],
      });
    }
    const offset = Number(cursor ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? defaultLimit);
    const next = offset + limit < items.length ? String(offset + limit) : null;
    return { items: items.slice(offset, offset + limit), nextCursor: next };
  };

  return [
    http.post(
      `${base}/v1/incidents`,
      write(201, (body: Record<string, unknown>) => {
        validateIncident(body);
        return store.create(body as unknown as CreateIncidentBody);
      }),
    ),
    http.get(
      `${base}/v1/incidents`,
      read((url) => {
        const q = url.searchParams;
        const any = (name: string, value: string) => !q.has(name) || q.getAll(name).includes(value);
        const items = [...store.incidents.values()]
          .reverse()
          .filter(
            (i) => any('status', i.status) && any('category', i.category) && any('priority', i.priority),
          )
          .filter((i) => q.get('open') !== 'true' || OPEN.includes(i.status));
        return page(structuredClone(items), url, 50);
      }),
    ),
    http.get(
      `${base}/v1/incidents/:id`,
      read((_url, p) => structuredClone(store.get(p.id!))),
    ),
    http.get(
      `${base}/v1/incidents/:id/events`,
      read((url, p) => {
        store.get(p.id!);
        const after = Number(url.searchParams.get('after') ?? 0);
        return page(
          store.events.filter((e) => e.incidentId === p.id && e.seq > after),
          url,
          100,
        );
      }),
    ),
    http.get(
      `${base}/v1/incidents/:id/recommendations`,
      read((_url, p) => ({
        incidentId: store.get(p.id!).id,
        needs: [],
        noUnitAvailable: true,
        travelTime: 'straight_line',
      })),
    ),
    http.post(
      `${base}/v1/incidents/:id/transitions`,
      write(200, (body: TransitionIncidentBody, p) => store.transition(p.id!, body)),
    ),
    http.post(
      `${base}/v1/incidents/:id/location`,
      write(200, (body: UpdateIncidentLocationBody, p) => store.locate(p.id!, body)),
    ),
    http.post(
      `${base}/v1/incidents/:id/dispatch`,
      write(200, (body: DispatchBody, p) => store.dispatch(p.id!, body)),
    ),
    http.post(
      `${base}/v1/assignments/:id/transitions`,
      write(200, (body: TransitionAssignmentBody, p) => store.transitionAssignment(p.id!, body)),
    ),
    http.post(
      `${base}/v1/live/tokens`,
      write(201, () => {
        const token = `slt_mock_${crypto.randomUUID().replace(/-/g, '')}`;
        ctx.tokens.add(token);
        const expiresAt = new Date(Date.now() + 300_000).toISOString();
        return { token, expiresAt, url: `/v1/live?token=${token}` };
      }),
    ),
  ];
}
