import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;
let damkarUnit: string;

const POINT = { lon: 112.7205, lat: -7.4478 };

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
  const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM units WHERE code = 'DAMKAR-SDA-01'`);
  damkarUnit = rows[0]!.id;
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

async function post(url: string, key: string, payload: unknown) {
  return app.inject({
    method: 'POST',
    url,
    headers: bearer(key),
    payload: payload as Record<string, unknown>,
  });
}

async function newIncident(category = 'fire', key = demo.keys.call_taker) {
  const res = await post('/v1/incidents', key, { category, description: 'uji', location: { point: POINT } });
  expect(res.statusCode).toBe(201);
  return res.json().incident as { id: string; status: string; assignments: { id: string; status: string }[] };
}

async function dispatch(id: string, assignments: Record<string, unknown>[]) {
  return post(`/v1/incidents/${id}/dispatch`, demo.keys.dispatcher, { assignments });
}

async function progress(
  assignmentId: string,
  to: string,
  key = demo.keys.agency,
  extra: Record<string, unknown> = {},
) {
  return post(`/v1/assignments/${assignmentId}/transitions`, key, { to, ...extra });
}

async function events(id: string) {
  const res = await app.inject({
    url: `/v1/incidents/${id}/events?limit=500`,
    headers: bearer(demo.keys.dispatcher),
  });
  return res.json().items as { seq: number; type: string; payload: Record<string, unknown> }[];
}

async function unitStatus(id: string) {
  const { rows } = await t.db.query<{ status: string }>('SELECT status FROM units WHERE id = $1', [id]);
  return rows[0]!.status;
}

describe('the happy path of a fire', () => {
  it('goes verified → dispatched → acknowledged → en_route → on_scene → resolved → closed with an event each', async () => {
    const incident = await newIncident();
    const dispatched = await dispatch(incident.id, [
      { agencyId: demo.agencies['DAMKAR-SDA'], unitId: damkarUnit },
    ]);
    expect(dispatched.statusCode).toBe(200);
    const body = dispatched.json();
    expect(body.status).toBe('dispatched');
    const assignment = body.assignments[0];
    expect(assignment).toMatchObject({
      agencyCode: 'DAMKAR-SDA',
      agencyType: 'DAMKAR',
      status: 'dispatched',
      unitId: damkarUnit,
    });
    // P1 targets: acknowledge within 2 min, on scene within 15 min of dispatch.
    const dispatchedAt = Date.parse(assignment.dispatchedAt);
    expect(Date.parse(assignment.due.acknowledge) - dispatchedAt).toBe(120_000);
    expect(Date.parse(assignment.due.onScene) - dispatchedAt).toBe(900_000);
    expect(await unitStatus(damkarUnit)).toBe('busy');

    for (const to of ['acknowledged', 'en_route', 'on_scene', 'resolved'] as const) {
      const res = await progress(assignment.id, to);
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe(to);
    }
    expect(await unitStatus(damkarUnit)).toBe('available');
    const closed = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.dispatcher, {
      to: 'closed',
    });
    expect(closed.json().status).toBe('closed');

    const trail = await events(incident.id);
    expect(trail.map((e) => e.type)).toEqual([
      'incident.created',
      'assignment.created',
      'incident.status_changed',
      ...['acknowledged', 'en_route', 'on_scene', 'resolved'].flatMap(() => [
        'assignment.status_changed',
        'incident.status_changed',
      ]),
      'incident.status_changed',
    ]);
    // The trail's sequence numbers increase (other incidents' events may sit in between).
    const seqs = trail.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});

describe('several agencies on one incident', () => {
  it('follows the least advanced agency and resolves only when every agency has', async () => {
    const incident = await newIncident('traffic_accident');
    const res = await dispatch(incident.id, [
      { agencyId: demo.agencies['PSC119-SDA'] },
      { agencyId: demo.agencies['POLRI-SDA'], handoff: { ticket: 'LP/123/XI', confirmedBy: 'Bripka Andi' } },
    ]);
    expect(res.statusCode).toBe(200);
    const byCode = (code: string) =>
      res.json().assignments.find((a: { agencyCode: string }) => a.agencyCode === code);
    const [psc, polri] = [byCode('PSC119-SDA'), byCode('POLRI-SDA')];
    expect(polri.handoff).toEqual({ ticket: 'LP/123/XI', confirmedBy: 'Bripka Andi' });

    expect((await progress(psc.id, 'acknowledged', demo.keys.agencyPsc)).json().status).toBe('dispatched');
    expect((await progress(polri.id, 'acknowledged', demo.keys.dispatcher)).json().status).toBe(
      'acknowledged',
    );
    expect((await progress(psc.id, 'on_scene', demo.keys.agencyPsc)).json().status).toBe('acknowledged');
    expect((await progress(psc.id, 'resolved', demo.keys.agencyPsc)).json().status).toBe('acknowledged');
    expect((await progress(polri.id, 'resolved', demo.keys.dispatcher)).json().status).toBe('resolved');
  });

  it('lets an agency decline with a reason, and goes back to verified when nobody is left', async () => {
    const incident = await newIncident();
    const a = (await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'] }])).json()
      .assignments[0];
    const noReason = await progress(a.id, 'declined');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details[0].path).toBe('/body/reason');
    const declined = await progress(a.id, 'declined', demo.keys.agency, {
      reason: 'Semua unit sedang bertugas',
    });
    expect(declined.json()).toMatchObject({ status: 'verified' });
    expect(declined.json().assignments[0]).toMatchObject({
      status: 'declined',
      declinedReason: 'Semua unit sedang bertugas',
    });
    // ...and can be dispatched again, to the same or another agency.
    const again = await dispatch(incident.id, [{ agencyId: demo.agencies['BPBD-SDA'] }]);
    expect(again.json().status).toBe('dispatched');
  });

  it('does not send the same agency twice while its assignment is open', async () => {
    const incident = await newIncident();
    await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'] }]);
    const twice = await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'] }]);
    expect(twice.statusCode).toBe(409);
  });
});

describe('illegal transitions', () => {
  it('answers 409 with the allowed next states', async () => {
    const incident = await newIncident();
    const a = (await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'] }])).json()
      .assignments[0];
    const skip = await progress(a.id, 'on_scene');
    expect(skip.statusCode).toBe(409);
    expect(skip.json()).toMatchObject({
      code: 'SIGAP_ERR_ILLEGAL_TRANSITION',
      allowed: ['acknowledged', 'declined'],
    });

    const close = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.dispatcher, {
      to: 'closed',
    });
    expect(close.statusCode).toBe(409);
    // Only values `to` can take: dispatch and merge have their own routes.
    expect(close.json().allowed).toEqual(['cancelled', 'rejected']);
  });

  it.each([
    ['verified', ['verified', 'cancelled', 'rejected'], 'closed'],
    ['verified', ['verified', 'cancelled', 'rejected'], 'reopened'],
  ])('from received, %s is fine but %s is not', async (_ok, allowed, bad) => {
    const incident = await newIncident('fire', demo.keys.integrator);
    const res = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.dispatcher, { to: bad });
    expect(res.statusCode).toBe(409);
    expect(res.json().allowed).toEqual(allowed);
  });

  it('refuses any change to a cancelled incident', async () => {
    const incident = await newIncident();
    await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.call_taker, { to: 'cancelled' });
    for (const to of ['verified', 'cancelled', 'rejected', 'closed', 'reopened']) {
      const res = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.dispatcher, { to });
      expect(res.statusCode).toBe(409);
      expect(res.json().allowed).toEqual([]);
    }
    expect((await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'] }])).statusCode).toBe(409);
  });

  it('keeps call takers to verifying, cancelling and rejecting', async () => {
    const incident = await newIncident();
    const res = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.call_taker, {
      to: 'closed',
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('cancel, reject, merge, reopen', () => {
  it('withdraws open assignments as cancelled and frees their units when an incident is cancelled', async () => {
    const incident = await newIncident();
    await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'], unitId: damkarUnit }]);
    expect(await unitStatus(damkarUnit)).toBe('busy');
    const res = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.call_taker, {
      to: 'cancelled',
      note: 'Pelapor menyatakan api sudah padam',
    });
    expect(res.json().status).toBe('cancelled');
    expect(res.json().assignments[0].status).toBe('cancelled');
    expect(await unitStatus(damkarUnit)).toBe('available');
  });

  it('merges a duplicate into the original and links both', async () => {
    const original = await newIncident();
    const duplicate = await newIncident();
    const res = await post(`/v1/incidents/${duplicate.id}/merge`, demo.keys.dispatcher, {
      into: original.id,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'merged', mergedInto: original.id });
    expect((await events(original.id)).map((e) => e.type)).toContain('incident.duplicate_linked');
    const self = await post(`/v1/incidents/${original.id}/merge`, demo.keys.dispatcher, {
      into: original.id,
    });
    expect(self.statusCode).toBe(400);
    const intoMerged = await post(`/v1/incidents/${original.id}/merge`, demo.keys.dispatcher, {
      into: duplicate.id,
    });
    expect(intoMerged.statusCode).toBe(409);
  });

  it('reopens a resolved incident: the agency gets a fresh assignment clock', async () => {
    const incident = await newIncident('street_light');
    const a = (await dispatch(incident.id, [{ agencyId: demo.agencies['DISHUB-SDA'] }])).json()
      .assignments[0];
    expect(a.due.resolve).not.toBeNull(); // P3: 1x24 jam
    const dishubKey = await agencyKey('DISHUB-SDA');
    await progress(a.id, 'acknowledged', dishubKey);
    const resolved = await progress(a.id, 'resolved', dishubKey);
    expect(resolved.json().status).toBe('resolved');
    expect(resolved.json().resolvedAt).not.toBeNull();

    const reopened = await post(`/v1/incidents/${incident.id}/transitions`, demo.keys.dispatcher, {
      to: 'reopened',
      note: 'Pelapor: lampu masih mati',
    });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ status: 'dispatched', resolvedAt: null });
    const again = reopened.json().assignments[0];
    expect(again.status).toBe('dispatched');
    expect(Date.parse(again.dispatchedAt)).toBeGreaterThanOrEqual(Date.parse(a.dispatchedAt));
    expect((await events(incident.id)).map((e) => e.type)).toContain('incident.reopened');
  });
});

describe('agencies', () => {
  it('see only incidents assigned to them, and act only on their own assignments', async () => {
    const incident = await newIncident('traffic_accident');
    const before = await app.inject({
      url: `/v1/incidents/${incident.id}`,
      headers: bearer(demo.keys.agency),
    });
    expect(before.statusCode).toBe(404); // Damkar has nothing to do with it
    const [psc] = (await dispatch(incident.id, [{ agencyId: demo.agencies['PSC119-SDA'] }])).json()
      .assignments;
    expect((await progress(psc.id, 'acknowledged', demo.keys.agency)).statusCode).toBe(404);
    expect((await progress(psc.id, 'acknowledged', demo.keys.agencyPsc)).statusCode).toBe(200);
    const seen = await app.inject({
      url: `/v1/incidents/${incident.id}`,
      headers: bearer(demo.keys.agencyPsc),
    });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().reporter).toBeDefined();
  });

  it('cannot dispatch, and another tenant cannot touch the assignment', async () => {
    const incident = await newIncident();
    const [a] = (await dispatch(incident.id, [{ agencyId: demo.agencies['DAMKAR-SDA'] }])).json().assignments;
    const res = await post(`/v1/incidents/${incident.id}/dispatch`, demo.keys.agency, {
      assignments: [{ agencyId: demo.agencies['DAMKAR-SDA'] }],
    });
    expect(res.statusCode).toBe(403);
    expect((await progress(a.id, 'acknowledged', other.keys.agency)).statusCode).toBe(404);
    expect((await progress(a.id, 'acknowledged', other.keys.dispatcher)).statusCode).toBe(404);
    // Another tenant's agency cannot be dispatched to this incident either.
    const foreign = await dispatch(incident.id, [{ agencyId: other.agencies['DAMKAR-SBY'] }]);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().details[0].path).toBe('/body/assignments/0/agencyId');
  });
});

describe('the audit trail', () => {
  it('is immutable even to the database owner', async () => {
    const incident = await newIncident();
    await expect(
      t.db.query(`UPDATE events SET type = 'forged' WHERE incident_id = $1`, [incident.id]),
    ).rejects.toThrow(/events are immutable/);
    await expect(t.db.query('DELETE FROM events WHERE incident_id = $1', [incident.id])).rejects.toThrow(
      /events are immutable/,
    );
    await expect(t.db.exec('TRUNCATE events CASCADE')).rejects.toThrow(/events are immutable/);
  });

  it('numbers every tenant’s events without gaps', async () => {
    const { rows } = await t.db.query<{ tenant_id: string; n: number; max: number; min: number }>(
      'SELECT tenant_id, count(*)::int AS n, max(seq)::int AS max, min(seq)::int AS min FROM events GROUP BY tenant_id',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([row.min, row.max]).toEqual([1, row.n]);
  });

  it('is hidden from another tenant by row-level security, even without a tenant filter', async () => {
    const { withTenant } = await import('../src/db/tenant.js');
    const counts = await withTenant(t.db, other.tenantId, async (tx) => {
      const all = await tx.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM incidents');
      const ev = await tx.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM events');
      return [...all.rows, ...ev.rows].map((r) => r.tenant_id);
    });
    expect(counts.every((id) => id === other.tenantId)).toBe(true);
    await expect(
      withTenant(t.db, other.tenantId, (tx) =>
        tx.query(`UPDATE incidents SET description = 'pwned' WHERE tenant_id = '35.15' RETURNING id`),
      ),
    ).resolves.toMatchObject({ rowCount: 0 });
    await expect(
      withTenant(t.db, other.tenantId, (tx) =>
        tx.query(
          `INSERT INTO events (tenant_id, seq, type, actor) VALUES ('35.15', 999999, 'forged', '{}'::jsonb)`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});

async function agencyKey(code: string): Promise<string> {
  const { createApiKey } = await import('../src/tenants/provision.js');
  const key = await createApiKey(t.db, demo.tenantId, {
    name: code,
    role: 'agency',
    agencyId: demo.agencies[code]!,
  });
  return key.secret;
}
