import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { reportBreaches } from '../src/incidents/sla.js';
import type { TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant } from './helpers/tenant.js';

/**
 * A known history for the report tests, in Kabupaten Sidoarjo (WIB, UTC+7), 1-3 March 2026.
 * Incidents and assignments go through the API (so events, reopen counts and breaches are real);
 * then their clocks are moved with SQL, as the database owner, to known local times. Events are
 * immutable and keep today's times: the reports must not depend on them for times.
 *
 * Calls (local time):                               Incidents:
 *  C1 phone incident 03-01 09:00:00 → I1            I1 fire P1, Sidoarjo, 03-01 09:00:40, DAMKAR all met
 *  C2 app incident   03-01 10:00:00 → I2            I2 traffic P1, Taman, 03-01 10:02:00, PSC119 late ack
 *  C3 sms silent     03-01 12:00:00                    (+ sla_breached), POLRI all met
 *  C4 phone prank    03-01 23:59:00 (16:59Z)        I3 street_light P3, no point, 03-02 08:30:00, DISHUB
 *  C5 phone prank    03-02 00:01:00 (03-01 17:01Z)     met, reopened once
 *  C6 phone misdial  03-02 08:00:00                 I4 power_outage P3, Sidoarjo, 03-02 23:59:30 (16:59:30Z),
 *  C7 phone incident 03-02 08:29:10 → I3               PLN hand-off promised 03-03 10:00, still open
 *  C8 walk_in info   03-02 09:00:00                 I5 fire P1, no point, 03-03 00:00:30 (03-02 17:00:30Z),
 *  C9 phone duplicate 03-02 09:10:00                   DAMKAR never acknowledged
 *  C10 web non_emergency 03-03 10:00:00             I6 merged into I1, I7 rejected (both left out)
 *  C11 phone prank   03-03 23:59:59                 I8 02-28 23:59:00 and I9 03-04 00:00:00 (outside)
 *  X1 02-28 23:59:00 and X2 03-04 00:00:00 (outside the range)
 */
export const RANGE = 'from=2026-03-01&to=2026-03-04';
export const HANDOFF_TICKET = '=HYPERLINK("http://x","klik")';
export const PROMISED_AT = '2026-03-03T03:00:00.000Z';
export const SIDOARJO = { lon: 112.72, lat: -7.45 };
export const TAMAN = { lon: 112.68, lat: -7.36 };

/** A WIB wall-clock time, plus seconds, as an ISO instant. */
export const wib = (local: string, plusS = 0) =>
  new Date(Date.parse(`${local}+07:00`) + plusS * 1000).toISOString();

export interface History {
  incidents: Record<'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6' | 'I7' | 'I8' | 'I9', string>;
  assignments: Record<'I1' | 'I2psc' | 'I2polri' | 'I3' | 'I4' | 'I5', string>;
}

export async function buildHistory(
  app: FastifyInstance,
  t: TestDatabase,
  demo: SeededTenant,
  other: SeededTenant,
): Promise<History> {
  const call = async (tenantId: string, channel: string, outcome: string, local: string) => {
    const { rows } = await t.db.query<{ id: string }>(
      `INSERT INTO calls (tenant_id, channel, outcome, started_at, caller_e164)
       VALUES ($1, $2, $3, $4, '+6281234567890') RETURNING id`,
      [tenantId, channel, outcome, wib(local)],
    );
    return rows[0]!.id;
  };
  const post = async (url: string, key: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers: bearer(key), payload });
    expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const incident = async (category: string, where: object, callId?: string, key = demo.keys.call_taker) =>
    (
      await post('/v1/incidents', key, {
        category,
        description: 'Budi melapor, hubungi 081234567890',
        location: where,
        reporter: { name: 'Budi Santoso', phone: '+6281234567890' },
        ...(callId ? { callId } : {}),
      })
    ).incident.id as string;
  const point = (p: { lon: number; lat: number }) => ({ point: p });
  // An address the gazetteer cannot place: these incidents stay without a point (needs_review),
  // the "unknown kecamatan" of the reports.
  const address = { address: 'lokasi belum jelas' };
  const dispatch = async (id: string, assignments: object[]) => {
    const res = await post(`/v1/incidents/${id}/dispatch`, demo.keys.dispatcher, { assignments });
    return res.assignments as { id: string; agencyCode: string }[];
  };
  const move = (id: string, to: string, key = demo.keys.dispatcher) =>
    post(`/v1/assignments/${id}/transitions`, key, { to });
  const ag = demo.agencies;

  await call(demo.tenantId, 'phone', 'prank', '2026-02-28T23:59:00');
  await call(demo.tenantId, 'phone', 'prank', '2026-03-04T00:00:00');
  const c1 = await call(demo.tenantId, 'phone', 'incident', '2026-03-01T09:00:00');
  const c2 = await call(demo.tenantId, 'app', 'incident', '2026-03-01T10:00:00');
  await call(demo.tenantId, 'sms', 'silent', '2026-03-01T12:00:00');
  await call(demo.tenantId, 'phone', 'prank', '2026-03-01T23:59:00');
  await call(demo.tenantId, 'phone', 'prank', '2026-03-02T00:01:00');
  await call(demo.tenantId, 'phone', 'misdial', '2026-03-02T08:00:00');
  const c7 = await call(demo.tenantId, 'phone', 'incident', '2026-03-02T08:29:10');
  await call(demo.tenantId, 'walk_in', 'info', '2026-03-02T09:00:00');
  await call(demo.tenantId, 'phone', 'duplicate', '2026-03-02T09:10:00');
  await call(demo.tenantId, 'web', 'non_emergency', '2026-03-03T10:00:00');
  await call(demo.tenantId, 'phone', 'prank', '2026-03-03T23:59:59');

  // I2 first: its breach is reported while no other target has passed.
  const I2 = await incident('traffic_accident', point(TAMAN), c2);
  const sent = await dispatch(I2, [{ agencyId: ag['PSC119-SDA'] }, { agencyId: ag['POLRI-SDA'] }]);
  const psc = sent.find((a) => a.agencyCode === 'PSC119-SDA');
  const polri = sent.find((a) => a.agencyCode === 'POLRI-SDA');
  await t.db.query(`UPDATE assignments SET ack_due_at = now() - interval '1 minute' WHERE id = $1`, [
    psc!.id,
  ]);
  expect(await reportBreaches(t.db)).toBe(1);
  for (const to of ['acknowledged', 'on_scene', 'resolved']) await move(psc!.id, to, demo.keys.agencyPsc);
  for (const to of ['acknowledged', 'on_scene', 'resolved']) await move(polri!.id, to);

  const I1 = await incident('fire', point(SIDOARJO), c1);
  const [damkar1] = await dispatch(I1, [{ agencyId: ag['DAMKAR-SDA'] }]);
  const I6 = await incident('fire', point(SIDOARJO));
  await post(`/v1/incidents/${I6}/merge`, demo.keys.dispatcher, { into: I1 });
  for (const to of ['acknowledged', 'on_scene', 'resolved']) await move(damkar1!.id, to, demo.keys.agency);

  const I3 = await incident('street_light', address, c7);
  const [dishub] = await dispatch(I3, [{ agencyId: ag['DISHUB-SDA'] }]);
  for (const to of ['acknowledged', 'resolved']) await move(dishub!.id, to);
  await post(`/v1/incidents/${I3}/transitions`, demo.keys.dispatcher, { to: 'reopened', note: 'masih mati' });
  for (const to of ['acknowledged', 'resolved']) await move(dishub!.id, to);

  const I4 = await incident('power_outage', point(SIDOARJO));
  const [pln] = await dispatch(I4, [
    {
      agencyId: ag['PLN-SDA'],
      handoff: { ticket: HANDOFF_TICKET, promisedAt: PROMISED_AT, confirmedBy: 'Pak Joko' },
    },
  ]);
  await move(pln!.id, 'acknowledged');

  const I5 = await incident('fire', address);
  const [damkar5] = await dispatch(I5, [{ agencyId: ag['DAMKAR-SDA'] }]);
  const I7 = await incident('other', address);
  await post(`/v1/incidents/${I7}/transitions`, demo.keys.call_taker, { to: 'rejected' });
  const I8 = await incident('fire', address);
  const I9 = await incident('fire', address);

  // The clocks: incidents' creation, then every assignment's history from its dispatch (t0).
  const created: [string, string][] = [
    [I1, '2026-03-01T09:00:40'],
    [I2, '2026-03-01T10:02:00'],
    [I3, '2026-03-02T08:30:00'],
    [I4, '2026-03-02T23:59:30'],
    [I5, '2026-03-03T00:00:30'],
    [I6, '2026-03-01T09:05:00'],
    [I7, '2026-03-02T12:00:00'],
    [I8, '2026-02-28T23:59:00'],
    [I9, '2026-03-04T00:00:00'],
  ];
  for (const [id, local] of created)
    await t.db.query('UPDATE incidents SET created_at = $2 WHERE id = $1', [id, wib(local)]);
  const P1 = { ack: 120, onScene: 900, resolve: null };
  const P3 = { ack: null, onScene: null, resolve: 86_400 };
  type Times = [number | null, number | null, number | null];
  const history: [string, string, typeof P1 | typeof P3, Times][] = [
    // [assignment, dispatched (local), targets, [acknowledged, on scene, resolved] seconds after dispatch]
    [damkar1!.id, '2026-03-01T09:01:10', P1, [60, 600, 2400]],
    [psc!.id, '2026-03-01T10:03:30', P1, [180, 720, 2520]],
    [polri!.id, '2026-03-01T10:03:30', P1, [60, 600, 3600]],
    [dishub!.id, '2026-03-02T08:31:00', P3, [600, null, 21_600]],
    [pln!.id, '2026-03-03T00:10:00', P3, [600, null, null]],
    [damkar5!.id, '2026-03-03T00:01:00', P1, [null, null, null]],
  ];
  for (const [id, t0, due, [ack, onScene, resolved]] of history) {
    const after = (s: number | null) => (s === null ? null : wib(t0, s));
    await t.db.query(
      `UPDATE assignments SET dispatched_at = $2, acknowledged_at = $3, on_scene_at = $4, resolved_at = $5,
              ack_due_at = $6, on_scene_due_at = $7, resolve_due_at = $8, en_route_at = NULL WHERE id = $1`,
      [
        id,
        wib(t0),
        after(ack),
        after(onScene),
        after(resolved),
        after(due.ack),
        after(due.onScene),
        after(due.resolve),
      ],
    );
  }

  // The neighbour: one call and one incident in the same days, which Sidoarjo must never count.
  await call(other.tenantId, 'phone', 'prank', '2026-03-02T10:00:00');
  const otherIncident = await incident('fire', address, undefined, other.keys.call_taker);
  await t.db.query('UPDATE incidents SET created_at = $2 WHERE id = $1', [
    otherIncident,
    wib('2026-03-02T11:00:00'),
  ]);

  return {
    incidents: { I1, I2, I3, I4, I5, I6, I7, I8, I9 },
    assignments: {
      I1: damkar1!.id,
      I2psc: psc!.id,
      I2polri: polri!.id,
      I3: dishub!.id,
      I4: pln!.id,
      I5: damkar5!.id,
    },
  };
}
