import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.js';
import { unitLiveLoaders } from '../src/units/service.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/** Units: reading (with agency and tenant limits), field reports, and administration. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;
/** Demo unit ids by code. */
let unitIds: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
  const { rows } = await t.db.query<{ code: string; id: string }>(
    'SELECT code, id FROM units WHERE tenant_id = $1',
    [demo.tenantId],
  );
  unitIds = Object.fromEntries(rows.map((r) => [r.code, r.id]));
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function call(
  method: Method,
  url: string,
  key?: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { ...(key ? bearer(key) : {}), ...headers },
    payload: payload as Record<string, unknown> | undefined,
  });
}

async function unitEvents(unitId: string, type?: string) {
  const { rows } = await t.db.query<{
    type: string;
    actor: { role: string };
    payload: Record<string, unknown>;
  }>(
    `SELECT type, actor, payload FROM events WHERE tenant_id = $1 AND unit_id = $2 AND ($3::text IS NULL OR type = $3)
      ORDER BY seq`,
    [demo.tenantId, unitId, type ?? null],
  );
  return rows;
}

async function allPages(url: string, key: string): Promise<{ code: string; [k: string]: unknown }[]> {
  const items: { code: string }[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await call('GET', `${url}${cursor ? `${sep}cursor=${cursor}` : ''}`, key);
    expect(res.statusCode, res.body).toBe(200);
    items.push(...res.json().items);
    cursor = res.json().nextCursor;
  } while (cursor);
  return items;
}

/** A demo unit's id by its code. */
function idOf(code: string): string {
  const id = unitIds[code];
  if (!id) throw new Error(`no demo unit ${code}`);
  return id;
}

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('reading units', () => {
  it('lists every unit by code, in pages, with its agency', async () => {
    const units = await allPages('/v1/units?limit=20', demo.keys.dispatcher);
    const { rows } = await t.db.query<{ code: string }>(
      'SELECT code FROM units WHERE tenant_id = $1 ORDER BY code',
      [demo.tenantId],
    );
    expect(units.map((u) => u.code)).toEqual(rows.map((r) => r.code));
    expect(units.find((u) => u.code === 'DAMKAR-SDA-01')).toEqual({
      id: idOf('DAMKAR-SDA-01'),
      code: 'DAMKAR-SDA-01',
      name: 'Pos Damkar Sidoarjo Kota',
      kind: 'fire_engine',
      agencyId: demo.agencies['DAMKAR-SDA'],
      agencyCode: 'DAMKAR-SDA',
      agencyType: 'DAMKAR',
      location: { lon: 112.726, lat: -7.447 },
      hasServiceArea: false,
      status: 'available',
      expectedFreeAt: null,
      positionAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(units.find((u) => u.code === 'POLRI-SDA-PS01')!.hasServiceArea).toBe(true);
  });

  it('filters by agency, status and bounding box', async () => {
    const psc = await allPages(`/v1/units?agency=${demo.agencies['PSC119-SDA']}`, demo.keys.viewer);
    expect(psc.length).toBe(7);
    expect(psc.every((u) => u.agencyType === 'PSC119')).toBe(true);

    // Sidoarjo town centre, not Krian (112.59, -7.409) nor Porong (112.688, -7.537).
    const bbox = [112.7, -7.47, 112.75, -7.43];
    const town = await allPages(`/v1/units?bbox=${bbox.join(',')}`, demo.keys.viewer);
    const codes = town.map((u) => u.code);
    expect(codes).toContain('DAMKAR-SDA-01');
    expect(codes).toContain('PSC119-SDA-01');
    expect(codes).not.toContain('DAMKAR-SDA-03');
    expect(codes).not.toContain('DAMKAR-SDA-04');
    for (const u of town) {
      const { lon, lat } = u.location as { lon: number; lat: number };
      expect(lon >= bbox[0]! && lon <= bbox[2]! && lat >= bbox[1]! && lat <= bbox[3]!, u.code).toBe(true);
    }

    await t.db.query(`UPDATE units SET status = 'offline' WHERE id = $1`, [idOf('DAMKAR-SDA-08')]);
    const offline = await allPages('/v1/units?status=offline', demo.keys.viewer);
    expect(offline.map((u) => u.code)).toEqual(['DAMKAR-SDA-08']);
    const both = await allPages('/v1/units?status=offline&status=busy', demo.keys.viewer);
    expect(both.map((u) => u.code)).toEqual(['DAMKAR-SDA-08']);
    await t.db.query(`UPDATE units SET status = 'available' WHERE id = $1`, [idOf('DAMKAR-SDA-08')]);
  });

  it('refuses bad filters with 400', async () => {
    for (const [query, path] of [
      ['bbox=112.8,-7.4,112.7,-7.5', '/query/bbox'],
      ['bbox=1,2,3', '/query/bbox'],
      ['status=parked', '/query/status/0'],
      ['agency=not-a-uuid', '/query/agency'],
      ['limit=0', '/query/limit'],
      ['cursor=abc', '/query/cursor'],
    ] as const) {
      const res = await call('GET', `/v1/units?${query}`, demo.keys.dispatcher);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().details[0].path, query).toBe(path);
    }
  });

  it('reads one unit; 404 for an unknown id', async () => {
    const res = await call('GET', `/v1/units/${idOf('PSC119-SDA-01')}`, demo.keys.call_taker);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: 'PSC119-SDA-01', agencyCode: 'PSC119-SDA' });
    expect(
      (await call('GET', '/v1/units/00000000-0000-4000-8000-000000000000', demo.keys.admin)).statusCode,
    ).toBe(404);
  });
});

describe('who may do what', () => {
  it('answers 401 without a key, 403 to integrators, and lets staff read', async () => {
    const unit = idOf('DAMKAR-SDA-01');
    expect((await call('GET', '/v1/units')).statusCode).toBe(401);
    expect(
      (await call('POST', `/v1/units/${unit}/position`, undefined, { lon: 112.7, lat: -7.4 })).statusCode,
    ).toBe(401);
    expect((await call('GET', '/v1/units', demo.keys.integrator)).statusCode).toBe(403);
    expect((await call('GET', `/v1/units/${unit}`, demo.keys.integrator)).statusCode).toBe(403);
    for (const role of ['call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const) {
      expect((await call('GET', `/v1/units/${unit}`, demo.keys[role])).statusCode, role).toBe(200);
    }
  });

  it('lets only agencies and dispatchers report positions and statuses', async () => {
    const unit = idOf('DAMKAR-SDA-02');
    for (const role of ['integrator', 'call_taker', 'viewer', 'admin'] as const) {
      const pos = await call('POST', `/v1/units/${unit}/position`, demo.keys[role], {
        lon: 112.7,
        lat: -7.4,
      });
      expect(pos.statusCode, role).toBe(403);
      const status = await call('POST', `/v1/units/${unit}/status`, demo.keys[role], { status: 'busy' });
      expect(status.statusCode, role).toBe(403);
    }
    const admin = await call('POST', '/v1/admin/units', demo.keys.dispatcher, {});
    expect(admin.statusCode).toBe(403);
  });

  it("limits agency keys to their own agency's units", async () => {
    const mine = await allPages('/v1/units', demo.keys.agency);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM units WHERE tenant_id = $1 AND agency_id = $2`,
      [demo.tenantId, demo.agencies['DAMKAR-SDA']],
    );
    expect(mine.length).toBe(rows[0]!.n);
    expect(mine.every((u) => u.agencyCode === 'DAMKAR-SDA')).toBe(true);
    // Asking for another agency's units gives nothing rather than them.
    expect((await allPages(`/v1/units?agency=${demo.agencies['PSC119-SDA']}`, demo.keys.agency)).length).toBe(
      0,
    );

    const psc = idOf('PSC119-SDA-01');
    expect((await call('GET', `/v1/units/${psc}`, demo.keys.agency)).statusCode).toBe(404);
    const pos = await call('POST', `/v1/units/${psc}/position`, demo.keys.agency, { lon: 112.7, lat: -7.4 });
    expect(pos.statusCode).toBe(404);
    const status = await call('POST', `/v1/units/${psc}/status`, demo.keys.agency, { status: 'offline' });
    expect(status.statusCode).toBe(404);
    expect((await call('GET', `/v1/units/${psc}`, demo.keys.dispatcher)).json()).toMatchObject({
      status: 'available',
      location: { lon: 112.713, lat: -7.452 },
    });
    expect(await unitEvents(psc)).toEqual([]);

    const own = await call('POST', `/v1/units/${idOf('DAMKAR-SDA-03')}/position`, demo.keys.agency, {
      lon: 112.6,
      lat: -7.41,
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().applied).toBe(true);
  });

  it("shows another tenant's keys nothing of the demo tenant's units", async () => {
    const unit = idOf('DAMKAR-SDA-01');
    expect((await call('GET', '/v1/units', other.keys.dispatcher)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await call('GET', `/v1/units/${unit}`, other.keys.admin)).statusCode).toBe(404);
    expect((await call('GET', `/v1/admin/units/${unit}`, other.keys.admin)).statusCode).toBe(404);
    const pos = await call('POST', `/v1/units/${unit}/position`, other.keys.dispatcher, {
      lon: 112.75,
      lat: -7.25,
    });
    expect(pos.statusCode).toBe(404);
    const status = await call('POST', `/v1/units/${unit}/status`, other.keys.agency, { status: 'offline' });
    expect(status.statusCode).toBe(404);
    const patch = await call('PATCH', `/v1/admin/units/${unit}`, other.keys.admin, { name: 'taken' });
    expect(patch.statusCode).toBe(404);
    const del = await call('DELETE', `/v1/admin/units/${unit}`, other.keys.admin);
    expect(del.statusCode).toBe(404);
    expect((await call('GET', `/v1/units/${unit}`, demo.keys.viewer)).json()).toMatchObject({
      name: 'Pos Damkar Sidoarjo Kota',
      status: 'available',
      location: { lon: 112.726, lat: -7.447 },
    });
  });
});

describe('position reports', () => {
  it('moves the unit and appends unit.position in the same transaction', async () => {
    const unit = idOf('PSC119-SDA-02');
    const at = iso(-1000);
    const res = await call('POST', `/v1/units/${unit}/position`, demo.keys.dispatcher, {
      lon: 112.6,
      lat: -7.42,
      accuracyM: 12.5,
      at,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      applied: true,
      unit: { id: unit, location: { lon: 112.6, lat: -7.42 }, positionAt: at },
    });
    const trail = await unitEvents(unit, 'unit.position');
    expect(trail).toHaveLength(1);
    expect(trail[0]!.payload).toEqual({ lon: 112.6, lat: -7.42, accuracyM: 12.5, at });
    expect(trail[0]!.actor.role).toBe('dispatcher');
  });

  it('ignores a report older than the stored position: no move, no event', async () => {
    const unit = idOf('PSC119-SDA-02');
    const before = (await call('GET', `/v1/units/${unit}`, demo.keys.viewer)).json();
    const stale = await call('POST', `/v1/units/${unit}/position`, demo.keys.agencyPsc, {
      lon: 112.5,
      lat: -7.5,
      at: iso(-60_000),
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.json().applied).toBe(false);
    expect(stale.json().unit).toEqual(before);
    expect((await call('GET', `/v1/units/${unit}`, demo.keys.viewer)).json()).toEqual(before);
    expect(await unitEvents(unit, 'unit.position')).toHaveLength(1);

    // A newer one (or one without a time: now) moves it again.
    const fresh = await call('POST', `/v1/units/${unit}/position`, demo.keys.agencyPsc, {
      lon: 112.61,
      lat: -7.43,
    });
    expect(fresh.json()).toMatchObject({ applied: true, unit: { location: { lon: 112.61, lat: -7.43 } } });
    expect(Date.parse(fresh.json().unit.positionAt)).toBeGreaterThan(Date.parse(before.positionAt));
    expect(await unitEvents(unit, 'unit.position')).toHaveLength(2);
  });

  it('refuses impossible reports with 400', async () => {
    const unit = idOf('PSC119-SDA-02');
    for (const [payload, path] of [
      [{ lon: 112.6, lat: -95 }, '/body/lat'],
      [{ lon: 181, lat: -7 }, '/body/lon'],
      [{ lon: '112.6', lat: -7 }, '/body/lon'],
      [{ lon: 112.6, lat: -7, accuracyM: -1 }, '/body/accuracyM'],
      [{ lon: 112.6, lat: -7, at: 'yesterday' }, '/body/at'],
      [{ lon: 112.6, lat: -7, at: iso(3600_000) }, '/body/at'],
      [{ lon: 112.6, lat: -7, speed: 3 }, '/body/speed'],
      [{ lat: -7 }, '/body/lon'],
    ] as const) {
      const res = await call('POST', `/v1/units/${unit}/position`, demo.keys.dispatcher, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });
});

describe('status reports', () => {
  it('sets busy with an expected free time, with unit.status_changed; a repeat changes nothing', async () => {
    const unit = idOf('DAMKAR-SDA-05');
    const until = new Date(Date.now() + 30 * 60_000).toISOString();
    const res = await call('POST', `/v1/units/${unit}/status`, demo.keys.agency, {
      status: 'busy',
      expectedFreeAt: until,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: unit, status: 'busy', expectedFreeAt: until });
    const trail = await unitEvents(unit, 'unit.status_changed');
    expect(trail.map((e) => e.payload)).toEqual([{ from: 'available', to: 'busy', expectedFreeAt: until }]);
    expect(trail[0]!.actor.role).toBe('agency');

    const again = await call('POST', `/v1/units/${unit}/status`, demo.keys.agency, {
      status: 'busy',
      expectedFreeAt: until,
    });
    expect(again.statusCode).toBe(200);
    expect(await unitEvents(unit, 'unit.status_changed')).toHaveLength(1);

    const free = await call('POST', `/v1/units/${unit}/status`, demo.keys.dispatcher, {
      status: 'available',
    });
    expect(free.json()).toMatchObject({ status: 'available', expectedFreeAt: null });
    expect((await unitEvents(unit, 'unit.status_changed')).map((e) => e.payload.to)).toEqual([
      'busy',
      'available',
    ]);
  });

  it('replays an idempotent retry instead of applying it twice', async () => {
    const unit = idOf('DAMKAR-SDA-06');
    const headers = { 'idempotency-key': 'status-retry-1' };
    const first = await call(
      'POST',
      `/v1/units/${unit}/status`,
      demo.keys.dispatcher,
      { status: 'offline' },
      headers,
    );
    const retry = await call(
      'POST',
      `/v1/units/${unit}/status`,
      demo.keys.dispatcher,
      { status: 'offline' },
      headers,
    );
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await unitEvents(unit, 'unit.status_changed')).toHaveLength(1);
  });

  it('refuses bad statuses with 400', async () => {
    const unit = idOf('DAMKAR-SDA-06');
    for (const [payload, path] of [
      [{ status: 'parked' }, '/body/status'],
      [{ status: 'available', expectedFreeAt: iso(600_000) }, '/body/expectedFreeAt'],
      [{ status: 'busy', expectedFreeAt: iso(-3600_000) }, '/body/expectedFreeAt'],
      [{ status: 'busy', expectedFreeAt: iso(90 * 24 * 3600_000) }, '/body/expectedFreeAt'],
      [{ status: 'busy', expectedFreeAt: 'soon' }, '/body/expectedFreeAt'],
    ] as const) {
      const res = await call('POST', `/v1/units/${unit}/status`, demo.keys.dispatcher, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });
});

describe('administration', () => {
  // A square around Sidoarjo town, and a bow-tie (self-intersecting) one.
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [112.7, -7.47],
        [112.75, -7.47],
        [112.75, -7.43],
        [112.7, -7.43],
        [112.7, -7.47],
      ],
    ],
  };
  const bowTie = {
    type: 'Polygon',
    coordinates: [
      [
        [112.7, -7.47],
        [112.75, -7.43],
        [112.75, -7.47],
        [112.7, -7.43],
        [112.7, -7.47],
      ],
    ],
  };
  const newUnit = (extra: Record<string, unknown> = {}) => ({
    agencyId: demo.agencies['BPBD-SDA'],
    code: 'BPBD-SDA-09',
    name: 'Perahu karet BPBD',
    kind: 'boat',
    location: { lon: 112.72, lat: -7.45 },
    ...extra,
  });

  it('creates a unit with a service area, readable with its geometry', async () => {
    const res = await call('POST', '/v1/admin/units', demo.keys.admin, newUnit({ serviceArea: square }));
    expect(res.statusCode, res.body).toBe(201);
    const unit = res.json();
    expect(unit).toMatchObject({
      code: 'BPBD-SDA-09',
      agencyCode: 'BPBD-SDA',
      agencyType: 'BPBD',
      location: { lon: 112.72, lat: -7.45 },
      hasServiceArea: true,
      status: 'available',
      serviceArea: { type: 'MultiPolygon', coordinates: [square.coordinates] },
    });
    expect((await call('GET', `/v1/admin/units/${unit.id}`, demo.keys.admin)).json()).toEqual(unit);
    const { serviceArea: _, ...plain } = unit;
    expect((await call('GET', `/v1/units/${unit.id}`, demo.keys.viewer)).json()).toEqual(plain);
    const trail = await unitEvents(unit.id, 'admin.unit_created');
    expect(trail[0]!.payload).toMatchObject({ code: 'BPBD-SDA-09', hasServiceArea: true });
    // The service area works in PostGIS: the unit covers the town centre, not Krian.
    const { rows } = await t.db.query<{ town: boolean; krian: boolean }>(
      `SELECT ST_Covers(service_area, ST_SetSRID(ST_MakePoint(112.72, -7.45), 4326)::geography) AS town,
              ST_Covers(service_area, ST_SetSRID(ST_MakePoint(112.59, -7.409), 4326)::geography) AS krian
         FROM units WHERE id = $1`,
      [unit.id],
    );
    expect(rows[0]).toEqual({ town: true, krian: false });
  });

  it("refuses an invalid service area with PostGIS's reason", async () => {
    const res = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit({ code: 'X-1', serviceArea: bowTie }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([
      {
        path: '/body/serviceArea',
        code: 'invalid_geometry',
        message: expect.stringMatching(/^Self-intersection/),
      },
    ]);

    const open = {
      type: 'Polygon',
      coordinates: [square.coordinates[0]!.slice(0, 4).concat([[112.71, -7.46]])],
    };
    const unclosed = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit({ code: 'X-1', serviceArea: open }),
    );
    expect(unclosed.statusCode).toBe(400);
    expect(unclosed.json().details[0]).toMatchObject({
      path: '/body/serviceArea/coordinates/0',
      code: 'ring_not_closed',
    });

    const far = {
      type: 'MultiPolygon',
      coordinates: [
        square.coordinates,
        [
          [
            [0, 0],
            [190, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      ],
    };
    const range = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit({ code: 'X-1', serviceArea: far }),
    );
    expect(range.statusCode).toBe(400);
    expect(range.json().details[0]).toMatchObject({
      path: '/body/serviceArea/coordinates/1/0/1',
      code: 'range',
    });

    for (const serviceArea of [
      { type: 'Point', coordinates: [112.7, -7.4] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [112.7, -7.4],
            [112.8, -7.4],
            [112.7, -7.4],
          ],
        ],
      },
      { type: 'Polygon', coordinates: [] },
    ]) {
      const bad = await call(
        'POST',
        '/v1/admin/units',
        demo.keys.admin,
        newUnit({ code: 'X-1', serviceArea }),
      );
      expect(bad.statusCode, JSON.stringify(serviceArea)).toBe(400);
    }
    expect((await allPages('/v1/units', demo.keys.admin)).map((u) => u.code)).not.toContain('X-1');
  });

  it('accepts a detailed service area beyond the 64 kB report limit, and 3D coordinates', async () => {
    // A 4,000-vertex circle (about 150 kB of JSON), with altitudes that are dropped.
    const ring = Array.from({ length: 4000 }, (_, i) => {
      const a = (2 * Math.PI * i) / 4000;
      return [112.72 + 0.05 * Math.cos(a), -7.45 + 0.05 * Math.sin(a), 5];
    });
    ring.push(ring[0]!);
    const serviceArea = { type: 'Polygon', coordinates: [ring] };
    expect(JSON.stringify(serviceArea).length).toBeGreaterThan(100_000);
    const res = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit({ code: 'BPBD-SDA-10', serviceArea }),
    );
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.json().serviceArea.coordinates[0][0]).toHaveLength(4001);
    expect(res.json().serviceArea.coordinates[0][0][0]).toHaveLength(2);
  });

  it('refuses a duplicate code with 409 and an unknown agency with 400', async () => {
    const dup = await call('POST', '/v1/admin/units', demo.keys.admin, newUnit({ code: 'DAMKAR-SDA-01' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('SIGAP_ERR_CONFLICT');
    const agency = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit({ code: 'X-2', agencyId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(agency.statusCode).toBe(400);
    expect(agency.json().details[0]).toMatchObject({ path: '/body/agencyId', code: 'not_found' });
    for (const [payload, path] of [
      [newUnit({ code: 'has space' }), '/body/code'],
      [newUnit({ code: 'X-3', location: { lon: 112.7 } }), '/body/location/lat'],
      [newUnit({ code: 'X-3', status: 'parked' }), '/body/status'],
      [{ ...newUnit({ code: 'X-3' }), name: undefined }, '/body/name'],
    ] as const) {
      const res = await call('POST', '/v1/admin/units', demo.keys.admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it('updates a unit; a new location or status is also a unit event for the live map', async () => {
    const id = idOf('BPBD-SDA-01');
    const dup = await call('PATCH', `/v1/admin/units/${id}`, demo.keys.admin, { code: 'DAMKAR-SDA-01' });
    expect(dup.statusCode).toBe(409);
    const res = await call('PATCH', `/v1/admin/units/${id}`, demo.keys.admin, {
      name: 'Posko BPBD Sidoarjo',
      location: { lon: 112.71, lat: -7.46 },
      status: 'offline',
      serviceArea: square,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      code: 'BPBD-SDA-01',
      name: 'Posko BPBD Sidoarjo',
      location: { lon: 112.71, lat: -7.46 },
      status: 'offline',
      hasServiceArea: true,
    });
    const types = (await unitEvents(id)).map((e) => e.type);
    expect(types).toEqual(['admin.unit_updated', 'unit.position', 'unit.status_changed']);
    const [updated, position, status] = await unitEvents(id);
    expect(updated!.payload).toEqual({
      changes: {
        name: 'Posko BPBD Sidoarjo',
        location: { lon: 112.71, lat: -7.46 },
        status: 'offline',
        serviceArea: 'replaced',
      },
    });
    expect(position!.payload).toMatchObject({ lon: 112.71, lat: -7.46 });
    expect(status!.payload).toEqual({ from: 'available', to: 'offline', expectedFreeAt: null });

    const removed = await call('PATCH', `/v1/admin/units/${id}`, demo.keys.admin, { serviceArea: null });
    expect(removed.json()).toMatchObject({ hasServiceArea: false, serviceArea: null });
    const moved = await call('PATCH', `/v1/admin/units/${id}`, demo.keys.admin, {
      agencyId: demo.agencies['DAMKAR-SDA'],
    });
    expect(moved.json()).toMatchObject({ agencyCode: 'DAMKAR-SDA', agencyType: 'DAMKAR' });
    const bad = await call('PATCH', `/v1/admin/units/${id}`, demo.keys.admin, { serviceArea: bowTie });
    expect(bad.statusCode).toBe(400);
    expect((await call('PATCH', `/v1/admin/units/${id}`, demo.keys.admin, {})).statusCode).toBe(400);
  });

  it('deletes a unit never assigned; refuses (409) one in incident history', async () => {
    const created = (
      await call('POST', '/v1/admin/units', demo.keys.admin, newUnit({ code: 'TMP-01' }))
    ).json();
    const del = await call('DELETE', `/v1/admin/units/${created.id}`, demo.keys.admin);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ id: created.id, code: 'TMP-01' });
    expect((await call('GET', `/v1/units/${created.id}`, demo.keys.admin)).statusCode).toBe(404);
    expect((await unitEvents(created.id, 'admin.unit_deleted'))[0]!.payload).toMatchObject({
      code: 'TMP-01',
    });

    const incident = await call('POST', '/v1/incidents', demo.keys.call_taker, {
      category: 'fire',
      description: 'Kebakaran gudang',
      location: { point: { lon: 112.726, lat: -7.447 } },
    });
    expect(incident.statusCode).toBe(201);
    const unit = idOf('DAMKAR-SDA-07');
    const dispatch = await call(
      'POST',
      `/v1/incidents/${incident.json().incident.id}/dispatch`,
      demo.keys.dispatcher,
      {
        assignments: [{ agencyId: demo.agencies['DAMKAR-SDA'], unitId: unit }],
      },
    );
    expect(dispatch.statusCode, dispatch.body).toBe(200);
    const refused = await call('DELETE', `/v1/admin/units/${unit}`, demo.keys.admin);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('SIGAP_ERR_CONFLICT');
    expect((await call('GET', `/v1/units/${unit}`, demo.keys.admin)).statusCode).toBe(200);
  });
});

describe('live stream loaders', () => {
  it('load a unit as the API shows it, within the tenant only', async () => {
    const id = idOf('PSC119-SDA-01');
    const api = (await call('GET', `/v1/units/${id}`, demo.keys.viewer)).json();
    const view = await withTenant(t.db, demo.tenantId, (tx) => unitLiveLoaders.unit(tx, demo.tenantId, id));
    expect(view).toEqual({ full: api, masked: api, agencyId: api.agencyId, point: api.location });
    const elsewhere = await withTenant(t.db, other.tenantId, (tx) =>
      unitLiveLoaders.unit(tx, other.tenantId, id),
    );
    expect(elsewhere).toBeNull();
    const all = await withTenant(t.db, demo.tenantId, (tx) => unitLiveLoaders.units(tx, demo.tenantId));
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM units WHERE tenant_id = $1', [
      demo.tenantId,
    ]);
    expect(all.map((v) => v.full.id).sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
