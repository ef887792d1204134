import type { FastifyInstance } from 'fastify';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * Address intake: an incident reported with an address and no point is geocoded in the request.
 * Confident → the point, its source and confidence, desa/kecamatan codes and a recommendation;
 * not confident or no match → created with `needs_review`, no point, the candidates returned.
 * The external geocoder is an msw handler playing Nominatim's /search (jsonv2 array).
 */
const NOMINATIM = 'http://nominatim.test';
const server = setupServer(
  http.get(`${NOMINATIM}/search`, ({ request }) => {
    const q = new URL(request.url).searchParams.get('q') ?? '';
    if (q.includes('mojopahit')) {
      return HttpResponse.json([
        {
          lat: '-7.4452',
          lon: '112.7183',
          display_name: 'Jalan Mojopahit, Celep, Sidoarjo',
          importance: 0.4,
        },
      ]);
    }
    return HttpResponse.json([]);
  }),
);

let t: TestDatabase;
let app: FastifyInstance;
let withExternal: FastifyInstance;
let demo: SeededTenant;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db);
  withExternal = await buildTestApp(t.db, { GEOCODER: 'nominatim', GEOCODER_URL: NOMINATIM });
});
afterAll(async () => {
  server.close();
  await app?.close();
  await withExternal?.close();
  await t?.destroy();
});

const report = (address: string, key = demo.keys.call_taker, target = app) =>
  target.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(key),
    payload: { category: 'fire', description: 'Rumah terbakar', location: { address } },
  });

describe('address-only intake', () => {
  it('places the README demo address: point, kecamatan 35.15.15, desa 35.15.15.2014 and units', async () => {
    const res = await report('desa sukorejo rt 02 rw 04 kec. buduran');
    expect(res.statusCode, res.body).toBe(201);
    const { incident, recommendation, geocoding } = res.json();
    expect(incident.location).toMatchObject({
      status: 'located',
      kecamatanCode: '35.15.15',
      desaCode: '35.15.15.2014',
      desaApproximate: false,
      outsideJurisdiction: false,
      address: 'desa sukorejo rt 02 rw 04 kec. buduran',
    });
    expect(incident.location.point).toEqual({ lon: expect.any(Number), lat: expect.any(Number) });
    // Sukorejo has a name but no point in the demo gazetteer: its kecamatan's point, said so.
    expect(incident.location.source).toBe('area_centroid');
    expect(incident.location.accuracyM).toBeGreaterThan(500);
    expect(incident.location.confidence).toBeGreaterThanOrEqual(0.6);
    expect(geocoding).toMatchObject({ outcome: 'geocoded', pointFrom: 'kecamatan', threshold: 0.6 });
    expect(geocoding.candidates[0].areaCodes).toMatchObject({ desa: '35.15.15.2014', kecamatan: '35.15.15' });
    expect(recommendation.needs.length).toBeGreaterThan(0);
    expect(recommendation.needs[0].candidates.length).toBeGreaterThan(0);
    // The trail keeps what geocoding found.
    const { rows } = await t.db.query<{ payload: { geocoding: { candidates: unknown[] } } }>(
      `SELECT payload FROM events WHERE incident_id = $1 AND type = 'incident.created'`,
      [incident.id],
    );
    expect(rows[0]!.payload.geocoding.candidates.length).toBeGreaterThan(0);
  });

  it('uses a place point when the address names one, source geocoded', async () => {
    const res = await report('Ds. Geluran Kec Taman depan masjid');
    expect(res.statusCode).toBe(201);
    const { incident, geocoding } = res.json();
    expect(incident.location).toMatchObject({ status: 'located', kecamatanCode: '35.15.13' });
    expect(incident.location.desaCode).toBe('35.15.13.1015');
    expect(['geocoded', 'area_centroid']).toContain(incident.location.source);
    expect(geocoding.outcome).toBe('geocoded');
  });

  it('creates an unmatched address as needs_review, with no point and no made-up codes', async () => {
    const res = await report('xqzvw plonk brrrt');
    expect(res.statusCode, res.body).toBe(201);
    const { incident, recommendation, geocoding } = res.json();
    expect(incident.location).toMatchObject({
      status: 'needs_review',
      point: null,
      source: null,
      desaCode: null,
      kecamatanCode: null,
      confidence: null,
    });
    expect(recommendation).toBeNull();
    expect(geocoding).toMatchObject({ outcome: 'needs_review', confidence: null, candidates: [] });
  });

  it('keeps a loose match for review below the tenant threshold, candidates returned', async () => {
    const admin = await app.inject({
      method: 'PATCH',
      url: '/v1/admin/tenant',
      headers: bearer(demo.keys.admin),
      payload: { settings: { geocodeConfidenceThreshold: 1 } },
    });
    expect(admin.statusCode, admin.body).toBe(200);
    try {
      const res = await report('sukorejo');
      expect(res.statusCode).toBe(201);
      const { incident, geocoding } = res.json();
      expect(incident.location).toMatchObject({ status: 'needs_review', point: null, kecamatanCode: null });
      expect(geocoding.outcome).toBe('needs_review');
      expect(geocoding.threshold).toBe(1);
      expect(geocoding.candidates.length).toBeGreaterThan(0);
      expect(geocoding.confidence).toBeLessThan(1);
    } finally {
      await app.inject({
        method: 'PATCH',
        url: '/v1/admin/tenant',
        headers: bearer(demo.keys.admin),
        payload: { settings: { geocodeConfidenceThreshold: null } },
      });
    }
  });

  it('leaves an ambiguous name (three desa called Janti) for the call taker to choose', async () => {
    const res = await report('desa janti');
    expect(res.statusCode).toBe(201);
    const { incident, geocoding } = res.json();
    expect(incident.location).toMatchObject({ status: 'needs_review', point: null });
    expect(geocoding.outcome).toBe('needs_review');
    const kecamatan = new Set(
      geocoding.candidates.map((c: { areaCodes: { kecamatan: string } }) => c.areaCodes.kecamatan),
    );
    expect(kecamatan.size).toBeGreaterThan(1);
  });

  it('treats hostile strings as data', async () => {
    const address = `'; DROP TABLE incidents; -- <script>alert(1)</script>`;
    const res = await report(address);
    expect(res.statusCode).toBe(201);
    expect(res.json().incident.location).toMatchObject({ address, status: 'needs_review', point: null });
  });

  it('asks the external geocoder when the gazetteer has nothing, and takes its answer in the tenant', async () => {
    const res = await report('jalan mojopahit', demo.keys.call_taker, withExternal);
    expect(res.statusCode, res.body).toBe(201);
    const { incident, geocoding } = res.json();
    expect(geocoding.external).toBe('ok');
    expect(geocoding.candidates.some((c: { source: string }) => c.source === 'nominatim')).toBe(true);
    expect(geocoding.outcome).toBe('geocoded');
    expect(geocoding.candidates[0].source).toBe('nominatim');
    expect(incident.location).toMatchObject({
      point: { lon: 112.7183, lat: -7.4452 },
      source: 'geocoded',
      kecamatanCode: geocoding.candidates[0].areaCodes.kecamatan,
      confidence: geocoding.candidates[0].confidence,
    });
  });
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('desa codes from points', () => {
  it('gives a point near a desa point the approximate desa code', async () => {
    const { rows } = await t.db.query<{ code: string; parent_code: string; lon: number; lat: number }>(
      `SELECT code, parent_code, ST_X(point) AS lon, ST_Y(point) AS lat FROM areas
        WHERE tenant_id = '35.15' AND level = 'desa' AND point IS NOT NULL ORDER BY code LIMIT 1`,
    );
    const desa = rows[0]!;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: {
        category: 'fire',
        description: 'Rumah terbakar',
        location: { point: { lon: desa.lon + 0.001, lat: desa.lat }, source: 'device_gps' },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().incident.location).toMatchObject({
      desaCode: desa.code,
      kecamatanCode: desa.parent_code,
      desaApproximate: true,
    });
  });

  it('fills /v1/reports/hotspots?level=desa', async () => {
    const res = await app.inject({
      url: `/v1/reports/hotspots?level=desa&from=${day(-1)}&to=${day(2)}`,
      headers: bearer(demo.keys.dispatcher),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.stringify(res.json())).toContain('35.15.15.2014');
  });
});
