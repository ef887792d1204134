import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrails } from '../src/commands/tenants.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';
import { TestLiveClient } from './helpers/ws.js';

/**
 * POST /v1/incidents/{id}/location (corrections) and POST /v1/calls/{id}/location (a call's
 * location before its incident): the trail, re-derived areas, the duplicate check and the unit
 * recommendation for the new point, the live stream, and who may do it.
 */
let t: TestDatabase;
let app: FastifyInstance;
let base: string;
let demo: SeededTenant;
let other: SeededTenant;
const clients: TestLiveClient[] = [];

// Kecamatan Sidoarjo (town centre) and, 20 km away, Kecamatan Tarik in the west.
const SIDOARJO_TOWN = { lon: 112.7205, lat: -7.4478 };
let tarik: { lon: number; lat: number };

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db, { LIVE_POLL_MS: '200', LIVE_HEARTBEAT_MS: '1000' });
  base = await listen(app);
  const { rows } = await t.db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(point) AS lon, ST_Y(point) AS lat FROM areas WHERE tenant_id = '35.15' AND code = '35.15.01'`,
  );
  tarik = rows[0]!;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await app?.close();
  await t?.destroy();
});

async function report(key: string, location: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(key),
    payload: { category: 'fire', description: 'Rumah terbakar', location, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const correct = (
  key: string,
  id: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/location`,
    headers: { ...bearer(key), ...headers },
    payload: body,
  });

describe('POST /v1/incidents/{id}/location', () => {
  it('moves the point: trail with both positions, new areas, new recommendation, live message', async () => {
    const { incident, recommendation: before } = await report(demo.keys.call_taker, {
      point: SIDOARJO_TOWN,
      source: 'device_gps',
      accuracyM: 30,
    });
    expect(incident.location.kecamatanCode).toBe('35.15.08');
    const ws = new TestLiveClient(`${base}/v1/live?since=${incident.seq}`, bearer(demo.keys.viewer));
    clients.push(ws);

    const res = await correct(demo.keys.dispatcher, incident.id, {
      point: tarik,
      accuracyM: 15,
      reason: 'penelepon salah sebut; lokasi dari peta',
    });
    expect(res.statusCode, res.body).toBe(200);
    const moved = res.json();
    expect(moved.incident.location).toMatchObject({
      point: tarik,
      source: 'map_pick',
      accuracyM: 15,
      kecamatanCode: '35.15.01',
      status: 'located',
      outsideJurisdiction: false,
    });
    expect(moved.incident.seq).toBeGreaterThan(incident.seq);
    // The nearest Damkar unit for Tarik is not the one for Sidoarjo town.
    const firstUnit = (r: { needs: { candidates: { unitId: string }[] }[] }) =>
      r.needs[0]!.candidates[0]!.unitId;
    expect(firstUnit(moved.recommendation)).not.toBe(firstUnit(before));
    expect(moved.geocoding).toBeNull();

    const events = await app.inject({
      url: `/v1/incidents/${incident.id}/events`,
      headers: bearer(demo.keys.dispatcher),
    });
    const updated = events.json().items.find((e: { type: string }) => e.type === 'incident.location_updated');
    expect(updated).toMatchObject({
      actor: { role: 'dispatcher' },
      payload: {
        from: { point: SIDOARJO_TOWN, source: 'device_gps', kecamatanCode: '35.15.08' },
        to: { point: tarik, source: 'map_pick', kecamatanCode: '35.15.01' },
        reason: 'penelepon salah sebut; lokasi dari peta',
      },
    });

    await ws.until(
      () => ws.events().some((m) => m.type === 'incident.location_updated'),
      20_000,
      'the live location update',
    );
    const message = ws.events().find((m) => m.type === 'incident.location_updated')!;
    expect((message.incident as { location: { point: unknown } }).location.point).toEqual(tarik);
  });

  it('re-runs the duplicate check at the new point', async () => {
    const first = await report(demo.keys.call_taker, { point: tarik });
    const second = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    const res = await correct(demo.keys.call_taker, second.incident.id, { point: tarik, source: 'aml' });
    expect(res.statusCode).toBe(200);
    expect(res.json().possibleDuplicates.map((d: { id: string }) => d.id)).toContain(first.incident.id);
    expect(res.json().incident.location.source).toBe('aml');
  });

  it('places an incident that needed review, so it gets units', async () => {
    const { incident } = await report(demo.keys.call_taker, { address: 'xqzvw plonk' });
    expect(incident.location.status).toBe('needs_review');
    const res = await correct(demo.keys.call_taker, incident.id, { point: SIDOARJO_TOWN });
    expect(res.statusCode).toBe(200);
    expect(res.json().incident.location).toMatchObject({
      status: 'located',
      point: SIDOARJO_TOWN,
      address: 'xqzvw plonk',
      kecamatanCode: '35.15.08',
    });
    expect(res.json().recommendation.needs.length).toBeGreaterThan(0);
  });

  it('geocodes a corrected address; a vaguer one keeps the point', async () => {
    const { incident } = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    const res = await correct(demo.keys.call_taker, incident.id, {
      address: 'Ds. Sukorejo Kec. Buduran',
      reason: 'alamat dari penelepon',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().geocoding.outcome).toBe('geocoded');
    expect(res.json().incident.location).toMatchObject({
      address: 'Ds. Sukorejo Kec. Buduran',
      kecamatanCode: '35.15.15',
      desaCode: '35.15.15.2014',
    });
    const vague = await correct(demo.keys.call_taker, incident.id, { address: 'xqzvw plonk' });
    expect(vague.statusCode).toBe(200);
    expect(vague.json().geocoding.outcome).toBe('needs_review');
    expect(vague.json().incident.location).toMatchObject({
      address: 'xqzvw plonk',
      point: res.json().incident.location.point,
      kecamatanCode: '35.15.15',
      status: 'located',
    });
  });

  it('accepts a point outside the tenant and says so', async () => {
    const { incident } = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    const res = await correct(demo.keys.call_taker, incident.id, { point: { lon: 112.7378, lat: -7.2575 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().incident.location).toMatchObject({
      outsideJurisdiction: true,
      kecamatanCode: null,
      desaCode: null,
    });
  });

  it('lets an integrator correct its own incident only while received', async () => {
    const { incident } = await report(demo.keys.integrator, { point: SIDOARJO_TOWN });
    expect(incident.status).toBe('received');
    const own = await correct(demo.keys.integrator, incident.id, { point: tarik, source: 'device_gps' });
    expect(own.statusCode, own.body).toBe(200);
    const verify = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${incident.id}/transitions`,
      headers: bearer(demo.keys.call_taker),
      payload: { to: 'verified' },
    });
    expect(verify.statusCode).toBe(200);
    const late = await correct(demo.keys.integrator, incident.id, { point: SIDOARJO_TOWN });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('SIGAP_ERR_CONFLICT');

    // Someone else's incident does not exist for an integrator, nor for another tenant.
    const { incident: theirs } = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    expect((await correct(demo.keys.integrator, theirs.id, { point: tarik })).statusCode).toBe(404);
    expect((await correct(other.keys.dispatcher, theirs.id, { point: tarik })).statusCode).toBe(404);
  });

  it('refuses roles that do not place incidents', async () => {
    const { incident } = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    for (const key of [demo.keys.viewer, demo.keys.agency, demo.keys.admin]) {
      expect((await correct(key, incident.id, { point: tarik })).statusCode).toBe(403);
    }
  });

  it.each([
    [{}, '/body', 'minProperties'],
    [{ reason: 'only a reason' }, '/body', 'required'],
    [{ point: { lon: 200, lat: 0 } }, '/body/point/lon', 'maximum'],
    [{ point: SIDOARJO_TOWN, source: 'telepathy' }, '/body/source', 'enum'],
    [{ point: SIDOARJO_TOWN, extra: 1 }, '/body/extra', 'additionalProperties'],
  ])('rejects bad input with 400 naming the field (%#), writing nothing', async (body, path, code) => {
    const { incident } = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    const res = await correct(demo.keys.call_taker, incident.id, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toContainEqual(expect.objectContaining({ path, code }));
    const after = await app.inject({
      url: `/v1/incidents/${incident.id}`,
      headers: bearer(demo.keys.dispatcher),
    });
    expect(after.json().seq).toBe(incident.seq);
  });

  it('returns the first answer to a retry with the same Idempotency-Key, appending one event', async () => {
    const { incident } = await report(demo.keys.call_taker, { point: SIDOARJO_TOWN });
    const headers = { 'idempotency-key': 'move-once' };
    const a = await correct(demo.keys.call_taker, incident.id, { point: tarik }, headers);
    const b = await correct(demo.keys.call_taker, incident.id, { point: tarik }, headers);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json()).toEqual(a.json());
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE incident_id = $1 AND type = 'incident.location_updated'`,
      [incident.id],
    );
    expect(rows[0]!.n).toBe(1);
  });
});

describe('POST /v1/calls/{id}/location', () => {
  async function logCall(key: string, channel = 'phone') {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(key),
      payload: { channel, callerNumber: '081322223333' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().call.id as string;
  }

  it('keeps the location on the call, and an incident from that call inherits it', async () => {
    const callId = await logCall(demo.keys.call_taker);
    const set = await app.inject({
      method: 'POST',
      url: `/v1/calls/${callId}/location`,
      headers: bearer(demo.keys.call_taker),
      payload: { point: tarik, accuracyM: 800 },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().location).toMatchObject({ point: tarik, accuracyM: 800, source: 'network' });

    const { incident, geocoding, recommendation } = await report(demo.keys.call_taker, {}, { callId });
    expect(incident.location).toMatchObject({
      point: tarik,
      source: 'network',
      accuracyM: 800,
      kecamatanCode: '35.15.01',
      status: 'located',
    });
    expect(geocoding.outcome).toBe('from_call');
    expect(recommendation).not.toBeNull();

    // A point sent with the incident wins over the call's.
    const callId2 = await logCall(demo.keys.call_taker);
    await app.inject({
      method: 'POST',
      url: `/v1/calls/${callId2}/location`,
      headers: bearer(demo.keys.call_taker),
      payload: { point: tarik, source: 'aml' },
    });
    const own = await report(
      demo.keys.call_taker,
      { point: SIDOARJO_TOWN, source: 'device_gps' },
      { callId: callId2 },
    );
    expect(own.incident.location).toMatchObject({ point: SIDOARJO_TOWN, source: 'device_gps' });
    expect(own.geocoding).toBeNull();

    const { rows } = await t.db.query<{ payload: { from: unknown; to: { source: string } } }>(
      `SELECT payload FROM events WHERE call_id = $1 AND type = 'call.location_updated'`,
      [callId],
    );
    expect(rows[0]!.payload).toMatchObject({ from: null, to: { source: 'network', point: tarik } });
  });

  it('lets an integrator set it only on calls it logged', async () => {
    const mine = await logCall(demo.keys.integrator, 'app');
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/calls/${mine}/location`,
      headers: bearer(demo.keys.integrator),
      payload: { point: tarik, source: 'device_gps' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const theirs = await logCall(demo.keys.call_taker);
    const refused = await app.inject({
      method: 'POST',
      url: `/v1/calls/${theirs}/location`,
      headers: bearer(demo.keys.integrator),
      payload: { point: tarik },
    });
    expect(refused.statusCode).toBe(404);
    const viewer = await app.inject({
      method: 'POST',
      url: `/v1/calls/${theirs}/location`,
      headers: bearer(demo.keys.viewer),
      payload: { point: tarik },
    });
    expect(viewer.statusCode).toBe(403);
    const bad = await app.inject({
      method: 'POST',
      url: `/v1/calls/${theirs}/location`,
      headers: bearer(demo.keys.call_taker),
      payload: { point: tarik, source: 'geocoded' },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('the trail', () => {
  it('rebuilds every location from the events: sigap verify finds no mismatch', async () => {
    const { incidents, mismatches } = await verifyTrails(t.db);
    expect(incidents).toBeGreaterThan(10);
    expect(mismatches).toEqual([]);
  });
});
