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

// Sidoarjo town centre, near Pos Damkar Sidoarjo Kota.
const TOWN = { lon: 112.7205, lat: -7.4478 };

async function report(category: string, condition: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/incidents', demo.keys.call_taker, {
    category,
    description: 'uji rencana',
    condition,
    location: { point: TOWN },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().incident.id as string;
}

/** The nearest available units of a type, by PostGIS distance: what the plan must pick. */
async function nearest(kind: string, n: number): Promise<string[]> {
  const { rows } = await t.db.query<{ code: string }>(
    `SELECT code FROM units WHERE tenant_id = $1 AND kind = $2 AND status = 'available' AND service_area IS NULL
      ORDER BY location <-> ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography LIMIT $5`,
    [demo.tenantId, kind, TOWN.lon, TOWN.lat, n],
  );
  return rows.map((r) => r.code);
}

type SlotFill = {
  unitType: string;
  count: number;
  because: string;
  alreadyAssigned: number;
  unfilled: number;
  chosen: { unitCode: string; unitKind: string; unitStatus: string }[];
  alternatives: { unitCode: string; unitKind: string }[];
};

/** Ends every open assignment and frees every unit, so each test starts from an idle fleet. */
async function idleFleet() {
  await t.db.query(
    `UPDATE assignments SET status = 'cancelled' WHERE status NOT IN ('resolved', 'declined', 'cancelled')`,
  );
  await t.db.query(`UPDATE units SET status = 'available', expected_free_at = NULL`);
}

describe('response plans', () => {
  it('fills a house fire with victims with 2 fire engines + 1 rescue + 1 ALS ambulance, nearest first', async () => {
    await idleFleet();
    const id = await report('fire', { victims: 1 });
    const res = await call('GET', `/v1/incidents/${id}/recommendations`, demo.keys.dispatcher);
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json().plan as { slots: SlotFill[]; unfilled: unknown[]; summary: string | null };
    expect(plan.summary).toBeNull();
    expect(plan.unfilled).toEqual([]);
    const byType = Object.fromEntries(plan.slots.map((s) => [s.unitType, s]));
    expect(plan.slots.map((s) => [s.unitType, s.count, s.because])).toEqual([
      ['fire_engine', 2, 'plan'],
      ['rescue', 1, 'plan'],
      ['ambulance_als', 1, 'victims >= 1'],
    ]);
    expect(byType.fire_engine!.chosen.map((c) => c.unitCode).sort()).toEqual(
      (await nearest('fire_engine', 2)).sort(),
    );
    expect(byType.rescue!.chosen.map((c) => c.unitCode)).toEqual(await nearest('rescue', 1));
    expect(byType.ambulance_als!.chosen.map((c) => c.unitCode)).toEqual(await nearest('ambulance_als', 1));
    for (const slot of plan.slots) {
      for (const c of [...slot.chosen, ...slot.alternatives]) expect(c.unitKind).toBe(slot.unitType);
    }
    // Next-nearest alternatives per slot, none of them already chosen.
    const chosenCodes = plan.slots.flatMap((s) => s.chosen.map((c) => c.unitCode));
    expect(byType.fire_engine!.alternatives.length).toBeGreaterThan(0);
    for (const alt of plan.slots.flatMap((s) => s.alternatives))
      expect(chosenCodes).not.toContain(alt.unitCode);

    // Accepting it sends those four units, two of them Damkar's, in one request.
    const sent = await call('POST', `/v1/incidents/${id}/dispatch`, demo.keys.dispatcher, {
      acceptRecommendation: true,
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const unitIds = sent.json().assignments.map((a: { unitId: string }) => a.unitId);
    const { rows } = await t.db.query<{ code: string }>('SELECT code FROM units WHERE id = ANY($1::uuid[])', [
      unitIds,
    ]);
    expect(rows.map((r) => r.code).sort()).toEqual(chosenCodes.sort());

    // The plan now counts them as sent and asks for nothing more.
    const after = (await call('GET', `/v1/incidents/${id}/recommendations`, demo.keys.dispatcher)).json();
    expect(after.plan.slots.map((s: SlotFill) => [s.alreadyAssigned, s.chosen.length])).toEqual([
      [2, 0],
      [1, 0],
      [1, 0],
    ]);
    const again = await call('POST', `/v1/incidents/${id}/dispatch`, demo.keys.dispatcher, {
      acceptRecommendation: true,
    });
    expect(again.statusCode).toBe(409);
  });

  it('says what it cannot fill instead of failing: a flood with people trapped and no boat free', async () => {
    await idleFleet();
    await t.db.query(`UPDATE units SET status = 'offline' WHERE tenant_id = $1 AND kind = 'boat'`, [
      demo.tenantId,
    ]);
    const id = await report('flood', { trapped: true });
    const res = await call('GET', `/v1/incidents/${id}/recommendations`, demo.keys.dispatcher);
    expect(res.statusCode).toBe(200);
    const plan = res.json().plan;
    expect(plan.summary).toBe('unfilled: 1 boat');
    expect(plan.unfilled).toEqual([{ unitType: 'boat', count: 1 }]);
    expect(plan.slots.find((s: SlotFill) => s.unitType === 'rescue').chosen).toHaveLength(1);
    // What can go, goes.
    const sent = await call('POST', `/v1/incidents/${id}/dispatch`, demo.keys.dispatcher, {
      acceptRecommendation: true,
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().assignments).toHaveLength(1);
    await t.db.query(`UPDATE units SET status = 'available' WHERE tenant_id = $1 AND kind = 'boat'`, [
      demo.tenantId,
    ]);
  });

  it('lets a tenant edit a plan, checks its unit types, and go back to the default', async () => {
    const plans = await call('GET', '/v1/response-plans', demo.keys.viewer);
    expect(plans.statusCode).toBe(200);
    expect(plans.json().items).toHaveLength(17);
    expect(plans.json().items.find((p: { category: string }) => p.category === 'fire')).toMatchObject({
      slots: [
        { unitType: 'fire_engine', count: 2 },
        { unitType: 'rescue', count: 1 },
      ],
      rules: [{ when: { victimsAtLeast: 1 }, add: [{ unitType: 'ambulance_als', count: 1 }] }],
      custom: false,
    });

    const unknown = await call('PUT', '/v1/admin/response-plans/fire', demo.keys.admin, {
      slots: [{ unitType: 'fire_engine', count: 3 }],
      rules: [{ when: { trapped: true }, add: [{ unitType: 'ladder_truck', count: 1 }] }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details[0]).toMatchObject({
      path: '/body/rules/0/add/0/unitType',
      code: 'unknown_unit_type',
    });

    const edited = await call('PUT', '/v1/admin/response-plans/fire', demo.keys.admin, {
      slots: [
        { unitType: 'fire_engine', count: 3 },
        { unitType: 'water_tanker', count: 1, agencyTypes: ['DAMKAR'] },
      ],
      rules: [{ when: { priority: ['P1'] }, add: [{ unitType: 'patrol_car', count: 1 }] }],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().custom).toBe(true);
    await idleFleet();
    const id = await report('fire');
    const plan = (await call('GET', `/v1/incidents/${id}/recommendations`, demo.keys.dispatcher)).json().plan;
    expect(plan.slots.map((s: SlotFill) => [s.unitType, s.count, s.chosen.length, s.because])).toEqual([
      ['fire_engine', 3, 3, 'plan'],
      ['water_tanker', 1, 1, 'plan'],
      ['patrol_car', 1, 1, 'priority P1'],
    ]);
    expect((await call('GET', '/v1/response-plans/fire', demo.keys.viewer)).json().custom).toBe(true);
    const otherTenant = await call('GET', '/v1/response-plans/fire', other.keys.viewer);
    expect(otherTenant.json().custom).toBe(false);

    const reset = await call('DELETE', '/v1/admin/response-plans/fire', demo.keys.admin);
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({
      custom: false,
      slots: [{ unitType: 'fire_engine', count: 2 }, { unitType: 'rescue' }],
    });
    expect((await call('GET', '/v1/response-plans/nope_nope', demo.keys.viewer)).statusCode).toBe(404);
    const { rows } = await t.db.query<{ type: string }>(
      `SELECT type FROM events WHERE tenant_id = $1 AND type LIKE 'admin.response_plan%' ORDER BY seq`,
      [demo.tenantId],
    );
    expect(rows.map((r) => r.type)).toEqual(['admin.response_plan_updated', 'admin.response_plan_reset']);
  });
});
