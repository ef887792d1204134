/**
 * `@sigap/sdk/testing` must not drift from the server: ONE scenario (submit, replay, errors,
 * read, list, illegal transition, dispatch, assignment progress, events, live tracking,
 * polling) runs through the SDK against the msw mock and against a real server, and the two
 * results must agree: the same statuses, codes, `allowed` lists and event sequences, the same
 * structure (keys and types), and both must satisfy the contract's schemas.
 */
import {
  CreateIncidentResponse,
  EventPage,
  Incident,
  IncidentPage,
  UpdateIncidentLocationResponse,
} from '@sigap/contract';
import { APIError, type CreateIncidentBody, createClient, type SigapClient } from '@sigap/sdk';
import { createSigapMock } from '@sigap/sdk/testing';
import { setupServer } from 'msw/node';
import type { TSchema } from 'typebox';
import { Check, Errors } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assertSdkBuilt, type RunningServer, SIDOARJO_TOWN, startServer } from './helpers/server.js';

let server: RunningServer;
beforeAll(async () => {
  assertSdkBuilt();
  server = await startServer();
});
afterAll(() => server?.stop());

const body: CreateIncidentBody = {
  category: 'flood',
  description: 'Tanggul jebol, air naik',
  location: { point: SIDOARJO_TOWN, accuracyM: 10, source: 'device_gps' },
  reporter: { name: 'Siti', phone: '081298765432' },
};

/** What an error looks like to an app: class, status, code, body keys, `allowed`, first detail. */
async function failure(call: () => Promise<unknown>) {
  const error = await call().then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!(error instanceof APIError)) throw error;
  const detail = (error as { details?: { path: string; code: string }[] }).details?.[0];
  return {
    name: error.name,
    status: error.status,
    code: error.code,
    keys: Object.keys(error.body as object).sort(),
    allowed: (error as { allowed?: string[] }).allowed,
    detail: detail && { path: detail.path, code: detail.code },
  };
}

async function scenario(sigap: SigapClient, agencyId: string) {
  const key = `parity-${crypto.randomUUID()}`;
  const before = (await sigap.transport.request<{ seq: number }>({ method: 'GET', path: '/v1/events' })).seq;
  const created = await sigap.incidents.submit(body, { idempotencyKey: key });
  if (created.queued) throw new Error('unexpected queue');
  const replay = await sigap.incidents.submit(body, { idempotencyKey: key });
  const id = created.incident.id;
  const updates: { status: string; type: string | null }[] = [];
  const tracker = await sigap.incidents.track(id, (i, m) =>
    updates.push({ status: i.status, type: m?.type ?? null }),
  );
  await vi.waitFor(() => expect(tracker.status).toBe('live'), { timeout: 10_000 });
  const dispatched = await sigap.incidents.dispatch(id, { assignments: [{ agencyId }] });
  const acknowledged = await sigap.assignments.transition(dispatched.assignments[0]!.id, {
    to: 'acknowledged',
  });
  await vi.waitFor(() => expect(tracker.incident.status).toBe('acknowledged'), { timeout: 10_000 });
  tracker.close();
  const located = await sigap.incidents.locate(id, {
    point: { lon: 112.7, lat: -7.44 },
    reason: 'pin moved',
  });
  const result = {
    created: { ...created, idempotencyKey: 'k', requestId: 'r' },
    replay: {
      replayed: !replay.queued && replay.replayed,
      sameId: !replay.queued && replay.incident.id === id,
    },
    mismatch: await failure(() =>
      sigap.incidents.submit({ ...body, description: 'lain' }, { idempotencyKey: key }),
    ),
    invalid: await failure(() =>
      sigap.incidents.submit({ ...body, location: { point: { lon: 200, lat: -7.4 } } }),
    ),
    missing: await failure(() => sigap.incidents.get(crypto.randomUUID())),
    illegal: await failure(() => sigap.incidents.transition(id, { to: 'closed' })),
    get: await sigap.incidents.get(id),
    list: await sigap.incidents
      .list({ open: true, limit: 1 })
      .then((p) => ({ items: p.items, next: p.hasNextPage() })),
    dispatched,
    acknowledged,
    located,
    updates,
    events: await sigap.incidents.events(id).then((p) => ({ items: p.items, nextCursor: p.nextCursor })),
    poll: await sigap.transport.request({ method: 'GET', path: '/v1/events', query: { since: before } }),
    token: await sigap.live.token(),
  };
  return result;
}

type Shape = string | { [key: string]: Shape } | Shape[];

/** Keys and value types; `payload` (free-form per event type) stays opaque. */
function shape(value: unknown, key = ''): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === 'object' && key !== 'payload') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k], k)]),
    );
  }
  return typeof value;
}

/** Differences between two shapes; `null` matches anything (nullable fields), `[]` any array. */
function differences(a: Shape, b: Shape, path = ''): string[] {
  if (a === 'null' || b === 'null') return [];
  if (Array.isArray(a) && Array.isArray(b))
    return a.length && b.length ? differences(a[0]!, b[0]!, `${path}[0]`) : [];
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) =>
      k in a && k in b
        ? differences(a[k]!, b[k]!, `${path}.${k}`)
        : [`${path}.${k} only in ${k in a ? 'mock' : 'server'}`],
    );
  }
  return JSON.stringify(a) === JSON.stringify(b)
    ? []
    : [`${path}: mock ${JSON.stringify(a)}, server ${JSON.stringify(b)}`];
}

function conforms(schema: TSchema, value: unknown): string[] {
  return Check(schema, value) ? [] : [...Errors(schema, value)].map((e) => `${e.instancePath} ${e.message}`);
}

describe('@sigap/sdk/testing against the real server', () => {
  it('one scenario, same answers', async () => {
    const mock = createSigapMock({ baseUrl: 'http://sigap.test', role: 'dispatcher' });
    const msw = setupServer(...mock.handlers);
    msw.listen({ onUnhandledRequest: 'error' });
    let fromMock: Awaited<ReturnType<typeof scenario>>;
    try {
      fromMock = await scenario(
        createClient({ baseUrl: 'http://sigap.test', apiKey: 'sk_test' }),
        crypto.randomUUID(),
      );
    } finally {
      msw.close(); // before the real run: msw must not see the real server's traffic
    }
    const agency = server.demo.agencies['BPBD-SDA'] ?? Object.values(server.demo.agencies)[0]!;
    const fromServer = await scenario(
      createClient({ baseUrl: server.url, apiKey: server.demo.keys.dispatcher }),
      agency,
    );

    // Behaviour: identical.
    for (const part of ['replay', 'mismatch', 'invalid', 'missing', 'illegal', 'updates'] as const) {
      expect({ [part]: fromMock[part] }).toEqual({ [part]: fromServer[part] });
    }
    expect(fromMock.located.incident.location).toMatchObject({
      point: { lon: 112.7, lat: -7.44 },
      source: 'map_pick',
    });
    expect(fromServer.located.incident.location).toMatchObject({
      point: { lon: 112.7, lat: -7.44 },
      source: 'map_pick',
    });
    const statuses = (r: typeof fromMock) => [
      r.created.incident.status,
      r.get.status,
      r.dispatched.status,
      r.acknowledged.status,
    ];
    expect(statuses(fromMock)).toEqual(statuses(fromServer));
    const types = (r: typeof fromMock) => r.events.items.map((e) => e.type);
    expect(types(fromMock)).toEqual(types(fromServer));
    const polled = (r: typeof fromMock) => (r.poll as { items: { type: string }[] }).items.map((m) => m.type);
    expect(polled(fromMock)).toEqual(polled(fromServer));

    // Structure: the same keys and types everywhere.
    expect(differences(shape(fromMock), shape(fromServer))).toEqual([]);

    // And both are what the contract promises.
    for (const r of [fromMock, fromServer]) {
      expect(conforms(CreateIncidentResponse, { ...r.created, queued: undefined })).toEqual([]);
      expect(conforms(UpdateIncidentLocationResponse, r.located)).toEqual([]);
      for (const incident of [r.get, r.dispatched, r.acknowledged])
        expect(conforms(Incident, incident)).toEqual([]);
      expect(conforms(IncidentPage, { items: r.list.items, nextCursor: null })).toEqual([]);
      expect(conforms(EventPage, r.events)).toEqual([]);
    }
  });
});
