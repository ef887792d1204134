import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * The inputs a hostile test answered with 500 (issue 18, finding 5): each must be a 400 in the
 * documented error shape, on both backends.
 */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let unitId: string;
let incidentId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db);
  const { rows } = await t.db.query<{ id: string }>('SELECT id FROM units WHERE tenant_id = $1 LIMIT 1', [
    demo.tenantId,
  ]);
  unitId = rows[0]!.id;
  const created = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(demo.keys.call_taker),
    payload: {
      category: 'fire',
      description: 'Rumah terbakar',
      location: { point: { lon: 112.7205, lat: -7.4478 }, accuracyM: 12, source: 'device_gps' },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  incidentId = created.json().incident.id;
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const daysAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const cursor = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

function expectErrorShape(res: { statusCode: number; json(): unknown }, label: string) {
  expect(res.statusCode, label).toBe(400);
  const body = res.json() as Record<string, unknown>;
  expect(body.code, label).toMatch(/^SIGAP_ERR_/);
  expect(typeof body.message, label).toBe('string');
  expect(typeof body.requestId, label).toBe('string');
}

describe('query bounds', () => {
  const cases: [string, string, keyof SeededTenant['keys']][] = [
    ['bbox past the pole', '/v1/units?bbox=-180,-91,180,90', 'dispatcher'],
    ['query date-time two days ahead', `/v1/incidents?to=${daysAhead(2)}`, 'dispatcher'],
    [
      'report range past its limit',
      `/v1/reports/summary?from=2026-01-01&to=${daysAhead(500).slice(0, 10)}`,
      'admin',
    ],
    ['after=-1e309', `/v1/incidents/INC/events?after=-1e309`, 'dispatcher'],
    ['year 0000 in from', '/v1/incidents?from=0000-01-01T00:00:00Z', 'dispatcher'],
    ['year 0001 in to', '/v1/incidents?to=0001-01-01T00:00:00%2B23:59', 'dispatcher'],
    ['offset +23:59', '/v1/incidents?from=2026-01-01T00:00:00%2B23:59', 'dispatcher'],
    ['year 0001 in calls', '/v1/calls?from=0001-01-01T00:00:00Z', 'call_taker'],
    ['year 0000 in report', '/v1/reports/summary?from=0000-01-01&to=0000-02-01', 'admin'],
    ['year 0001 in report', '/v1/reports/summary?from=0001-01-01&to=0001-02-01', 'admin'],
    ['after=1e309', `/v1/incidents/INC/events?after=1e309`, 'dispatcher'],
    ['after=Infinity', `/v1/incidents/INC/events?after=Infinity`, 'dispatcher'],
    ['after 20 digits', `/v1/incidents/INC/events?after=12345678901234567890`, 'dispatcher'],
    [
      'cursor 2026-02-30',
      `/v1/incidents?cursor=${cursor(['2026-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])}`,
      'dispatcher',
    ],
    [
      'calls cursor 2026-02-30',
      `/v1/calls?cursor=${cursor(['2026-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])}`,
      'call_taker',
    ],
    ['events cursor 1e308', `/v1/incidents/INC/events?cursor=${cursor([1e308])}`, 'dispatcher'],
    ['events cursor -1.5', `/v1/incidents/INC/events?cursor=${cursor([-1.5])}`, 'dispatcher'],
    ['units cursor NUL', `/v1/units?cursor=${cursor(['\u0000'])}`, 'dispatcher'],
    [
      'keys cursor 2026-02-30',
      `/v1/admin/keys?cursor=${cursor(['2026-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])}`,
      'admin',
    ],
    ['agencies cursor NUL', `/v1/agencies?cursor=${cursor(['a\u0000'])}`, 'admin'],
  ];
  for (const [label, url, role] of cases) {
    it(`answers 400: ${label}`, async () => {
      const res = await app.inject({ url: url.replace('INC', incidentId), headers: bearer(demo.keys[role]) });
      expectErrorShape(res, label);
    });
  }
});

describe('bounding boxes', () => {
  it('accepts the whole world (edges 180° apart, corners on the poles) on units and incidents', async () => {
    const units = await app.inject({
      url: '/v1/units?bbox=-180,-90,180,90&limit=500',
      headers: bearer(demo.keys.dispatcher),
    });
    expect(units.statusCode).toBe(200);
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM units WHERE tenant_id = $1 AND location IS NOT NULL',
      [demo.tenantId],
    );
    expect(units.json().items.length).toBe(rows[0]!.n);
    const incidents = await app.inject({
      url: '/v1/incidents?bbox=-180,-90,180,90',
      headers: bearer(demo.keys.dispatcher),
    });
    expect(incidents.statusCode).toBe(200);
    expect(incidents.json().items.map((i: { id: string }) => i.id)).toContain(incidentId);
  });

  it('still filters: a box on the other side of the world holds nothing of Sidoarjo', async () => {
    const res = await app.inject({
      url: '/v1/incidents?bbox=-80,-60,40,60',
      headers: bearer(demo.keys.dispatcher),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([]);
  });
});

describe('body bounds', () => {
  const cases: [string, string, unknown][] = [
    ['position at year 0000', 'position', { lon: 112.7, lat: -7.4, at: '0000-01-01T00:00:00Z' }],
    ['position at year 0001 +23:59', 'position', { lon: 112.7, lat: -7.4, at: '0001-01-01T00:00:00+23:59' }],
    ['position at 2026 +15:00', 'position', { lon: 112.7, lat: -7.4, at: '2026-01-01T00:00:00+15:00' }],
    [
      'position accuracy 1e309 (JSON.parse gives Infinity)',
      'position',
      '{"lon":112.7,"lat":-7.4,"accuracyM":1e309}',
    ],
  ];
  for (const [label, , payload] of cases) {
    it(`answers 400: ${label}`, async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/units/${unitId}/position`,
        headers: { ...bearer(demo.keys.dispatcher), 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expectErrorShape(res, label);
    });
  }
});

describe('dates a route allows further ahead', () => {
  it('accepts a report range ending next month and a query date-time within a day', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const report = await app.inject({
      url: `/v1/reports/summary?from=${today}&to=${daysAhead(30).slice(0, 10)}`,
      headers: bearer(demo.keys.admin),
    });
    expect(report.statusCode).toBe(200);
    const list = await app.inject({
      url: `/v1/incidents?from=2000-01-01T00:00:00Z&to=${encodeURIComponent(daysAhead(0.5))}`,
      headers: bearer(demo.keys.dispatcher),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(incidentId);
  });
});
