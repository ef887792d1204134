import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant.js';
import { reverseGeocode } from '../src/geocoding/service.js';
import {
  featuresFromCsv,
  featuresFromGeoJson,
  formatSummary,
  importFile,
  runImport,
} from '../src/imports/index.js';
import { dataDir } from '../src/paths.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/** `sigap import areas`: boundaries for official areas, validated, repaired or rejected, idempotent. */
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoTenant(t.db);
  await seedOtherTenant(t.db);
});
afterAll(() => t?.destroy());

type Ring = [number, number][];
const square = (lon: number, lat: number, d = 0.004): Ring => [
  [lon - d, lat - d],
  [lon + d, lat - d],
  [lon + d, lat + d],
  [lon - d, lat + d],
  [lon - d, lat - d],
];
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({
  type: 'Feature',
  properties,
  geometry,
});
const polygon = (ring: Ring) => ({ type: 'Polygon', coordinates: [ring] });
const collection = (features: unknown[]) =>
  featuresFromGeoJson(JSON.stringify({ type: 'FeatureCollection', features }));

const FILE = () =>
  collection([
    /* 0 */ feature({ code: '35.15.13.1015', name: 'Geluran' }, polygon(square(112.687, -7.361))),
    /* 1: a bow tie (self-intersecting) */
    feature(
      { code: '35.15.13.1005', name: 'Kel. Taman' },
      polygon([
        [112.685, -7.355],
        [112.691, -7.351],
        [112.691, -7.355],
        [112.685, -7.351],
        [112.685, -7.355],
      ]),
    ),
    /* 2 */ feature(
      { code: '35.15.13' },
      {
        type: 'LineString',
        coordinates: [
          [112.6, -7.3],
          [112.7, -7.4],
        ],
      },
    ),
    /* 3 */ feature({ code: '35.15.99' }, polygon(square(112.6, -7.4))),
    /* 4 */ feature({ name: 'Geluran' }, polygon(square(112.6, -7.4))),
    /* 5 */ feature({ code: '35.78.01' }, polygon(square(112.75, -7.26))),
    /* 6: latitude first */ feature(
      { code: '35.15.13.1017' },
      polygon(square(-7.356, 112.705).map(([a, b]) => [a, b])),
    ),
    /* 7 */ feature({ code: '35.15.13.1017' }, polygon(square(112.705, -7.356).slice(0, 4))),
    /* 8 */ feature({ code: '35.15.13.1017', name: 'Sepanjang' }, polygon(square(112.705, -7.356))),
    /* 9 */ feature({ code: '35.15.13.1015' }, polygon(square(112.687, -7.361, 0.003))),
    /* 10 */ feature(
      { code: '35.15.13.2001', name: 'Bohar' },
      { type: 'Point', coordinates: [112.672, -7.368] },
    ),
    /* 11: zero area, cannot become a polygon */
    feature(
      { code: '35.15.13.1019' },
      polygon([
        [112.7, -7.347],
        [112.71, -7.347],
        [112.72, -7.347],
        [112.7, -7.347],
      ]),
    ),
    /* 12: no geometry */ feature({ code: '35.15.13.1019' }, null),
  ]);

describe('importing areas', () => {
  it('imports valid geometry, repairs what ST_MakeValid can, and rejects the rest with the reason', async () => {
    const summary = await runImport(t.db, 'areas', '35.15', FILE());
    expect(summary).toMatchObject({ kind: 'areas', inserted: 3, updated: 0, unchanged: 0, rejected: 10 });
    expect(summary.repaired).toEqual([{ index: 1, reason: expect.stringMatching(/^Self-intersection/) }]);
    const reasons = Object.fromEntries(summary.rejections.map((r) => [r.index, r.reason]));
    expect(reasons[2]).toMatch(
      /geometry type LineString is not allowed here \(allowed: Polygon, MultiPolygon\)/,
    );
    expect(reasons[3]).toMatch(/code 35\.15\.99 is not an official area of tenant 35\.15/);
    expect(reasons[4]).toMatch(/has no code/);
    expect(reasons[5]).toMatch(/code 35\.78\.01 is not an official area of tenant 35\.15/);
    expect(reasons[6]).toMatch(/outside Indonesia .*swapped/);
    expect(reasons[7]).toMatch(/ring\[0\] is not closed/);
    expect(reasons[8]).toMatch(/name "Sepanjang" does not match the official name "Kalijaten"/);
    expect(reasons[9]).toMatch(/code 35\.15\.13\.1015 already appeared in feature 0/);
    expect(reasons[11]).toMatch(/invalid polygon that ST_MakeValid cannot repair into a polygon: /);
    expect(reasons[12]).toMatch(/has no geometry/);
    expect(formatSummary(summary, 'areas')).toMatch(
      /feature 1: repaired \(Self-intersection.*\n[\s\S]*feature 12: rejected: has no geometry\nareas: 3 inserted, 0 updated, 0 unchanged, 10 rejected \(1 repaired\)$/,
    );
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await t.db.query(
      `SELECT code, updated_at FROM areas WHERE tenant_id = '35.15' ORDER BY code`,
    );
    const again = await runImport(t.db, 'areas', '35.15', FILE());
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, rejected: 10 });
    const after = await t.db.query(
      `SELECT code, updated_at FROM areas WHERE tenant_id = '35.15' ORDER BY code`,
    );
    expect(after.rows).toEqual(before.rows);
    // The demo's own kecamatan file, loaded at seeding, is unchanged too.
    const demo = await importFile(t.db, 'areas', '35.15', `${dataDir}/demo/sidoarjo/kecamatan.geojson`);
    expect(demo).toMatchObject({ inserted: 0, updated: 0, unchanged: 18, rejected: 0 });
  });

  it('updates a changed boundary, and reverse geocoding then uses the desa polygon', async () => {
    const changed = collection([feature({ code: '35.15.13.1015' }, polygon(square(112.687, -7.361, 0.005)))]);
    expect(await runImport(t.db, 'areas', '35.15', changed)).toMatchObject({ updated: 1 });
    const at = await withTenant(t.db, '35.15', (tx) => reverseGeocode(tx, '35.15', 112.69, -7.364));
    expect(at.desa).toEqual({ code: '35.15.13.1015', name: 'Geluran', approximate: false });
  });

  it('rejects instead of repairing with repair off, and a dry run saves nothing', async () => {
    const bowTie = collection([
      feature(
        { code: '35.15.13.1022' },
        polygon([
          [112.705, -7.345],
          [112.711, -7.341],
          [112.711, -7.345],
          [112.705, -7.341],
          [112.705, -7.345],
        ]),
      ),
    ]);
    const strict = await runImport(t.db, 'areas', '35.15', bowTie, { repair: false });
    expect(strict.rejections).toEqual([
      { index: 0, reason: expect.stringMatching(/^invalid polygon: Self-intersection/) },
    ]);
    const dry = await runImport(t.db, 'areas', '35.15', bowTie, { dryRun: true });
    expect(dry).toMatchObject({ inserted: 1, repaired: [{ index: 0 }] });
    const { rows } = await t.db.query(
      `SELECT boundary FROM areas WHERE tenant_id = '35.15' AND code = '35.15.13.1022'`,
    );
    expect(rows[0]).toEqual({ boundary: null });
  });

  it('reads desa points from CSV (either separator, decimal commas) and refuses an unknown tenant', async () => {
    const csv = featuresFromCsv(
      'code;name;lat;lon\r\n35.15.13.2002;Wage;-7,3695;112,7005\r\n35.15.13.2003;;;\r\n',
    );
    const summary = await runImport(t.db, 'areas', '35.15', csv);
    expect(summary).toMatchObject({
      inserted: 1,
      rejected: 1,
      rejections: [{ index: 1, reason: 'has no geometry' }],
    });
    await expect(runImport(t.db, 'areas', '99.99', csv)).rejects.toThrow(/there is no tenant 99\.99/);
    expect(() => featuresFromCsv('code,name\n1,a')).toThrow(/needs a lon and a lat column/);
    expect(() => featuresFromGeoJson('{"type":"Feature"}')).toThrow(/not a GeoJSON FeatureCollection/);
  });
});
