import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBreaches } from '../src/incidents/sla.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

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

async function dispatchedFire() {
  const created = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(demo.keys.call_taker),
    payload: {
      category: 'fire',
      description: 'gudang terbakar',
      location: { point: { lon: 112.72, lat: -7.45 } },
    },
  });
  const id = created.json().incident.id as string;
  const dispatched = await app.inject({
    method: 'POST',
    url: `/v1/incidents/${id}/dispatch`,
    headers: bearer(demo.keys.dispatcher),
    payload: { assignments: [{ agencyId: demo.agencies['DAMKAR-SDA'] }] },
  });
  return { id, assignmentId: dispatched.json().assignments[0].id as string };
}

/** Moves a target into the past, as if the clock had run (the database owner may; the API may not). */
async function expire(assignmentId: string, column: 'ack_due_at' | 'on_scene_due_at') {
  await t.db.query(`UPDATE assignments SET ${column} = now() - interval '1 minute' WHERE id = $1`, [
    assignmentId,
  ]);
}

async function breachEvents(id: string) {
  const res = await app.inject({ url: `/v1/incidents/${id}/events`, headers: bearer(demo.keys.dispatcher) });
  return res.json().items.filter((e: { type: string }) => e.type === 'sla_breached');
}

describe('response targets', () => {
  it('emits exactly one sla_breached event per missed target, and marks the incident overdue', async () => {
    const { id, assignmentId } = await dispatchedFire();
    expect(await reportBreaches(t.db)).toBe(0);
    await expire(assignmentId, 'ack_due_at');

    expect(await reportBreaches(t.db)).toBe(1);
    expect(await reportBreaches(t.db)).toBe(0); // never twice
    const events = await breachEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      assignmentId,
      actor: { role: 'system' },
      payload: { target: 'acknowledge', agencyId: demo.agencies['DAMKAR-SDA'] },
    });

    const incident = await app.inject({ url: `/v1/incidents/${id}`, headers: bearer(demo.keys.viewer) });
    expect(incident.json().overdue).toBe(true);
    expect(incident.json().assignments[0].overdue).toBe(true);
    const overdue = await app.inject({
      url: '/v1/incidents?overdue=true',
      headers: bearer(demo.keys.viewer),
    });
    expect(overdue.json().items.map((i: { id: string }) => i.id)).toContain(id);
    const onTime = await app.inject({
      url: '/v1/incidents?overdue=false',
      headers: bearer(demo.keys.viewer),
    });
    expect(onTime.json().items.map((i: { id: string }) => i.id)).not.toContain(id);
  });

  it('reports each target separately, and none once the agency has met it', async () => {
    const { id, assignmentId } = await dispatchedFire();
    await app.inject({
      method: 'POST',
      url: `/v1/assignments/${assignmentId}/transitions`,
      headers: bearer(demo.keys.agency),
      payload: { to: 'acknowledged' },
    });
    await expire(assignmentId, 'ack_due_at'); // met already: no breach
    await expire(assignmentId, 'on_scene_due_at'); // not met: one breach
    await reportBreaches(t.db);
    expect((await breachEvents(id)).map((e: { payload: { target: string } }) => e.payload.target)).toEqual([
      'on_scene',
    ]);
  });

  it('reports a P3 report not answered within 1x24 hours', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: {
        category: 'street_light',
        description: 'PJU mati sepanjang jalan',
        location: { address: 'Jl. Raya Candi' },
      },
    });
    const incident = created.json().incident;
    expect(Date.parse(incident.answerDueAt) - Date.parse(incident.createdAt)).toBe(24 * 3600_000);
    await t.db.query(`UPDATE incidents SET answer_due_at = now() - interval '1 second' WHERE id = $1`, [
      incident.id,
    ]);
    await reportBreaches(t.db);
    await reportBreaches(t.db);
    const events = await breachEvents(incident.id);
    expect(events.map((e: { payload: { target: string } }) => e.payload.target)).toEqual(['answer']);
  });
});
