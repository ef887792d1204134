import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportOverdue } from '../src/incidents/watchdog.js';
import { buildTestApp, listen } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';
import { TestLiveClient } from './helpers/ws.js';

/**
 * The watchdog for stuck incidents: a P1 left unverified or undispatched past the tenant's
 * limit gets exactly one overdue event. No real waiting: `reportOverdue` takes "now".
 */
let t: TestDatabase;
let app: FastifyInstance;
let base: string;
let demo: SeededTenant;
let other: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db, { LIVE_POLL_MS: '200', LIVE_HEARTBEAT_MS: '1000' });
  base = await listen(app);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function report(key: string, category = 'fire') {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: bearer(key),
    payload: {
      category,
      description: 'kebakaran dari aplikasi',
      location: { point: { lon: 112.72, lat: -7.45 } },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().incident as { id: string; status: string; priority: string };
}

async function overdueEvents(incidentId: string) {
  const res = await app.inject({
    url: `/v1/incidents/${incidentId}/events`,
    headers: bearer(demo.keys.dispatcher),
  });
  return (
    res.json().items as { type: string; payload: Record<string, unknown>; actor: { role: string } }[]
  ).filter((e) => e.type.endsWith('_overdue'));
}

/** Every incident except `keep` is settled, so reports only see the incident under test. */
async function settleOthers(keep: string[]) {
  await t.db.query(
    `UPDATE incidents SET overdue_reported = '{verification,dispatch}' WHERE NOT (id = ANY($1::uuid[]))`,
    [keep],
  );
}

describe('watchdog', () => {
  it('reports a P1 app report left unverified exactly once, on the live stream too', async () => {
    const live = new TestLiveClient(`${base}/v1/live`, bearer(demo.keys.viewer));
    try {
      await live.until(() => live.messages.some((m) => m.type === 'snapshot'), 10_000, 'snapshot');
      const incident = await report(demo.keys.integrator);
      expect(incident).toMatchObject({ status: 'received', priority: 'P1' });
      await settleOthers([incident.id]);

      expect(await reportOverdue(t.db, { now: later(30) })).toBe(0); // within the 60 s default
      expect(await reportOverdue(t.db, { now: later(61) })).toBe(1);
      expect(await reportOverdue(t.db, { now: later(120) })).toBe(0); // once only
      const events = await overdueEvents(incident.id);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'verification_overdue',
          actor: expect.objectContaining({ role: 'system' }),
          payload: expect.objectContaining({ priority: 'P1', limitS: 60 }),
        }),
      ]);
      // The incident is overdue (the wall-board marks it) until someone verifies it.
      const read = await app.inject({
        url: `/v1/incidents/${incident.id}`,
        headers: bearer(demo.keys.viewer),
      });
      expect(read.json().overdue).toBe(true);
      await live.until(
        () =>
          live
            .events()
            .some(
              (m) =>
                m.type === 'verification_overdue' &&
                (m.incident as { id?: string } | undefined)?.id === incident.id,
            ),
        10_000,
        'verification_overdue on the live stream',
      );
      const streamed = live
        .events()
        .find(
          (m) =>
            m.type === 'verification_overdue' &&
            (m.incident as { id?: string } | undefined)?.id === incident.id,
        );
      expect((streamed!.incident as { overdue: boolean }).overdue).toBe(true);
      const verified = await app.inject({
        method: 'POST',
        url: `/v1/incidents/${incident.id}/transitions`,
        headers: bearer(demo.keys.call_taker),
        payload: { to: 'verified' },
      });
      expect(verified.json().overdue).toBe(false);
    } finally {
      live.close();
    }
  });

  it('then times the dispatch from verification, and stops once a unit is sent', async () => {
    const incident = await report(demo.keys.integrator);
    await settleOthers([incident.id]);
    const verified = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${incident.id}/transitions`,
      headers: bearer(demo.keys.call_taker),
      payload: { to: 'verified' },
    });
    expect(verified.statusCode).toBe(200);
    // Verified in time: no verification_overdue, ever.
    expect(await reportOverdue(t.db, { now: later(30) })).toBe(0);
    expect(await reportOverdue(t.db, { now: later(61) })).toBe(1);
    expect((await overdueEvents(incident.id)).map((e) => e.type)).toEqual(['dispatch_overdue']);

    // A verified incident that got its units is not overdue.
    const other2 = await report(demo.keys.call_taker);
    expect(other2.status).toBe('verified');
    await settleOthers([other2.id]);
    const sent = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${other2.id}/dispatch`,
      headers: bearer(demo.keys.dispatcher),
      payload: { acceptRecommendation: true },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(await reportOverdue(t.db, { now: later(3600) })).toBe(0);
  });

  it('uses the tenant’s own limits per priority, and each tenant its own', async () => {
    const patched = await app.inject({
      method: 'PATCH',
      url: '/v1/admin/tenant',
      headers: bearer(demo.keys.admin),
      payload: { settings: { watchdog: { P1: { verifyS: 300 } } } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().settings.watchdog.P1).toEqual({ verifyS: 300, dispatchS: 60 });
    expect(patched.json().overrides.watchdog).toEqual({ P1: { verifyS: 300 } });
    try {
      const mine = await report(demo.keys.integrator);
      const theirs = await app.inject({
        method: 'POST',
        url: '/v1/incidents',
        headers: bearer(other.keys.integrator),
        payload: { category: 'fire', description: 'x', location: { point: { lon: 112.75, lat: -7.26 } } },
      });
      expect(theirs.statusCode).toBe(201);
      await settleOthers([mine.id, theirs.json().incident.id]);
      // At 2 minutes only the neighbour (default 60 s) is overdue; at 5 minutes both.
      expect(await reportOverdue(t.db, { now: later(120) })).toBe(1);
      expect(await overdueEvents(mine.id)).toEqual([]);
      expect(await reportOverdue(t.db, { now: later(301) })).toBe(1);
      expect((await overdueEvents(mine.id)).map((e) => e.type)).toEqual(['verification_overdue']);
    } finally {
      await app.inject({
        method: 'PATCH',
        url: '/v1/admin/tenant',
        headers: bearer(demo.keys.admin),
        payload: { settings: { watchdog: null } },
      });
    }
    const bad = await app.inject({
      method: 'PATCH',
      url: '/v1/admin/tenant',
      headers: bearer(demo.keys.admin),
      payload: { settings: { watchdog: { P1: { verifyS: -1 } } } },
    });
    expect(bad.statusCode).toBe(400);
  });
});
