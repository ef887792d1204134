import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.js';
import { NO_EXTERNAL_GEOCODER } from '../src/geocoding/providers/index.js';
import { forwardGeocode } from '../src/geocoding/service.js';
import { featuresFromCsv, featuresFromGeoJson, importFile, runImport } from '../src/imports/index.js';
import { dataDir } from '../src/paths.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/** `sigap import places` and `sigap import units`: validation, upserts, idempotence, isolation. */
let t: TestDatabase;
const DEMO = `${dataDir}/demo/sidoarjo`;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoTenant(t.db);
  await seedOtherTenant(t.db);
});
afterAll(() => t?.destroy());

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });
const collection = (features: { properties: Record<string, unknown>; geometry: unknown }[]) =>
  featuresFromGeoJson(
    JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }),
  );

const PLACES = (alias = 'Pasar Wage Geluran') =>
  collection([
    /* 0 */ {
      properties: {
        id: 'p-1',
        name: 'Pasar Geluran',
        kind: 'market',
        aliases: [alias],
        desa_code: '35.15.13.1015',
      },
      geometry: point(112.688, -7.362),
    },
    /* 1: codes from the point */ {
      properties: { name: 'Musholla Al Ikhlas', kind: 'mosque' },
      geometry: point(112.7235, -7.444),
    },
    /* 2 */ {
      properties: { name: 'Jalan Raya Bebekan', kind: 'street', kecamatanCode: '35.15.13' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [112.69, -7.35],
          [112.7, -7.352],
        ],
      },
    },
    /* 3 */ {
      properties: { name: 'Pasar X', kind: 'market', kecamatan_code: '35.15.99' },
      geometry: point(112.7, -7.4),
    },
    /* 4 */ {
      properties: { name: 'Pasar Y', kind: 'market', desa_code: '35.15.13.1015', kecamatan_code: '35.15.18' },
      geometry: point(112.7, -7.4),
    },
    /* 5 */ { properties: { kind: 'market' }, geometry: point(112.7, -7.4) },
    /* 6 */ { properties: { name: 'Warung', kind: 'warung' }, geometry: point(112.7, -7.4) },
    /* 7 */ {
      properties: { name: 'Sungai', kind: 'landmark' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [112.7, -7.4],
          [112.71, -7.41],
        ],
      },
    },
    /* 8: Surabaya, no codes */ {
      properties: { name: 'Tugu Pahlawan', kind: 'landmark' },
      geometry: point(112.7378, -7.2456),
    },
    /* 9: same kind and name as 1, folded */ {
      properties: { name: 'MUSHOLLA AL IKHLAS', kind: 'mosque' },
      geometry: point(112.7235, -7.444),
    },
  ]);

describe('importing places', () => {
  it('upserts valid places, derives missing codes from the point, and rejects the rest', async () => {
    const summary = await runImport(t.db, 'places', '35.15', PLACES(), { source: 'test' });
    expect(summary).toMatchObject({ inserted: 3, updated: 0, unchanged: 0, rejected: 7 });
    const reasons = Object.fromEntries(summary.rejections.map((r) => [r.index, r.reason]));
    expect(reasons).toEqual({
      3: 'unknown kecamatan code 35.15.99 (not a kecamatan of tenant 35.15)',
      4: 'desa 35.15.13.1015 is in kecamatan 35.15.13, not 35.15.18',
      5: 'has no name',
      6: expect.stringMatching(/^kind "warung" is not one of landmark, market, /),
      7: 'geometry type LineString is not allowed here (allowed: Point)',
      8: "point is outside tenant 35.15's boundary (and no desa or kecamatan code is given)",
      9: 'mosque "musholla al ikhlas" already appeared in feature 1',
    });
    const { rows } = await t.db.query<{
      name: string;
      desa_code: string | null;
      kecamatan_code: string;
      line: boolean;
    }>(
      `SELECT name, desa_code, kecamatan_code, line IS NOT NULL AS line FROM places
        WHERE tenant_id = '35.15' AND source = 'test' ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'Jalan Raya Bebekan', desa_code: null, kecamatan_code: '35.15.13', line: true },
      // Nearest demo desa point (Sidokare) within 2 km of its point, in Kec. Sidoarjo.
      { name: 'Musholla Al Ikhlas', desa_code: '35.15.08.1004', kecamatan_code: '35.15.08', line: false },
      { name: 'Pasar Geluran', desa_code: '35.15.13.1015', kecamatan_code: '35.15.13', line: false },
    ]);
  });

  it('changes nothing on re-import, updates what changed, and the geocoder finds the new alias', async () => {
    expect(await runImport(t.db, 'places', '35.15', PLACES(), { source: 'test' })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 3,
    });
    expect(
      await runImport(t.db, 'places', '35.15', PLACES('Pasar Krempyeng Geluran'), { source: 'test' }),
    ).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 2,
    });
    const found = await forwardGeocode(t.db, '35.15', 'psr krempyeng geluran', 1, NO_EXTERNAL_GEOCODER);
    expect(found.candidates[0]).toMatchObject({
      label: 'Pasar Geluran (Geluran, Kec. Taman)',
      matched: 'place',
    });
    // The demo file, loaded at seeding, is unchanged by a re-import under the same source.
    const demo = await importFile(t.db, 'places', '35.15', `${DEMO}/places.geojson`, { source: 'demo' });
    expect(demo).toMatchObject({ inserted: 0, updated: 0, unchanged: 100, rejected: 0 });
  });

  it('reads places from CSV, with aliases separated by |', async () => {
    const csv = featuresFromCsv(
      'name;kind;aliases;lon;lat;desa_code\n"Balai Desa Bohar";office;Kantor Desa Bohar|Balai Bohar;112,672;-7,368;35.15.13.2001\n',
    );
    expect(await runImport(t.db, 'places', '35.15', csv, { source: 'csv' })).toMatchObject({ inserted: 1 });
    const found = await forwardGeocode(t.db, '35.15', 'kantor desa bohar', 1, NO_EXTERNAL_GEOCODER);
    expect(found.candidates[0]?.areaCodes.desa).toBe('35.15.13.2001');
  });

  it("keeps tenants apart: another tenant can neither use the demo's codes nor see its places", async () => {
    const summary = await runImport(t.db, 'places', '35.78', PLACES(), { source: 'test' });
    expect(summary.rejections.find((r) => r.index === 0)?.reason).toBe(
      'unknown desa code 35.15.13.1015 (not a desa of tenant 35.78)',
    );
    const count = await withTenant(t.db, '35.78', (tx) =>
      tx.query<{ n: number }>('SELECT count(*)::int AS n FROM places'),
    );
    // Surabaya has no areas, so only the places without codes came in (nothing can place them outside it).
    expect(count.rows[0]!.n).toBe(summary.inserted);
    const demoSeen = await withTenant(t.db, '35.78', (tx) =>
      tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM places WHERE tenant_id = '35.15'`),
    );
    expect(demoSeen.rows[0]!.n).toBe(0);
  });
});

describe('importing units', () => {
  const UNITS = (name = 'Pos Damkar Taman') =>
    collection([
      /* 0 */ {
        properties: {
          code: 'DAMKAR-SDA-TMN',
          name,
          kind: 'fire_engine',
          agency: 'DAMKAR-SDA',
          serviceAreaKecamatan: ['35.15.13', '35.15.18'],
        },
        geometry: point(112.69, -7.355),
      },
      /* 1 */ {
        properties: { code: 'PSC-TMN', name: 'Ambulans Taman', kind: 'ambulance', agencyType: 'psc119' },
        geometry: point(112.69, -7.356),
      },
      /* 2 */ {
        properties: { code: 'X-1', name: 'X', kind: 'fire_engine', agency: 'NOPE' },
        geometry: point(112.69, -7.356),
      },
      /* 3 */ {
        properties: {
          code: 'X-2',
          name: 'X',
          kind: 'fire_engine',
          agencyType: 'DAMKAR',
          serviceAreaKecamatan: '35.15.77',
        },
        geometry: point(112.69, -7.356),
      },
      /* 4 */ {
        properties: { code: 'bad code!', name: 'X', kind: 'fire_engine', agencyType: 'DAMKAR' },
        geometry: point(112.69, -7.356),
      },
      /* 5 */ {
        properties: { code: 'X-3', name: 'X', kind: 'fire_engine', agencyType: 'DAMKAR' },
        geometry: point(7.356, 112.69),
      },
      /* 6: a unit type neither built in nor added by the tenant */ {
        properties: { code: 'X-4', name: 'X', kind: 'hovercraft', agencyType: 'BPBD' },
        geometry: point(112.69, -7.356),
      },
    ]);

  it('upserts units by code, with agency by code or type, and records who did it', async () => {
    const summary = await runImport(t.db, 'units', '35.15', UNITS());
    expect(summary).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, rejected: 5 });
    expect(summary.rejections.map((r) => r.reason)).toEqual([
      'unknown agency code NOPE',
      'unknown kecamatan code 35.15.77 in serviceAreaKecamatan',
      'code "bad code!" may only hold letters, digits, _ . - (1-60)',
      expect.stringMatching(/outside Indonesia/),
      expect.stringMatching(/^unknown unit type "hovercraft"/),
    ]);
    const { rows } = await t.db.query<{ type: string; actor: { role: string; name: string } }>(
      `SELECT e.type, e.actor FROM events e JOIN units u ON u.id = e.unit_id WHERE u.code = 'DAMKAR-SDA-TMN'`,
    );
    expect(rows).toEqual([
      { type: 'admin.unit_created', actor: { keyId: null, role: 'system', name: 'sigap import' } },
    ]);
    const area = await t.db.query<{ ok: boolean }>(
      `SELECT ST_Covers(service_area, ST_SetSRID(ST_MakePoint(112.737, -7.356), 4326)::geography) AS ok
         FROM units WHERE tenant_id = '35.15' AND code = 'DAMKAR-SDA-TMN'`,
    );
    expect(area.rows[0]!.ok).toBe(true);
  });

  it('changes nothing on re-import (the demo fleet included) and keeps live positions unless told', async () => {
    expect(await runImport(t.db, 'units', '35.15', UNITS())).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 2,
    });
    const demo = await importFile(t.db, 'units', '35.15', `${DEMO}/units.geojson`);
    expect(demo).toMatchObject({ inserted: 0, updated: 0, unchanged: 77, rejected: 0 });
    await t.db.query(
      `UPDATE units SET location = ST_SetSRID(ST_MakePoint(112.70, -7.36), 4326)::geography WHERE code = 'PSC-TMN'`,
    );
    expect(await runImport(t.db, 'units', '35.15', UNITS('Pos Damkar Taman Baru'))).toMatchObject({
      updated: 1,
      unchanged: 1,
    });
    const where = async () =>
      (
        await t.db.query<{ lon: number }>(
          `SELECT ST_X(location::geometry) AS lon FROM units WHERE code = 'PSC-TMN'`,
        )
      ).rows[0]!.lon;
    expect(await where()).toBe(112.7);
    expect(
      await runImport(t.db, 'units', '35.15', UNITS('Pos Damkar Taman Baru'), { moveUnits: true }),
    ).toMatchObject({
      updated: 1,
    });
    expect(await where()).toBe(112.69);
  });
});
