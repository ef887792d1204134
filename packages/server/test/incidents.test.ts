import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;

// Inside the demo geometry: Pos Damkar Sidoarjo Kota is at 112.726,-7.447 (Kecamatan Sidoarjo).
const SIDOARJO_TOWN = { lon: 112.7205, lat: -7.4478 };
// Central Surabaya: outside Kabupaten Sidoarjo.
const SURABAYA = { lon: 112.7378, lat: -7.2575 };

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

function report(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: { ...bearer(key), ...headers },
    payload: body,
  });
}

const fire = {
  category: 'fire',
  description: 'Rumah terbakar, asap tebal',
  condition: { victims: 0, danger: 'api merambat ke rumah sebelah' },
  location: {
    point: SIDOARJO_TOWN,
    accuracyM: 12,
    source: 'device_gps',
    address: 'Jl. Gajah Mada depan pasar',
  },
  reporter: { name: 'Budi', phone: '+6281234567890' },
};

describe('POST /v1/incidents', () => {
  it('creates a verified incident with a human number, area codes and its first event', async () => {
    const res = await report(demo.keys.call_taker, fire);
    expect(res.statusCode).toBe(201);
    const { incident, possibleDuplicates } = res.json();
    expect(incident.number).toMatch(/^SDA-\d{8}-\d{4}$/);
    expect(incident).toMatchObject({
      status: 'verified',
      category: 'fire',
      priority: 'P1',
      description: fire.description,
      condition: fire.condition,
      reporter: { name: 'Budi', phone: '+6281234567890' },
      assignments: [],
      overdue: false,
    });
    expect(incident.location).toMatchObject({
      point: SIDOARJO_TOWN,
      accuracyM: 12,
      source: 'device_gps',
      kecamatanCode: '35.15.08',
      outsideJurisdiction: false,
      jurisdictionCode: null,
    });
    expect(possibleDuplicates).toEqual([]);
    const events = await app.inject({
      url: `/v1/incidents/${incident.id}/events`,
      headers: bearer(demo.keys.dispatcher),
    });
    expect(events.json().items.map((e: { type: string }) => e.type)).toEqual(['incident.created']);
    expect(events.json().items[0].seq).toBe(incident.seq);
  });

  it('numbers incidents consecutively per tenant and local day', async () => {
    const a = (await report(demo.keys.call_taker, fire)).json().incident.number as string;
    const b = (await report(demo.keys.call_taker, fire)).json().incident.number as string;
    expect(Number(b.slice(-4))).toBe(Number(a.slice(-4)) + 1);
    expect(b.slice(0, 12)).toBe(a.slice(0, 12));
  });

  it('starts reports from integrated apps as received, awaiting verification', async () => {
    const res = await report(demo.keys.integrator, { ...fire, location: { point: SIDOARJO_TOWN } });
    expect(res.json().incident.status).toBe('received');
  });

  it('returns open incidents of the same category nearby as possible duplicates', async () => {
    const first = (await report(demo.keys.call_taker, { ...fire, category: 'animal_rescue' })).json()
      .incident;
    const near = { lon: SIDOARJO_TOWN.lon + 0.001, lat: SIDOARJO_TOWN.lat }; // ~110 m east
    const res = await report(demo.keys.call_taker, {
      ...fire,
      category: 'animal_rescue',
      location: { point: near },
    });
    const dups = res.json().possibleDuplicates;
    expect(dups.map((d: { id: string }) => d.id)).toContain(first.id);
    expect(dups.find((d: { id: string }) => d.id === first.id).distanceM).toBeGreaterThan(90);
    expect(dups.find((d: { id: string }) => d.id === first.id).distanceM).toBeLessThan(130);
    const far = { lon: SIDOARJO_TOWN.lon + 0.01, lat: SIDOARJO_TOWN.lat }; // ~1.1 km
    const res2 = await report(demo.keys.call_taker, {
      ...fire,
      category: 'animal_rescue',
      location: { point: far },
    });
    expect(res2.json().possibleDuplicates.map((d: { id: string }) => d.id)).not.toContain(first.id);
  });

  it('accepts a location outside the regency but flags it', async () => {
    const res = await report(demo.keys.call_taker, { ...fire, location: { point: SURABAYA } });
    expect(res.statusCode).toBe(201);
    expect(res.json().incident.location).toMatchObject({ outsideJurisdiction: true, kecamatanCode: null });
  });

  it('accepts an address without a point', async () => {
    const res = await report(demo.keys.call_taker, {
      ...fire,
      location: { address: 'Perum Citra Garden blok C' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().incident.location).toMatchObject({ point: null, address: 'Perum Citra Garden blok C' });
  });

  it.each([
    [{ ...fire, category: 'alien_invasion' }, '/body/category', 'unknown_category'],
    [{ ...fire, location: {} }, '/body/location', 'required'],
    [{ ...fire, location: { point: { lon: 200, lat: 0 } } }, '/body/location/point/lon', 'maximum'],
    [{ ...fire, priority: 'P0' }, '/body/priority', 'enum'],
    [{ ...fire, hacker: true }, '/body/hacker', 'additionalProperties'],
    [{ ...fire, description: 'x'.repeat(4001) }, '/body/description', 'maxLength'],
    [{ ...fire, condition: { victims: -1 } }, '/body/condition/victims', 'minimum'],
    [{ ...fire, callId: '00000000-0000-4000-8000-000000000000' }, '/body/callId', 'not_found'],
  ])('rejects bad input with 400 naming the field (%#)', async (body, path, code) => {
    const res = await report(demo.keys.call_taker, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toContainEqual(expect.objectContaining({ path, code }));
  });

  it('links the call it came from: the call is classified and the link is in the trail', async () => {
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: '081311112222' },
    });
    expect(call.statusCode, call.body).toBe(201);
    const callId = call.json().call.id as string;
    const res = await report(demo.keys.call_taker, { ...fire, callId });
    expect(res.statusCode).toBe(201);
    const incidentId = res.json().incident.id;
    expect(res.json().incident.callId).toBe(callId);
    const linked = await app.inject({ url: `/v1/calls/${callId}`, headers: bearer(demo.keys.dispatcher) });
    expect(linked.json()).toMatchObject({ outcome: 'incident', incidentId });
    const { rows } = await t.db.query<{ type: string; payload: { changes: Record<string, unknown> } }>(
      `SELECT type, payload FROM events WHERE call_id = $1 AND type = 'call.updated' ORDER BY seq`,
      [callId],
    );
    expect(rows.at(-1)).toMatchObject({
      type: 'call.updated',
      payload: {
        changes: { incidentId: { from: null, to: incidentId }, outcome: { from: null, to: 'incident' } },
      },
    });
  });

  it('writes nothing when it rejects', async () => {
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    await report(demo.keys.call_taker, { ...fire, callId: '00000000-0000-4000-8000-000000000000' });
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('refuses keys that may not report, and requests without a key', async () => {
    expect((await report(demo.keys.viewer, fire)).statusCode).toBe(403);
    expect((await report(demo.keys.agency, fire)).statusCode).toBe(403);
    expect((await report(demo.keys.admin, fire)).statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'POST', url: '/v1/incidents', payload: fire });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('SIGAP_ERR_UNAUTHENTICATED');
    const forged = await report('sgp_thisIsNotARealKeyButLooksLikeOne000000000', fire);
    expect(forged.statusCode).toBe(401);
  });
});

describe('idempotency', () => {
  it('returns the first response to a retry with the same key, and creates one incident', async () => {
    const headers = { 'idempotency-key': 'retry-test-1' };
    const first = await report(demo.keys.integrator, fire, headers);
    const second = await report(demo.keys.integrator, fire, headers);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE id = $1`,
      [first.json().incident.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('creates exactly one incident from 10 concurrent requests with one key', async () => {
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    const headers = { 'idempotency-key': 'concurrent-test-1' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => report(demo.keys.integrator, fire, headers)),
    );
    const ids = new Set(responses.map((r) => r.statusCode === 201 && r.json().incident.id));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(ids.size).toBe(1);
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
  });

  it('refuses to reuse a key for a different request', async () => {
    const headers = { 'idempotency-key': 'mismatch-test-1' };
    await report(demo.keys.integrator, fire, headers);
    const res = await report(demo.keys.integrator, { ...fire, description: 'something else' }, headers);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('SIGAP_ERR_IDEMPOTENCY_MISMATCH');
  });

  it('keeps keys apart per API key', async () => {
    const headers = { 'idempotency-key': 'shared-key-name' };
    const a = await report(demo.keys.integrator, fire, headers);
    const b = await report(demo.keys.call_taker, fire, headers);
    expect(a.json().incident.id).not.toBe(b.json().incident.id);
  });
});

describe('reading', () => {
  it('lets integrators read only what they submitted', async () => {
    const mine = (await report(demo.keys.integrator, fire)).json().incident;
    const theirs = (await report(demo.keys.call_taker, fire)).json().incident;
    const get = (id: string) =>
      app.inject({ url: `/v1/incidents/${id}`, headers: bearer(demo.keys.integrator) });
    expect((await get(mine.id)).statusCode).toBe(200);
    expect((await get(theirs.id)).statusCode).toBe(404);
    const list = await app.inject({ url: '/v1/incidents?limit=200', headers: bearer(demo.keys.integrator) });
    const ids = list.json().items.map((i: { id: string }) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
  });

  it('masks reporter phone numbers for viewers and integrators, not for dispatchers', async () => {
    const id = (await report(demo.keys.integrator, fire)).json().incident.id;
    const as = async (key: string) =>
      (await app.inject({ url: `/v1/incidents/${id}`, headers: bearer(key) })).json().reporter.phone;
    expect(await as(demo.keys.dispatcher)).toBe('+6281234567890');
    expect(await as(demo.keys.viewer)).toBe('+62812*****890');
    expect(await as(demo.keys.integrator)).toBe('+62812*****890');
    const events = await app.inject({ url: `/v1/incidents/${id}/events`, headers: bearer(demo.keys.viewer) });
    expect(JSON.stringify(events.json())).not.toContain('1234567890');
  });

  it('pages through the list with cursors, without repeats or gaps', async () => {
    for (let i = 0; i < 7; i++) await report(demo.keys.call_taker, { ...fire, category: 'water' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/incidents?category=water&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await app.inject({ url, headers: bearer(demo.keys.dispatcher) })).json();
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('rejects a forged cursor and a bad bbox with 400', async () => {
    const bad = await app.inject({
      url: '/v1/incidents?cursor=notacursor',
      headers: bearer(demo.keys.dispatcher),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('/query/cursor');
    const forged = Buffer.from(JSON.stringify(["2026-01-01'; DROP TABLE incidents;--", 'x'])).toString(
      'base64url',
    );
    const res = await app.inject({
      url: `/v1/incidents?cursor=${forged}`,
      headers: bearer(demo.keys.dispatcher),
    });
    expect(res.statusCode).toBe(400);
    const bbox = await app.inject({
      url: '/v1/incidents?bbox=113,-7,112,-8',
      headers: bearer(demo.keys.dispatcher),
    });
    expect(bbox.statusCode).toBe(400);
  });

  it('filters by kecamatan, priority and bbox', async () => {
    const inTown = (await report(demo.keys.call_taker, { ...fire, category: 'crime' })).json().incident;
    const q = async (qs: string) =>
      (await app.inject({ url: `/v1/incidents?category=crime&${qs}`, headers: bearer(demo.keys.dispatcher) }))
        .json()
        .items.map((i: { id: string }) => i.id);
    expect(await q('kecamatan=35.15.08')).toContain(inTown.id);
    expect(await q('kecamatan=35.15.01')).not.toContain(inTown.id);
    expect(await q('priority=P1')).toContain(inTown.id);
    expect(await q('priority=P3')).not.toContain(inTown.id);
    expect(await q('bbox=112.7,-7.46,112.74,-7.43')).toContain(inTown.id);
    expect(await q('bbox=112.5,-7.6,112.55,-7.55')).not.toContain(inTown.id);
  });
});

describe('tenant isolation', () => {
  it('never shows or changes another tenant’s incidents', async () => {
    const id = (await report(demo.keys.call_taker, fire)).json().incident.id;
    for (const key of Object.values(other.keys)) {
      const res = await app.inject({ url: `/v1/incidents/${id}`, headers: bearer(key) });
      expect([403, 404]).toContain(res.statusCode);
    }
    const list = await app.inject({ url: '/v1/incidents?limit=200', headers: bearer(other.keys.dispatcher) });
    expect(list.json().items).toEqual([]);
    const change = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${id}/transitions`,
      headers: bearer(other.keys.dispatcher),
      payload: { to: 'cancelled' },
    });
    expect(change.statusCode).toBe(404);
    const events = await app.inject({
      url: `/v1/incidents/${id}/events`,
      headers: bearer(other.keys.dispatcher),
    });
    expect(events.statusCode).toBe(404);
  });

  it('cannot reach another tenant through filters either', async () => {
    const list = await app.inject({
      url: `/v1/incidents?agency=${demo.agencies['DAMKAR-SDA']}&kecamatan=35.15.08`,
      headers: bearer(other.keys.dispatcher),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([]);
    const injection = await app.inject({
      url: `/v1/incidents?kecamatan=${encodeURIComponent("35.15.08' OR '1'='1")}`,
      headers: bearer(other.keys.dispatcher),
    });
    expect(injection.statusCode).toBe(400);
  });
});
