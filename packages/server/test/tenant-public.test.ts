import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;

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

describe('the tenant as maps and apps see it', () => {
  it('gives name, time zone, extent and targets to every role', async () => {
    const res = await app.inject({ url: '/v1/tenant', headers: bearer(demo.keys.viewer) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: '35.15', name: 'Kabupaten Sidoarjo', timeZone: 'Asia/Jakarta' });
    const [minLon, minLat, maxLon, maxLat] = body.bbox;
    expect(minLon).toBeGreaterThan(112.4);
    expect(maxLon).toBeLessThan(112.9);
    expect(minLat).toBeGreaterThan(-7.65);
    expect(maxLat).toBeLessThan(-7.25);
    expect(body.targets.P1.acknowledgeS).toBe(120);
    const neighbour = await app.inject({ url: '/v1/tenant', headers: bearer(other.keys.viewer) });
    expect(neighbour.json()).toMatchObject({ id: '35.78', bbox: null });
  });

  it('serves kecamatan outlines as GeoJSON for offline maps', async () => {
    const res = await app.inject({ url: '/v1/areas?level=kecamatan', headers: bearer(demo.keys.viewer) });
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(18);
    expect(fc.features[0]).toMatchObject({
      id: '35.15.01',
      properties: { code: '35.15.01', name: 'Tarik', level: 'kecamatan' },
      geometry: { type: expect.stringMatching(/^(Multi)?Polygon$/) },
    });
    const other = await app.inject({
      url: '/v1/areas?level=kecamatan',
      headers: bearer(demo.keys.integrator),
    });
    expect(other.statusCode).toBe(200);
    const bad = await app.inject({ url: '/v1/areas?level=planet', headers: bearer(demo.keys.viewer) });
    expect(bad.statusCode).toBe(400);
  });
});
