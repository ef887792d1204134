import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveIncidentStatus } from '../src/incidents/lifecycle.js';
import { replayIncident, type TrailEvent } from '../src/incidents/replay.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * Random sequences of everything people can do to an incident — legal or not — must keep the
 * invariants: no 5xx, the tenant's event sequence stays gapless, and the incident row always
 * equals the replay of its own events.
 */
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

const AGENCIES = ['DAMKAR-SDA', 'PSC119-SDA', 'POLRI-SDA'] as const;

const action = fc.oneof(
  fc.record({ kind: fc.constant('dispatch' as const), agency: fc.constantFrom(...AGENCIES) }),
  fc.record({
    kind: fc.constant('assignment' as const),
    index: fc.nat({ max: 3 }),
    to: fc.constantFrom('acknowledged', 'en_route', 'on_scene', 'resolved', 'declined'),
  }),
  fc.record({
    kind: fc.constant('incident' as const),
    to: fc.constantFrom('verified', 'cancelled', 'rejected', 'closed', 'reopened'),
    priority: fc.option(fc.constantFrom('P1', 'P2', 'P3'), { nil: undefined }),
  }),
);

type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

async function apply(incidentId: string, assignmentIds: string[], a: Action) {
  const headers = bearer(demo.keys.dispatcher);
  if (a.kind === 'dispatch') {
    return app.inject({
      method: 'POST',
      url: `/v1/incidents/${incidentId}/dispatch`,
      headers,
      payload: { assignments: [{ agencyId: demo.agencies[a.agency] }] },
    });
  }
  if (a.kind === 'assignment') {
    const id = assignmentIds[a.index % Math.max(assignmentIds.length, 1)];
    if (!id) return null;
    return app.inject({
      method: 'POST',
      url: `/v1/assignments/${id}/transitions`,
      headers,
      payload: { to: a.to, ...(a.to === 'declined' ? { reason: 'uji' } : {}) },
    });
  }
  return app.inject({
    method: 'POST',
    url: `/v1/incidents/${incidentId}/transitions`,
    headers,
    payload: { to: a.to, ...(a.priority ? { priority: a.priority } : {}) },
  });
}

describe('random lifecycles', () => {
  it('keep the trail gapless and the incident equal to the replay of its events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const created = await app.inject({
          method: 'POST',
          url: '/v1/incidents',
          headers: bearer(demo.keys.integrator),
          payload: {
            category: 'traffic_accident',
            description: 'acak',
            location: { point: { lon: 112.72, lat: -7.45 } },
          },
        });
        expect(created.statusCode).toBe(201);
        const incidentId = created.json().incident.id as string;
        const assignmentIds: string[] = [];

        for (const a of actions) {
          const res = await apply(incidentId, assignmentIds, a);
          if (!res) continue;
          expect(res.statusCode, res.body).toBeLessThan(500);
          if (res.statusCode === 409 && res.json().code === 'SIGAP_ERR_ILLEGAL_TRANSITION') {
            expect(Array.isArray(res.json().allowed)).toBe(true);
          }
          if (res.statusCode === 200) {
            for (const assignment of res.json().assignments as { id: string }[]) {
              if (!assignmentIds.includes(assignment.id)) assignmentIds.push(assignment.id);
            }
          }
        }

        const incident = (
          await app.inject({ url: `/v1/incidents/${incidentId}`, headers: bearer(demo.keys.dispatcher) })
        ).json();
        const trail = (
          await app.inject({
            url: `/v1/incidents/${incidentId}/events?limit=500`,
            headers: bearer(demo.keys.dispatcher),
          })
        ).json().items as TrailEvent[];
        const replayed = replayIncident(trail);
        expect(replayed.status).toBe(incident.status);
        expect(replayed.priority).toBe(incident.priority);
        expect(replayed.mergedInto).toBe(incident.mergedInto);
        expect(
          Object.fromEntries(Object.entries(replayed.assignments).map(([id, a]) => [id, a.status])),
        ).toEqual(
          Object.fromEntries(
            incident.assignments.map((a: { id: string; status: string }) => [a.id, a.status]),
          ),
        );
        expect(incident.seq).toBe(trail[trail.length - 1]!.seq);

        // While agencies work on it, the incident's status is derived from theirs.
        if (['dispatched', 'acknowledged', 'en_route', 'on_scene'].includes(incident.status)) {
          expect(incident.status).toBe(
            deriveIncidentStatus(incident.assignments.map((a: { status: never }) => a.status)),
          );
        }
      }),
      { numRuns: 40 },
    );

    const { rows } = await t.db.query<{ n: number; max: number }>(
      `SELECT count(*)::int AS n, max(seq)::int AS max FROM events WHERE tenant_id = $1`,
      [demo.tenantId],
    );
    expect(rows[0]!.max).toBe(rows[0]!.n);
  }, 180_000);
});
