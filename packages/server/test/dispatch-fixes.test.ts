import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { implausibleTravelTime } from '../src/dispatch/travel-time/validated.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/** Issue 15 fixes: hand-off merges, what integrators see at intake, which calls they may attach. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  app = await buildTestApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const TOWN = { lon: 112.7205, lat: -7.4478 };

function post(url: string, key: string, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url, headers: bearer(key), payload });
}

describe('hand-off updates', () => {
  it('merge: fields not sent keep their value', async () => {
    const created = await post('/v1/incidents', demo.keys.call_taker, {
      category: 'power_outage',
      description: 'listrik padam satu RT',
      location: { point: TOWN },
    });
    const id = created.json().incident.id;
    const promisedAt = '2026-12-05T10:00:00.000Z';
    const dispatched = await post(`/v1/incidents/${id}/dispatch`, demo.keys.dispatcher, {
      assignments: [
        {
          agencyId: demo.agencies['PLN-SDA'],
          handoff: { ticket: 'PLN-001', promisedAt, confirmedBy: 'Pak Budi' },
        },
      ],
    });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    const assignmentId = dispatched.json().assignments[0].id;
    const updated = await post(`/v1/assignments/${assignmentId}/transitions`, demo.keys.dispatcher, {
      to: 'acknowledged',
      handoff: { ticket: 'PLN-002' },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().assignments[0].handoff).toEqual({
      ticket: 'PLN-002',
      promisedAt,
      confirmedBy: 'Pak Budi',
    });
  });
});

describe('intake for integrators (apps)', () => {
  it('answers an app with its own report only: no units, no other incidents, just a flag', async () => {
    const first = await post('/v1/incidents', demo.keys.call_taker, {
      category: 'fire',
      description: 'rumah terbakar',
      location: { point: TOWN },
    });
    expect(first.statusCode).toBe(201);
    const near = { lon: TOWN.lon + 0.0005, lat: TOWN.lat };
    const app1 = await post('/v1/incidents', demo.keys.integrator, {
      category: 'fire',
      description: 'ada asap hitam',
      location: { point: near },
    });
    expect(app1.statusCode).toBe(201);
    expect(app1.json()).toMatchObject({
      possibleDuplicates: [],
      recommendation: null,
      possibleDuplicateNearby: true,
    });
    expect(app1.body).not.toContain(first.json().incident.id);
    expect(app1.body).not.toContain('DAMKAR-SDA-01');

    // Staff see the list, the units and the flag.
    const staff = await post('/v1/incidents', demo.keys.call_taker, {
      category: 'fire',
      description: 'laporan kedua',
      location: { point: near },
    });
    expect(staff.json().possibleDuplicateNearby).toBe(true);
    expect(staff.json().possibleDuplicates.length).toBeGreaterThan(0);
    expect(staff.json().recommendation).not.toBeNull();

    const alone = await post('/v1/incidents', demo.keys.integrator, {
      category: 'flood',
      description: 'banjir',
      location: { point: { lon: 112.5, lat: -7.43 } },
    });
    expect(alone.json().possibleDuplicateNearby).toBe(false);
  });

  it('lets an app attach only a call it logged itself', async () => {
    const staffCall = await post('/v1/calls', demo.keys.call_taker, {
      channel: 'phone',
      callerNumber: '081311113333',
    });
    expect(staffCall.statusCode).toBe(201);
    const refused = await post('/v1/incidents', demo.keys.integrator, {
      category: 'fire',
      description: 'x',
      location: { point: TOWN },
      callId: staffCall.json().call.id,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details[0]).toMatchObject({ path: '/body/callId', code: 'not_found' });

    const ownCall = await post('/v1/calls', demo.keys.integrator, {
      channel: 'app',
      callerNumber: '081311114444',
    });
    expect(ownCall.statusCode, ownCall.body).toBe(201);
    const linked = await post('/v1/incidents', demo.keys.integrator, {
      category: 'fire',
      description: 'x',
      location: { point: TOWN },
      callId: ownCall.json().call.id,
    });
    expect(linked.statusCode, linked.body).toBe(201);
  });
});

describe('travel-time plausibility', () => {
  const origin = { lon: 0, lat: 0, distanceM: 3000, kind: 'fire_engine' };
  it.each([
    [-1440, 'negative'],
    [Number.POSITIVE_INFINITY, 'not a finite number'],
    [Number.NaN, 'not a finite number'],
    [3 * 3600, 'slower than walking'],
    [300, null],
    [90, null],
  ])('%s s for 3 km is %s', (seconds, reason) => {
    expect(implausibleTravelTime(seconds, origin)).toBe(reason);
  });
});
