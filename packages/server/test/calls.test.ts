import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * The call flow as the call-taking screen drives it: log at answer, see the caller's history
 * and soft block, classify at the end; pranksters flagged and soft-blocked, blocks overridden
 * and lifted; every change in the audit trail.
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

/** A fresh valid Indonesian mobile number per test, so histories do not mix. */
let serial = 0;
function freshNumber(): { local: string; e164: string } {
  serial += 1;
  const tail = String(10_000_000 + serial * 7919).slice(-8);
  return { local: `0813${tail}`, e164: `+62813${tail}` };
}

function post(url: string, key: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(key), ...headers },
    payload: payload as Record<string, unknown>,
  });
}
const logCall = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  post('/v1/calls', key, body, headers);
const patchCall = (key: string, id: string, body: Record<string, unknown>) =>
  app.inject({ method: 'PATCH', url: `/v1/calls/${id}`, headers: bearer(key), payload: body });
const get = (url: string, key: string) => app.inject({ url, headers: bearer(key) });

async function eventsOf(callId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const { rows } = await t.db.query<{ type: string; payload: Record<string, unknown> }>(
    'SELECT type, payload FROM events WHERE tenant_id = $1 AND call_id = $2 ORDER BY seq',
    [demo.tenantId, callId],
  );
  return rows;
}

async function eventsOfNumber(type: string, e164: string) {
  const { rows } = await t.db.query<{ call_id: string | null; payload: Record<string, unknown> }>(
    `SELECT call_id, payload FROM events WHERE tenant_id = $1 AND type = $2 AND payload->>'callerE164' = $3
      ORDER BY seq`,
    [demo.tenantId, type, e164],
  );
  return rows;
}

async function prank(number: string, extra: Record<string, unknown> = {}) {
  const res = await logCall(demo.keys.call_taker, {
    channel: 'phone',
    callerNumber: number,
    outcome: 'prank',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function createIncident(): Promise<string> {
  const res = await post('/v1/incidents', demo.keys.call_taker, {
    category: 'other',
    description: 'Pohon tumbang menutup jalan',
    location: { address: 'Jl. Raya Porong' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().incident.id;
}

async function setSettings(settings: Record<string, unknown>) {
  await t.db.query('UPDATE tenants SET settings = $2 WHERE id = $1', [
    demo.tenantId,
    JSON.stringify(settings),
  ]);
}

describe('POST /v1/calls: number normalisation', () => {
  it.each([
    ['0812-3456-7890'],
    ['+62 812 3456 7890'],
    ['6281234567890'],
    ['812-3456-7890'],
    ['+62 (0)812 3456 7890'],
  ])('normalises %s to +6281234567890 and keeps it as given', async (given) => {
    const res = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: given });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().call).toMatchObject({
      callerNumber: given,
      callerE164: '+6281234567890',
      callerValid: true,
    });
    expect(res.json().history.callerE164).toBe('+6281234567890');
  });

  it.each([['garbage'], ['112'], ['<script>alert(1)</script>'], ['   '], ['08123']])(
    'keeps %j as given, flagged invalid, with no history',
    async (given) => {
      const res = await logCall(demo.keys.call_taker, { channel: 'sms', callerNumber: given });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        call: { callerNumber: given, callerE164: null, callerValid: false },
        history: null,
        repeatPrankster: null,
        blocked: null,
      });
      const { rows } = await t.db.query<{ caller_number: string; caller_valid: boolean }>(
        'SELECT caller_number, caller_valid FROM calls WHERE id = $1',
        [res.json().call.id],
      );
      expect(rows[0]).toEqual({ caller_number: given, caller_valid: false });
    },
  );

  it('logs a call without a number (walk-in)', async () => {
    const res = await logCall(demo.keys.call_taker, { channel: 'walk_in' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().call).toMatchObject({ callerNumber: null, callerE164: null, callerValid: false });
    expect(res.json().history).toBeNull();
  });

  it('refuses an oversized or malformed number with 400 naming the field, never 500', async () => {
    for (const callerNumber of ['0'.repeat(41), 'x'.repeat(5000), '', 'a\u0000b', 12345, ['0812']]) {
      const res = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber });
      expect(res.statusCode, JSON.stringify(callerNumber).slice(0, 40)).toBe(400);
      expect(res.json().details[0].path).toBe('/body/callerNumber');
    }
  });
});

describe('the call flow: answered, then classified', () => {
  it('logs a call when answered, unclassified, and closes it with PATCH, each step an event', async () => {
    const n = freshNumber();
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const res = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.local, startedAt });
    expect(res.statusCode, res.body).toBe(201);
    const call = res.json().call;
    expect(call).toMatchObject({
      channel: 'phone',
      startedAt,
      endedAt: null,
      outcome: null,
      callTaker: 'Demo call taker',
      blockOverridden: false,
    });
    // It is waiting in the queue of calls to close.
    const pending = await get('/v1/calls?pending=true&limit=200', demo.keys.call_taker);
    expect(pending.json().items.map((c: { id: string }) => c.id)).toContain(call.id);

    const endedAt = new Date().toISOString();
    const closed = await patchCall(demo.keys.call_taker, call.id, {
      outcome: 'info',
      endedAt,
      notes: 'jam buka RS',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toEqual({
      call: { ...call, outcome: 'info', endedAt, notes: 'jam buka RS' },
      blockPlaced: null,
    });
    expect((await get(`/v1/calls/${call.id}`, demo.keys.call_taker)).json()).toEqual(closed.json().call);

    const events = await eventsOf(call.id);
    expect(events.map((e) => e.type)).toEqual(['call.logged', 'call.updated']);
    expect(events[0]!.payload).toMatchObject({ callerE164: n.e164, callerNumber: n.local, outcome: null });
    expect(events[1]!.payload).toEqual({
      changes: {
        outcome: { from: null, to: 'info' },
        endedAt: { from: null, to: endedAt },
        notes: { from: null, to: 'jam buka RS' },
      },
    });

    // A PATCH that changes nothing writes nothing.
    const again = await patchCall(demo.keys.call_taker, call.id, { outcome: 'info' });
    expect(again.statusCode).toBe(200);
    expect((await eventsOf(call.id)).length).toBe(2);
  });

  it('refuses an empty PATCH, an end before the start, and times in the future or long ago', async () => {
    const id = (await logCall(demo.keys.call_taker, { channel: 'radio' })).json().call.id;
    const empty = await patchCall(demo.keys.call_taker, id, {});
    expect(empty.statusCode).toBe(400);
    const early = await patchCall(demo.keys.call_taker, id, { endedAt: '2020-01-01T00:00:00Z' });
    expect(early.statusCode).toBe(400);
    expect(early.json().details[0]).toMatchObject({ path: '/body/endedAt', code: 'range' });

    const now = Date.now();
    for (const [body, path] of [
      [{ startedAt: new Date(now + 3_600_000).toISOString() }, '/body/startedAt'],
      [{ startedAt: new Date(now - 40 * 86_400_000).toISOString() }, '/body/startedAt'],
      [
        { startedAt: new Date(now - 60_000).toISOString(), endedAt: new Date(now - 120_000).toISOString() },
        '/body/endedAt',
      ],
      [{ startedAt: '0000-01-01T00:00:00Z' }, '/body/startedAt'],
      [{ startedAt: 'yesterday' }, '/body/startedAt'],
    ] as const) {
      const res = await logCall(demo.keys.call_taker, { channel: 'phone', ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().details[0].path).toBe(path);
    }
  });

  it('accepts a call logged in full after the fact, ended at the very moment it started', async () => {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const res = await logCall(demo.keys.dispatcher, {
      channel: 'radio',
      startedAt: at,
      endedAt: at,
      outcome: 'misdial',
      callTaker: 'Operator malam',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().call).toMatchObject({
      startedAt: at,
      endedAt: at,
      outcome: 'misdial',
      callTaker: 'Operator malam',
    });
  });
});

describe('outcomes that need a link', () => {
  it('non_emergency needs the LAPOR! reference, and only it may carry one', async () => {
    const missing = await logCall(demo.keys.call_taker, { channel: 'phone', outcome: 'non_emergency' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([
      expect.objectContaining({ path: '/body/laporReference', code: 'required' }),
    ]);

    const ok = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      outcome: 'non_emergency',
      laporReference: 'LAPOR-2026-118842',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().call.laporReference).toBe('LAPOR-2026-118842');

    const misplaced = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      outcome: 'prank',
      laporReference: 'LAPOR-1',
    });
    expect(misplaced.statusCode).toBe(400);
    expect(misplaced.json().details[0]).toMatchObject({ path: '/body/laporReference', code: 'not_allowed' });

    // Classified at the end of the conversation: the same rule.
    const open = await logCall(demo.keys.call_taker, { channel: 'phone' });
    const id = open.json().call.id;
    const noRef = await patchCall(demo.keys.call_taker, id, { outcome: 'non_emergency' });
    expect(noRef.statusCode).toBe(400);
    expect(noRef.json().details[0]).toMatchObject({ path: '/body/laporReference', code: 'required' });
    const withRef = await patchCall(demo.keys.call_taker, id, {
      outcome: 'non_emergency',
      laporReference: 'L-9',
    });
    expect(withRef.statusCode, withRef.body).toBe(200);
    // Clearing the reference of a non_emergency call is refused too.
    const cleared = await patchCall(demo.keys.call_taker, id, { laporReference: null });
    expect(cleared.statusCode).toBe(400);
  });

  it('duplicate needs an existing incident of the tenant; incident may link one later', async () => {
    const missing = await logCall(demo.keys.call_taker, { channel: 'phone', outcome: 'duplicate' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details[0]).toMatchObject({ path: '/body/incidentId', code: 'required' });

    const unknown = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      outcome: 'duplicate',
      incidentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details[0]).toMatchObject({ path: '/body/incidentId', code: 'not_found' });

    const incidentId = await createIncident();
    const dup = await logCall(demo.keys.call_taker, { channel: 'phone', outcome: 'duplicate', incidentId });
    expect(dup.statusCode, dup.body).toBe(201);
    expect(dup.json().call).toMatchObject({ outcome: 'duplicate', incidentId });

    // incident without incidentId: the incident is created right after and linked then.
    const real = await logCall(demo.keys.call_taker, { channel: 'phone', outcome: 'incident' });
    expect(real.statusCode, real.body).toBe(201);
    expect(real.json().call.incidentId).toBeNull();
    const linked = await patchCall(demo.keys.call_taker, real.json().call.id, { incidentId });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().call.incidentId).toBe(incidentId);

    const wrongOutcome = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      outcome: 'silent',
      incidentId,
    });
    expect(wrongOutcome.statusCode).toBe(400);
    expect(wrongOutcome.json().details[0]).toMatchObject({ path: '/body/incidentId', code: 'not_allowed' });

    // A duplicate cannot lose its incident.
    const unlinked = await patchCall(demo.keys.call_taker, dup.json().call.id, { incidentId: null });
    expect(unlinked.statusCode).toBe(400);
  });
});

describe('caller history and repeat pranksters', () => {
  it('shows other calls, pranks, the last call and a few recent calls at intake', async () => {
    const n = freshNumber();
    const first = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.local });
    expect(first.json().history).toMatchObject({
      callerE164: n.e164,
      previousCalls: 0,
      pranks: 0,
      pranksInWindow: 0,
      prankWindowDays: 90,
      prankThreshold: 3,
      lastCallAt: null,
      recentCalls: [],
    });
    expect(first.json().repeatPrankster).toBe(false);

    const ids = [first.json().call.id];
    for (let i = 0; i < 6; i++) {
      const res = await logCall(demo.keys.call_taker, {
        channel: i % 2 ? 'sms' : 'phone',
        callerNumber: i % 2 ? n.e164 : n.local,
        startedAt: new Date(Date.now() - (10 - i) * 60_000).toISOString(),
        outcome: i === 2 ? 'prank' : 'silent',
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().call.id);
    }
    const latest = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      callerNumber: `+62 ${n.local.slice(1)}`,
    });
    const { history, repeatPrankster } = latest.json();
    expect(history).toMatchObject({ previousCalls: 7, pranks: 1, pranksInWindow: 1 });
    expect(repeatPrankster).toBe(false);
    // The first call is the newest (logged "now"); then the backdated ones, newest first.
    expect(history.recentCalls.map((c: { id: string }) => c.id)).toEqual([
      ids[0],
      ids[6],
      ids[5],
      ids[4],
      ids[3],
    ]);
    expect(history.lastCallAt).toBe(first.json().call.startedAt);
    expect(history.recentCalls).not.toContainEqual(expect.objectContaining({ id: latest.json().call.id }));

    // The same summary on demand, for the number in any usual form.
    const byNumber = await get(`/v1/callers/${encodeURIComponent(n.e164)}/history`, demo.keys.dispatcher);
    expect(byNumber.statusCode, byNumber.body).toBe(200);
    expect(byNumber.json()).toMatchObject({
      history: { previousCalls: 8, pranks: 1 },
      repeatPrankster: false,
      blocked: null,
    });
    const local = await get(`/v1/callers/${n.local}/history`, demo.keys.call_taker);
    expect(local.json().history.previousCalls).toBe(8);
    const bad = await get('/v1/callers/not-a-number/history', demo.keys.call_taker);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0]).toMatchObject({ path: '/params/number', code: 'phone' });
  });

  it('flags a repeat prankster at the threshold and soft-blocks the number for 24 h', async () => {
    const n = freshNumber();
    const one = await prank(n.local);
    expect(one).toMatchObject({ repeatPrankster: false, blockPlaced: null, history: { pranksInWindow: 1 } });
    const two = await prank(n.local);
    expect(two).toMatchObject({ repeatPrankster: false, blockPlaced: null, history: { pranksInWindow: 2 } });
    expect(await eventsOfNumber('caller.blocked', n.e164)).toEqual([]);

    const before = Date.now();
    const three = await prank(n.local);
    expect(three.repeatPrankster).toBe(true);
    expect(three.blocked).toBeNull(); // it came in unblocked: the block starts now
    expect(three.blockPlaced.reason).toBe('3 pranks in 90 days');
    const until = Date.parse(three.blockPlaced.until);
    expect(until).toBeGreaterThanOrEqual(before + 24 * 3_600_000 - 5_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000 + 5_000);
    const blockedEvents = await eventsOfNumber('caller.blocked', n.e164);
    expect(blockedEvents).toEqual([
      {
        call_id: three.call.id,
        payload: expect.objectContaining({
          until: three.blockPlaced.until,
          pranksInWindow: 3,
          extended: false,
        }),
      },
    ]);

    // The next call from the number is flagged at intake, before anyone speaks.
    const next = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.e164 });
    expect(next.json()).toMatchObject({ repeatPrankster: true, blocked: three.blockPlaced });
  });

  it('follows the tenant settings: threshold, window and block length', async () => {
    await setSettings({ prankThreshold: 2, prankWindowDays: 1, softBlockHours: 2 });
    try {
      const n = freshNumber();
      // A prank two days ago is outside the one-day window.
      const old = await prank(n.local, { startedAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
      expect(old).toMatchObject({ repeatPrankster: false, history: { pranks: 1, pranksInWindow: 0 } });
      const recent = await prank(n.local);
      expect(recent).toMatchObject({ repeatPrankster: false, blockPlaced: null });
      const third = await prank(n.local);
      expect(third).toMatchObject({
        repeatPrankster: true,
        history: { pranks: 3, pranksInWindow: 2, prankThreshold: 2, prankWindowDays: 1 },
        blockPlaced: { reason: '2 pranks in 1 days' },
      });
      const hours = (Date.parse(third.blockPlaced.until) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(1.9);
      expect(hours).toBeLessThanOrEqual(2);
    } finally {
      await setSettings({});
    }
  });

  it('a call classified prank at the end of the conversation counts and blocks too', async () => {
    const n = freshNumber();
    await prank(n.local);
    await prank(n.local);
    const open = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.local });
    expect(open.json()).toMatchObject({ repeatPrankster: false, blockPlaced: null });
    const res = await patchCall(demo.keys.call_taker, open.json().call.id, { outcome: 'prank' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().blockPlaced).toMatchObject({ reason: '3 pranks in 90 days' });
    const events = await eventsOf(open.json().call.id);
    expect(events.map((e) => e.type)).toEqual(['call.logged', 'call.updated', 'caller.blocked']);
  });

  it('a further prank while blocked extends the block', async () => {
    const n = freshNumber();
    for (let i = 0; i < 3; i++) await prank(n.local);
    await t.db.query(
      `UPDATE caller_blocks SET blocked_until = now() + interval '1 hour' WHERE tenant_id = $1 AND caller_e164 = $2`,
      [demo.tenantId, n.e164],
    );
    const fourth = await prank(n.local);
    expect(fourth.blocked).not.toBeNull();
    expect(Date.parse(fourth.blockPlaced.until)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const events = await eventsOfNumber('caller.blocked', n.e164);
    expect(events.map((e) => e.payload.extended)).toEqual([false, true]);
  });
});

describe('soft blocks: still logged, overridden, lifted', () => {
  async function blockedNumber() {
    const n = freshNumber();
    for (let i = 0; i < 3; i++) await prank(n.local);
    return n;
  }

  it("logs a blocked number's call and says so; the call taker overrides it with one action", async () => {
    const n = await blockedNumber();
    const res = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.local });
    expect(res.statusCode, res.body).toBe(201);
    const { call, blocked } = res.json();
    expect(blocked).toEqual({ until: expect.any(String), reason: '3 pranks in 90 days' });
    expect(call.blockOverridden).toBe(false);
    const { rows } = await t.db.query('SELECT 1 FROM calls WHERE id = $1', [call.id]);
    expect(rows).toHaveLength(1);

    const override = await post(`/v1/calls/${call.id}/override-block`, demo.keys.call_taker, {
      note: 'suara panik, ada asap',
    });
    expect(override.statusCode, override.body).toBe(200);
    expect(override.json()).toEqual({ call: { ...call, blockOverridden: true }, blocked });
    // A real emergency is then handled as any other call.
    const incidentId = await createIncident();
    const closed = await patchCall(demo.keys.call_taker, call.id, { outcome: 'incident', incidentId });
    expect(closed.statusCode, closed.body).toBe(200);

    // Overriding again changes nothing.
    const again = await post(`/v1/calls/${call.id}/override-block`, demo.keys.dispatcher, {});
    expect(again.statusCode).toBe(200);
    expect(again.json().call.blockOverridden).toBe(true);
    const events = await eventsOf(call.id);
    expect(events.map((e) => e.type)).toEqual(['call.logged', 'call.block_overridden', 'call.updated']);
    expect(events[0]!.payload.blocked).toEqual(blocked);
    expect(events[1]!.payload).toMatchObject({
      via: 'action',
      note: 'suara panik, ada asap',
      callerE164: n.e164,
    });
  });

  it('records blockOverride: true at intake only when there was a block to override', async () => {
    const n = await blockedNumber();
    const res = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      callerNumber: n.e164,
      blockOverride: true,
      outcome: 'incident',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().call.blockOverridden).toBe(true);
    expect(res.json().blocked).not.toBeNull();
    expect((await eventsOf(res.json().call.id)).map((e) => e.type)).toEqual([
      'call.logged',
      'call.block_overridden',
    ]);

    const clean = freshNumber();
    const unblocked = await logCall(demo.keys.call_taker, {
      channel: 'phone',
      callerNumber: clean.local,
      blockOverride: true,
    });
    expect(unblocked.json().call.blockOverridden).toBe(false);
    expect((await eventsOf(unblocked.json().call.id)).map((e) => e.type)).toEqual(['call.logged']);
    const nothing = await post(
      `/v1/calls/${unblocked.json().call.id}/override-block`,
      demo.keys.call_taker,
      {},
    );
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().code).toBe('SIGAP_ERR_CONFLICT');
    expect(
      (await post(`/v1/calls/00000000-0000-4000-8000-000000000000/override-block`, demo.keys.call_taker, {}))
        .statusCode,
    ).toBe(404);
  });

  it('lets a dispatcher lift a block, with an event; lifting it again changes nothing', async () => {
    const n = await blockedNumber();
    const url = `/v1/callers/${encodeURIComponent(n.e164)}/unblock`;
    const refused = await post(url, demo.keys.call_taker, {});
    expect(refused.statusCode).toBe(403);

    const res = await post(url, demo.keys.dispatcher, { note: 'nomor milik puskesmas, salah paham' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      callerE164: n.e164,
      unblocked: true,
      previous: { until: expect.any(String), reason: '3 pranks in 90 days' },
    });
    const events = await eventsOfNumber('caller.unblocked', n.e164);
    expect(events).toEqual([
      { call_id: null, payload: expect.objectContaining({ note: 'nomor milik puskesmas, salah paham' }) },
    ]);
    const history = await get(`/v1/callers/${n.local}/history`, demo.keys.call_taker);
    expect(history.json()).toMatchObject({ blocked: null, repeatPrankster: true });
    const next = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.local });
    expect(next.json().blocked).toBeNull();

    // By its local form, a second time: nothing left to lift, no second event.
    const again = await post(`/v1/callers/${n.local}/unblock`, demo.keys.dispatcher, {});
    expect(again.json()).toEqual({ callerE164: n.e164, unblocked: false, previous: null });
    expect(await eventsOfNumber('caller.unblocked', n.e164)).toHaveLength(1);

    const garbage = await post('/v1/callers/hello/unblock', demo.keys.dispatcher, {});
    expect(garbage.statusCode).toBe(400);
  });

  it('lets an expired block lapse without anyone lifting it', async () => {
    const n = await blockedNumber();
    await t.db.query(
      `UPDATE caller_blocks SET blocked_until = now() - interval '1 minute' WHERE tenant_id = $1 AND caller_e164 = $2`,
      [demo.tenantId, n.e164],
    );
    const res = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: n.local });
    expect(res.json()).toMatchObject({ blocked: null, repeatPrankster: true });
  });
});

describe('GET /v1/calls', () => {
  it('pages newest first with a stable cursor and filters by outcome, channel, caller and time', async () => {
    const n = freshNumber();
    const base = Date.now() - 3_600_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await logCall(demo.keys.call_taker, {
        channel: i < 3 ? 'web' : 'sms',
        callerNumber: n.local,
        startedAt: new Date(base + i * 1000).toISOString(),
        outcome: i === 4 ? 'misdial' : 'silent',
      });
      ids.push(res.json().call.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url = `/v1/calls?caller=${encodeURIComponent(n.e164)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await get(url, demo.keys.call_taker);
      expect(page.statusCode, page.body).toBe(200);
      expect(page.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json().items.map((c: { id: string }) => c.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const q = (query: string) =>
      get(`/v1/calls?caller=${n.local}&${query}`, demo.keys.dispatcher).then((r) =>
        r.json().items.map((c: { id: string }) => c.id),
      );
    expect(await q('outcome=misdial')).toEqual([ids[4]]);
    expect(await q('outcome=misdial&outcome=silent')).toHaveLength(5);
    expect(await q('channel=web')).toEqual([ids[2], ids[1], ids[0]]);
    expect(await q('pending=true')).toEqual([]);
    const from = new Date(base + 1000).toISOString();
    const to = new Date(base + 3000).toISOString();
    expect(await q(`from=${from}&to=${to}`)).toEqual([ids[2], ids[1]]);
  });

  it('answers bad filters with 400, never 500', async () => {
    for (const [query, path] of [
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', '/query/to'],
      ['from=0000-01-01T00:00:00Z', '/query/from'],
      ['cursor=not-a-cursor', '/query/cursor'],
      [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, '/query/cursor'],
      [
        `cursor=${Buffer.from('["2026-13-45T99:99:99.000000Z","00000000-0000-4000-8000-000000000000"]').toString('base64url')}`,
        '/query/cursor',
      ],
      ['outcome=lost', '/query/outcome/0'],
      ['channel=pigeon', '/query/channel/0'],
      ['caller=hello', '/query/caller'],
      [`caller=${'9'.repeat(41)}`, '/query/caller'],
      ['limit=0', '/query/limit'],
      ['from=yesterday', '/query/from'],
    ] as const) {
      const res = await get(`/v1/calls?${query}`, demo.keys.call_taker);
      expect(res.statusCode, `${query} → ${res.body}`).toBe(400);
      expect(res.json().details[0].path, query).toBe(path);
    }
    expect((await get('/v1/calls/not-a-uuid', demo.keys.call_taker)).statusCode).toBe(400);
    expect(
      (await get('/v1/calls/00000000-0000-4000-8000-000000000000', demo.keys.call_taker)).statusCode,
    ).toBe(404);
  });
});

describe('near-valid calls', () => {
  it('answer 201 or 400, never anything else (random mixes of good and bad fields)', async () => {
    const now = Date.now();
    const time = fc.oneof(
      fc
        .integer({ min: now - 40 * 86_400_000, max: now + 86_400_000 })
        .map((ms) => new Date(ms).toISOString()),
      fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z', 'now', ''),
    );
    const body = fc.record(
      {
        channel: fc.constantFrom('phone', 'app', 'sms', 'web', 'radio', 'walk_in', 'fax'),
        callerNumber: fc.oneof(
          fc.constantFrom('0812-3456-7890', '+62 31 8912345', '112', '', null),
          fc.string({ maxLength: 45 }),
          fc.stringMatching(/^\+?[0-9 ()-]{0,30}$/),
        ),
        startedAt: time,
        endedAt: time,
        outcome: fc.constantFrom(
          'incident',
          'prank',
          'silent',
          'misdial',
          'info',
          'duplicate',
          'non_emergency',
          'x',
        ),
        incidentId: fc.oneof(fc.uuid(), fc.constant('not-a-uuid')),
        laporReference: fc.string({ maxLength: 90 }),
        blockOverride: fc.boolean(),
        notes: fc.string({ maxLength: 50 }),
      },
      { requiredKeys: ['channel'] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const res = await logCall(demo.keys.call_taker, payload);
        expect([201, 400], `${JSON.stringify(payload)} → ${res.body}`).toContain(res.statusCode);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
