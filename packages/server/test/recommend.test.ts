import type { FastifyInstance } from 'fastify';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recommendUnits } from '../src/dispatch/recommend.js';
import { nearestUnits } from '../src/dispatch/sql.js';
import { osrmTable } from '../src/dispatch/travel-time/osrm.js';
import { straightLine } from '../src/dispatch/travel-time/straight-line.js';
import { validatedTravelTime } from '../src/dispatch/travel-time/validated.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;

// Sidoarjo town centre (Kecamatan Sidoarjo), near Pos Damkar Sidoarjo Kota (112.726,-7.447).
const TOWN = { lon: 112.7205, lat: -7.4478 };

// OSRM is outside the project: mocked with msw.
const osrm = setupServer();

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db);
  osrm.listen({ onUnhandledRequest: 'bypass' });
});
afterEach(() => osrm.resetHandlers());
afterAll(async () => {
  osrm.close();
  await app?.close();
  await t?.destroy();
});

async function report(category: string, point = TOWN, extra: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(demo.keys.call_taker),
    payload: { category, description: 'uji', location: { point }, ...extra },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function setStatus(
  agencyType: string,
  status: 'available' | 'busy',
  freeInMinutes?: (i: number) => number,
) {
  const { rows } = await t.db.query<{ id: string }>(
    `SELECT u.id FROM units u JOIN agencies g ON g.id = u.agency_id WHERE g.type = $1 ORDER BY u.code`,
    [agencyType],
  );
  for (const [i, { id }] of rows.entries()) {
    await t.db.query(
      `UPDATE units SET status = $2, expected_free_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(mins => $3) END WHERE id = $1`,
      [id, status, freeInMinutes ? freeInMinutes(i) : null],
    );
  }
}

describe('recommendation at intake', () => {
  it('proposes the nearest available Damkar units for a fire, nearest first, with an ETA and a reason', async () => {
    const { recommendation } = await report('fire');
    expect(recommendation.noUnitAvailable).toBe(false);
    expect(recommendation.needs).toHaveLength(1);
    const [need] = recommendation.needs;
    expect(need.agencyType).toBe('DAMKAR');
    expect(need.candidates.length).toBeGreaterThan(1);
    expect(need.candidates[0]).toMatchObject({
      unitCode: 'DAMKAR-SDA-01',
      unitStatus: 'available',
      agencyCode: 'DAMKAR-SDA',
    });
    const distances = need.candidates.map((c: { distanceM: number }) => c.distanceM);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    expect(need.candidates[0].distanceM).toBeLessThan(1000);
    expect(need.candidates[0].etaSeconds).toBeGreaterThan(0);
    expect(need.candidates[0].reason).toMatch(/nearest available DAMKAR unit; 0\.\d km away/);
  });

  it('asks for every agency type a traffic accident needs', async () => {
    const { recommendation } = await report('traffic_accident');
    expect(recommendation.needs.map((n: { agencyType: string }) => n.agencyType)).toEqual([
      'PSC119',
      'POLRI',
    ]);
  });

  it('respects service areas: a Polsek is proposed only inside its own kecamatan', async () => {
    const { recommendation, incident } = await report('crime');
    expect(incident.location.kecamatanCode).toBe('35.15.08');
    const codes: string[] = recommendation.needs[0].candidates.map((c: { unitCode: string }) => c.unitCode);
    const { rows } = await t.db.query<{ code: string; covers: boolean }>(
      `SELECT code, ST_Covers(service_area, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS covers
         FROM units WHERE code = ANY($3::text[])`,
      [TOWN.lon, TOWN.lat, codes],
    );
    for (const row of rows) expect(row.covers === null || row.covers === true, row.code).toBe(true);
    // ...and at least one nearer Polsek of another kecamatan exists that was left out.
    const { rows: excluded } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM units u JOIN agencies g ON g.id = u.agency_id
        WHERE g.type = 'POLRI' AND u.service_area IS NOT NULL
          AND NOT ST_Covers(u.service_area, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)`,
      [TOWN.lon, TOWN.lat],
    );
    expect(excluded[0]!.n).toBeGreaterThan(0);
  });

  it('falls back to the next agency type when the first has no unit free', async () => {
    await setStatus('PSC119', 'busy');
    try {
      const { recommendation } = await report('medical');
      expect(recommendation.needs[0]).toMatchObject({ agencyType: 'RSUD', fallbackFor: ['PSC119'] });
      expect(recommendation.noUnitAvailable).toBe(false);
      expect(recommendation.needs[0].candidates[0].reason).toMatch(/standing in for PSC119/);
    } finally {
      await setStatus('PSC119', 'available');
    }
  });

  it('offers busy units by expected free time and flags noUnitAvailable when nobody can go', async () => {
    await setStatus('DAMKAR', 'busy', (i) => 60 - i * 5);
    // The fire plan's rescue slot could be filled by BPBD's rescue team: busy as well.
    await setStatus('BPBD', 'busy');
    try {
      const { recommendation, incident } = await report('fire');
      expect(recommendation.noUnitAvailable).toBe(true);
      expect(incident.noUnitAvailable).toBe(true);
      const frees = recommendation.needs[0].candidates.map((c: { expectedFreeAt: string }) =>
        Date.parse(c.expectedFreeAt),
      );
      expect([...frees].sort((a, b) => a - b)).toEqual(frees);
      expect(recommendation.needs[0].candidates[0].unitStatus).toBe('busy');
      const accept = await app.inject({
        method: 'POST',
        url: `/v1/incidents/${incident.id}/dispatch`,
        headers: bearer(demo.keys.dispatcher),
        payload: { acceptRecommendation: true },
      });
      expect(accept.statusCode).toBe(409);
      expect(accept.json().message).toContain('unfilled: 2 fire_engine, 1 rescue');
    } finally {
      await setStatus('BPBD', 'available');
      await setStatus('DAMKAR', 'available');
    }
  });
});

describe('dispatching the recommendation', () => {
  it('sends the units the response plan chose (a traffic accident: an ambulance and a patrol car)', async () => {
    const { incident, recommendation } = await report('traffic_accident');
    const res = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${incident.id}/dispatch`,
      headers: bearer(demo.keys.dispatcher),
      payload: { acceptRecommendation: true },
    });
    expect(res.statusCode).toBe(200);
    const sent = res
      .json()
      .assignments.map((a: { unitId: string }) => a.unitId)
      .sort();
    const chosen = recommendation.plan.slots
      .flatMap((s: { chosen: { unitId: string }[] }) => s.chosen.map((c) => c.unitId))
      .sort();
    expect(chosen).toHaveLength(2);
    expect(sent).toEqual(chosen);
    expect(res.json().status).toBe('dispatched');
  });

  it('auto-dispatches P1 incidents when the tenant asks for it', async () => {
    await t.db.query(
      `UPDATE tenants SET settings = settings || '{"autoDispatchP1": true}'::jsonb WHERE id = $1`,
      [demo.tenantId],
    );
    try {
      const { incident } = await report('fire');
      expect(incident.status).toBe('dispatched');
      // The fire plan: two fire engines and a rescue team.
      expect(incident.assignments).toHaveLength(3);
      const p3 = await report('street_light');
      expect(p3.incident.status).toBe('verified');
    } finally {
      await t.db.query(`UPDATE tenants SET settings = settings - 'autoDispatchP1' WHERE id = $1`, [
        demo.tenantId,
      ]);
    }
  });

  it('refuses to recommend for an incident without a point', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: { category: 'fire', description: 'uji', location: { address: 'Jl. Mawar' } },
    });
    expect(res.json().recommendation).toBeNull();
    const rec = await app.inject({
      url: `/v1/incidents/${res.json().incident.id}/recommendations`,
      headers: bearer(demo.keys.dispatcher),
    });
    expect(rec.statusCode).toBe(409);
  });
});

describe('nearest-unit query', () => {
  it('uses the GiST index on unit locations (KNN)', async () => {
    // Enough units for the planner to prefer the index.
    await t.db.query(
      `INSERT INTO units (tenant_id, agency_id, code, name, kind, location)
       SELECT '35.15', $1, 'BULK-' || i, 'Unit ' || i, 'fire_engine',
              ST_SetSRID(ST_MakePoint(112.5 + (i % 100) * 0.004, -7.6 + (i / 100) * 0.004), 4326)::geography
         FROM generate_series(1, 5000) AS i`,
      [demo.agencies['DAMKAR-SDA']],
    );
    await t.db.exec('ANALYZE units; ANALYZE agencies');
    try {
      const q = nearestUnits(demo.tenantId, TOWN.lon, TOWN.lat, 'DAMKAR', 'available', 5);
      const { rows } = await t.db.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${q.text}`, q.values);
      expect(JSON.stringify(rows[0])).toContain('units_location_gist');
    } finally {
      await t.db.query(`DELETE FROM units WHERE code LIKE 'BULK-%'`);
    }
  });
});

describe('travel time from OSRM', () => {
  const OSRM = 'http://osrm.test';

  it('reorders candidates by road travel time', async () => {
    let requested = '';
    osrm.use(
      http.get(`${OSRM}/table/v1/driving/*`, ({ request }) => {
        requested = request.url;
        const n = new URL(request.url).searchParams.get('sources')!.split(';').length;
        // The farthest unit by straight line is the fastest by road (a toll road, say).
        return HttpResponse.json({
          code: 'Ok',
          durations: Array.from({ length: n }, (_, i) => [1000 - i * 100]),
        });
      }),
    );
    const { incident } = await report('fire');
    const straight = await recommendUnits(
      t.db,
      demo.tenantId,
      { id: incident.id, category: 'fire', point: TOWN },
      straightLine,
    );
    const routed = await recommendUnits(
      t.db,
      demo.tenantId,
      { id: incident.id, category: 'fire', point: TOWN },
      osrmTable(OSRM, 1000),
    );
    expect(routed.travelTime).toBe('osrm');
    expect(requested).toContain('/table/v1/driving/');
    expect(requested).toContain(`${TOWN.lon.toFixed(6)},${TOWN.lat.toFixed(6)}?sources=`);
    const etas = routed.needs[0]!.candidates.map((c) => c.etaSeconds!);
    expect([...etas].sort((a, b) => a - b)).toEqual(etas);
    expect(routed.needs[0]!.candidates[0]!.unitId).not.toBe(straight.needs[0]!.candidates[0]!.unitId);
  });

  it('rejects negative, non-finite and slower-than-walking durations, with a log line', async () => {
    osrm.use(
      http.get(`${OSRM}/table/v1/driving/*`, ({ request }) => {
        const n = new URL(request.url).searchParams.get('sources')!.split(';').length;
        // What a broken OSRM answered: a negative duration, one that overflows to Infinity,
        // a day for a few kilometres; the rest plausible.
        const rows = ['-1440', '1e400', '86400', ...Array.from({ length: n - 3 }, () => '600')];
        return new HttpResponse(`{"code":"Ok","durations":[${rows.map((r) => `[${r}]`).join(',')}]}`, {
          headers: { 'content-type': 'application/json' },
        });
      }),
    );
    const warnings: { obj: { reason: string; seconds: number }; msg: string }[] = [];
    const log = { warn: (obj: unknown, msg: string) => warnings.push({ obj: obj as never, msg }) };
    const { incident } = await report('fire');
    const point = { id: incident.id, category: 'fire', point: TOWN };
    const straight = await recommendUnits(t.db, demo.tenantId, point, straightLine);
    const routed = await recommendUnits(
      t.db,
      demo.tenantId,
      point,
      validatedTravelTime(osrmTable(OSRM, 1000), log),
    );
    expect(routed.travelTime).toBe('osrm');
    for (const c of routed.needs[0]!.candidates) expect(c.etaSeconds).toBeGreaterThan(0);
    // The three rejected units keep their straight-line estimate, so the nearest stays first.
    expect(routed.needs[0]!.candidates[0]!.unitId).toBe(straight.needs[0]!.candidates[0]!.unitId);
    expect(routed.needs[0]!.candidates[0]!.etaSeconds).toBe(straight.needs[0]!.candidates[0]!.etaSeconds);
    const reasons = new Set(warnings.map((w) => w.obj.reason));
    expect(reasons).toEqual(new Set(['negative', 'not a finite number', 'slower than walking']));
    expect(warnings[0]!.msg).toMatch(/straight-line/);
  });

  it('falls back to straight-line estimates when OSRM fails or is too slow', async () => {
    osrm.use(
      http.get(`${OSRM}/table/v1/driving/*`, () =>
        HttpResponse.json({ code: 'InvalidQuery' }, { status: 400 }),
      ),
    );
    const { incident } = await report('fire');
    const broken = await recommendUnits(
      t.db,
      demo.tenantId,
      { id: incident.id, category: 'fire', point: TOWN },
      osrmTable(OSRM, 1000),
    );
    expect(broken.travelTime).toBe('straight_line');
    expect(broken.needs[0]!.candidates[0]!.etaSeconds).toBeGreaterThan(0);

    osrm.use(
      http.get(`${OSRM}/table/v1/driving/*`, async () => {
        await new Promise((r) => setTimeout(r, 2000));
        return HttpResponse.json({ code: 'Ok', durations: [] });
      }),
    );
    const started = Date.now();
    const slow = await recommendUnits(
      t.db,
      demo.tenantId,
      { id: incident.id, category: 'fire', point: TOWN },
      osrmTable(OSRM, 200),
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(slow.travelTime).toBe('straight_line');
  });
});
