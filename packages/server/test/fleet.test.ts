import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_CODES } from '../src/fleet/defaults.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/** Unit types (built in and the tenant's own) and response plans, through the API. */
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

function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  key: string,
  payload?: unknown,
) {
  return app.inject({ method, url, headers: bearer(key), payload: payload as Record<string, unknown> });
}

const newUnit = (kind: string, code: string) => ({
  agencyId: demo.agencies['BPBD-SDA'],
  code,
  name: 'Unit uji',
  kind,
  location: { lon: 112.72, lat: -7.45 },
});

describe('unit types', () => {
  it('lists the built-in types with their capabilities', async () => {
    const res = await call('GET', '/v1/unit-types', demo.keys.dispatcher);
    expect(res.statusCode).toBe(200);
    const codes = res.json().items.map((t: { code: string }) => t.code);
    for (const code of [
      'fire_engine',
      'water_tanker',
      'rescue',
      'ambulance_bls',
      'ambulance_als',
      'patrol_car',
      'boat',
      'pju_crew',
    ])
      expect(codes).toContain(code);
    expect(res.json().items.find((t: { code: string }) => t.code === 'boat')).toEqual({
      code: 'boat',
      labelId: 'Perahu karet',
      labelEn: 'Boat',
      capabilities: ['water_rescue'],
      builtIn: true,
    });
  });

  it('the demo fleet uses only known unit types, and has the types its plans need', async () => {
    const { rows } = await t.db.query<{ kind: string }>(
      `SELECT DISTINCT kind FROM units WHERE tenant_id = $1`,
      [demo.tenantId],
    );
    const kinds = rows.map((r) => r.kind);
    expect(kinds.filter((k) => !BUILT_IN_CODES.has(k))).toEqual([]);
    for (const k of [
      'fire_engine',
      'water_tanker',
      'rescue',
      'ambulance_als',
      'ambulance_bls',
      'boat',
      'pju_crew',
    ])
      expect(kinds).toContain(k);
  });

  it('refuses a unit of an unknown type, and accepts it once the tenant adds the type', async () => {
    const refused = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit('jet_ski', 'BPBD-SDA-JS1'),
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details).toEqual([
      expect.objectContaining({ path: '/body/kind', code: 'unknown_unit_type' }),
    ]);

    const added = await call('PUT', '/v1/admin/unit-types/jet_ski', demo.keys.admin, {
      labelId: 'Jet ski',
      labelEn: 'Jet ski',
      capabilities: ['water_rescue'],
    });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({
      code: 'jet_ski',
      labelId: 'Jet ski',
      labelEn: 'Jet ski',
      capabilities: ['water_rescue'],
      builtIn: false,
    });
    const created = await call(
      'POST',
      '/v1/admin/units',
      demo.keys.admin,
      newUnit('jet_ski', 'BPBD-SDA-JS1'),
    );
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().kind).toBe('jet_ski');

    // A change of kind is checked as well.
    const patched = await call('PATCH', `/v1/admin/units/${created.json().id}`, demo.keys.admin, {
      kind: 'hovercraft',
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().details[0].path).toBe('/body/kind');

    const { rows } = await t.db.query<{ type: string }>(
      `SELECT type FROM events WHERE tenant_id = $1 AND type LIKE 'admin.unit_type%'`,
      [demo.tenantId],
    );
    expect(rows.map((r) => r.type)).toEqual(['admin.unit_type_created']);
  });

  it('keeps a tenant’s own types to itself, and built-in types cannot be changed', async () => {
    const theirs = await call('GET', '/v1/unit-types', other.keys.dispatcher);
    expect(theirs.json().items.map((t: { code: string }) => t.code)).not.toContain('jet_ski');
    const refused = await call('POST', '/v1/admin/units', other.keys.admin, {
      ...newUnit('jet_ski', 'SBY-JS1'),
      agencyId: other.agencies['DAMKAR-SBY'],
    });
    expect(refused.statusCode).toBe(400);
    const builtIn = await call('PUT', '/v1/admin/unit-types/boat', demo.keys.admin, {
      labelId: 'x',
      labelEn: 'x',
    });
    expect(builtIn.statusCode).toBe(409);
    const badCode = await call('PUT', '/v1/admin/unit-types/Jet-Ski', demo.keys.admin, {
      labelId: 'x',
      labelEn: 'x',
    });
    expect(badCode.statusCode).toBe(400);
    const notAdmin = await call('PUT', '/v1/admin/unit-types/drone', demo.keys.dispatcher, {
      labelId: 'x',
      labelEn: 'x',
    });
    expect(notAdmin.statusCode).toBe(403);
  });
});
