import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenantCommand,
  defaultPrefix,
  timeZoneOfProvince,
  verifyTrails,
} from '../src/commands/tenants.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, seedDemoTenant } from './helpers/tenant.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.destroy());

describe('sigap tenants create', () => {
  it('picks the time zone of the province', () => {
    expect(timeZoneOfProvince('35')).toBe('Asia/Jakarta'); // Jawa Timur: WIB
    expect(timeZoneOfProvince('61')).toBe('Asia/Jakarta'); // Kalimantan Barat: WIB
    expect(timeZoneOfProvince('64')).toBe('Asia/Makassar'); // Kalimantan Timur: WITA
    expect(timeZoneOfProvince('51')).toBe('Asia/Makassar'); // Bali: WITA
    expect(timeZoneOfProvince('73')).toBe('Asia/Makassar'); // Sulawesi Selatan: WITA
    expect(timeZoneOfProvince('81')).toBe('Asia/Jayapura'); // Maluku: WIT
    expect(timeZoneOfProvince('94')).toBe('Asia/Jayapura'); // Papua: WIT
    expect(defaultPrefix('Kabupaten Ketapang')).toBe('KET');
    expect(defaultPrefix('Kota Pekalongan')).toBe('PEK');
  });

  it('creates a tenant with its official areas and a first admin key, once', async () => {
    const first = await createTenantCommand(t.db, '61.04');
    expect(first).toMatchObject({
      created: true,
      tenant: { id: '61.04', name: 'Kabupaten Ketapang', timeZone: 'Asia/Jakarta', numberPrefix: 'KET' },
    });
    expect(first.adminKey?.secret).toMatch(/^sgp_/);
    const { rows } = await t.db.query<{ level: string; n: number }>(
      `SELECT level, count(*)::int AS n FROM areas WHERE tenant_id = '61.04' GROUP BY level ORDER BY level`,
    );
    expect(rows.find((r) => r.level === 'kecamatan')!.n).toBeGreaterThan(10);
    const app = await buildTestApp(t.db);
    try {
      const res = await app.inject({ url: '/v1/incidents', headers: bearer(first.adminKey!.secret) });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
    const again = await createTenantCommand(t.db, '61.04');
    expect(again).toMatchObject({ created: false, adminKey: null });
    await expect(createTenantCommand(t.db, '99.99')).rejects.toThrow(/not a Kemendagri regency/);
  });
});

describe('sigap verify', () => {
  it('finds no mismatch in a healthy trail, and reports a tampered row', async () => {
    const demo = await seedDemoTenant(t.db);
    const app = await buildTestApp(t.db);
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/v1/incidents',
        headers: bearer(demo.keys.call_taker),
        payload: { category: 'fire', description: 'uji', location: { point: { lon: 112.72, lat: -7.45 } } },
      });
      const id = created.json().incident.id;
      await app.inject({
        method: 'POST',
        url: `/v1/incidents/${id}/dispatch`,
        headers: bearer(demo.keys.dispatcher),
        payload: { acceptRecommendation: true },
      });
      const healthy = await verifyTrails(t.db);
      expect(healthy.incidents).toBeGreaterThan(0);
      expect(healthy.mismatches).toEqual([]);

      // Someone changes the row behind the trail's back (as the database owner could).
      await t.db.query(`UPDATE incidents SET status = 'closed' WHERE id = $1`, [id]);
      const tampered = await verifyTrails(t.db);
      expect(tampered.mismatches).toEqual([
        expect.objectContaining({ incidentId: id, problem: 'status closed, trail says dispatched' }),
      ]);
    } finally {
      await app.close();
    }
  });
});
