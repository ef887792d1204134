import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/**
 * Spatial queries must be answered through their GiST indexes, never by scanning every row.
 * A grid of 2,500 small kecamatan-like squares is enough for the planner to prefer the index
 * on both backends once the table is analysed.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.query(
    `INSERT INTO tenants (id, name, time_zone, number_prefix) VALUES ('99.01', 'Kabupaten Uji', 'Asia/Jakarta', 'UJI')`,
  );
  await t.db.query(
    `INSERT INTO areas (tenant_id, code, level, name, parent_code, boundary, point)
     SELECT '99.01', format('99.01.%s.%s', lpad(x::text, 2, '0'), lpad((1000 + y)::text, 4, '0')), 'desa',
            format('Desa %s-%s', x, y), '99.01',
            ST_Multi(ST_MakeEnvelope(112 + x * 0.01, -7 - (y + 1) * 0.01, 112 + (x + 1) * 0.01, -7 - y * 0.01, 4326)),
            ST_SetSRID(ST_MakePoint(112.005 + x * 0.01, -7.005 - y * 0.01), 4326)
       FROM generate_series(0, 49) AS x, generate_series(0, 49) AS y`,
  );
  await t.db.exec('ANALYZE areas');
});
afterAll(() => t?.destroy());

async function plan(sql: string, values: unknown[]): Promise<string> {
  const { rows } = await t.db.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
  return JSON.stringify(rows[0]);
}

describe(`GiST indexes`, () => {
  it('reverse geocoding (point in polygon) uses areas_boundary_gist', async () => {
    const sql = `SELECT code FROM areas
                  WHERE tenant_id = '99.01' AND ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))`;
    expect(await plan(sql, [112.255, -7.255])).toContain('areas_boundary_gist');
    const { rows } = await t.db.query<{ code: string }>(sql, [112.255, -7.255]);
    expect(rows.map((r) => r.code)).toEqual(['99.01.25.1025']);
  });

  it('nearest-neighbour ordering (<->) uses areas_point_gist', async () => {
    const sql = `SELECT code FROM areas
                  ORDER BY point <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 3`;
    expect(await plan(sql, [112.0, -7.0])).toContain('areas_point_gist');
    const { rows } = await t.db.query<{ code: string }>(sql, [112.0, -7.0]);
    expect(rows[0]?.code).toBe('99.01.00.1000');
  });
});
