import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@sigap/contract';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/**
 * Who may do what with calls, what each role sees of a caller's number, that one tenant never
 * sees another's calls, and that retried POSTs log one call.
 */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;

/** PROPOSED for migration 0002 (see calls.test.ts): unclassified calls, `calls.outcome` NULL. */
const NUMBER = '0812-3456-7890';
const E164 = '+6281234567890';
const MASKED = '+62812*****890';

let demoCallId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
  const res = await logCall(demo.keys.call_taker, {
    channel: 'phone',
    callerNumber: NUMBER,
    outcome: 'info',
  });
  expect(res.statusCode, res.body).toBe(201);
  demoCallId = res.json().call.id;
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

function logCall(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/calls',
    headers: { ...bearer(key), ...headers },
    payload: body,
  });
}

async function countCalls(where = 'true', values: unknown[] = []): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM calls WHERE ${where}`,
    values,
  );
  return rows[0]!.n;
}

describe('role matrix', () => {
  /** Each route with a request an allowed role can make succeed, and who may make it. */
  const routes: {
    method: 'GET' | 'POST' | 'PATCH';
    url: () => string;
    body?: () => Record<string, unknown>;
    allowed: readonly Role[];
    ok: number;
  }[] = [
    {
      method: 'POST',
      url: () => '/v1/calls',
      body: () => ({ channel: 'app', callerNumber: NUMBER }),
      allowed: ['integrator', 'call_taker', 'dispatcher'],
      ok: 201,
    },
    {
      method: 'GET',
      url: () => '/v1/calls',
      allowed: ['call_taker', 'dispatcher', 'viewer', 'admin'],
      ok: 200,
    },
    {
      method: 'GET',
      url: () => `/v1/calls/${demoCallId}`,
      allowed: ['call_taker', 'dispatcher', 'viewer', 'admin'],
      ok: 200,
    },
    {
      method: 'PATCH',
      url: () => `/v1/calls/${demoCallId}`,
      body: () => ({ notes: `catatan ${randomUUID()}` }),
      allowed: ['call_taker', 'dispatcher'],
      ok: 200,
    },
    {
      method: 'POST',
      url: () => `/v1/calls/${demoCallId}/override-block`,
      body: () => ({}),
      allowed: ['call_taker', 'dispatcher'],
      ok: 409, // past the role check: the number is simply not blocked
    },
    {
      method: 'GET',
      url: () => `/v1/callers/${encodeURIComponent(E164)}/history`,
      allowed: ['call_taker', 'dispatcher'],
      ok: 200,
    },
    {
      method: 'POST',
      url: () => `/v1/callers/${encodeURIComponent(E164)}/unblock`,
      body: () => ({}),
      allowed: ['dispatcher'],
      ok: 200,
    },
  ];

  for (const route of routes) {
    it(`${route.method} ${route.url().replace(/[0-9a-f-]{36}/, ':id')}`, async () => {
      const request = (headers: Record<string, string>) =>
        app.inject({ method: route.method, url: route.url(), headers, payload: route.body?.() });
      const anonymous = await request({});
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('SIGAP_ERR_UNAUTHENTICATED');
      const bogus = await request(bearer('sgp_this-key-does-not-exist-anywhere'));
      expect(bogus.statusCode).toBe(401);
      for (const role of ROLES) {
        const res = await request(bearer(demo.keys[role]));
        const label = `${role} → ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (route.allowed.includes(role)) expect(res.statusCode, label).toBe(route.ok);
        else {
          expect(res.statusCode, label).toBe(403);
          expect(res.json().code).toBe('SIGAP_ERR_FORBIDDEN');
        }
      }
    });
  }
});

describe('integrator keys', () => {
  it('log their app contacts, unclassified, and learn nothing of the number', async () => {
    const res = await logCall(demo.keys.integrator, { channel: 'app', callerNumber: NUMBER });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      call: {
        channel: 'app',
        outcome: null,
        callTaker: null,
        callerNumber: '0812-****-*890',
        callerE164: MASKED,
      },
      history: null,
      repeatPrankster: null,
      blocked: null,
      blockPlaced: null,
    });
    // Stored in full, for the call takers who classify it.
    const back = await app.inject({
      url: `/v1/calls/${res.json().call.id}`,
      headers: bearer(demo.keys.call_taker),
    });
    expect(back.json()).toMatchObject({ callerNumber: NUMBER, callerE164: E164, callerValid: true });
  });

  it('may not log other channels or classify', async () => {
    const before = await countCalls();
    for (const body of [
      { channel: 'phone', callerNumber: NUMBER },
      { channel: 'app', outcome: 'prank' },
      { channel: 'app', outcome: 'non_emergency', laporReference: 'L-1' },
      { channel: 'app', blockOverride: true },
      { channel: 'app', callTaker: 'Budi' },
    ]) {
      const res = await logCall(demo.keys.integrator, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(403);
    }
    expect(await countCalls()).toBe(before);
  });
});

describe('masking', () => {
  it('shows full numbers to call takers and dispatchers, masked ones to viewers and admins', async () => {
    for (const role of ['call_taker', 'dispatcher', 'viewer', 'admin'] as const) {
      const one = await app.inject({ url: `/v1/calls/${demoCallId}`, headers: bearer(demo.keys[role]) });
      const list = await app.inject({ url: '/v1/calls?limit=200', headers: bearer(demo.keys[role]) });
      const listed = list.json().items.find((c: { id: string }) => c.id === demoCallId);
      const full = role === 'call_taker' || role === 'dispatcher';
      const expected = full
        ? { callerNumber: NUMBER, callerE164: E164 }
        : { callerNumber: '0812-****-*890', callerE164: MASKED };
      expect(one.json(), role).toMatchObject(expected);
      expect(listed, role).toMatchObject(expected);
      if (!full) {
        expect(list.body, role).not.toContain('3456');
        expect(one.body, role).not.toContain('3456');
      }
    }
  });

  it('does not let masked roles look a number up by filtering on it', async () => {
    for (const role of ['viewer', 'admin'] as const) {
      const res = await app.inject({ url: `/v1/calls?caller=${NUMBER}`, headers: bearer(demo.keys[role]) });
      expect(res.statusCode, role).toBe(403);
    }
    const ok = await app.inject({ url: `/v1/calls?caller=${NUMBER}`, headers: bearer(demo.keys.call_taker) });
    expect(ok.json().items.map((c: { id: string }) => c.id)).toContain(demoCallId);
  });
});

describe('tenant isolation', () => {
  it("never shows or changes another tenant's call", async () => {
    const key = other.keys.dispatcher;
    const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
      app.inject({ method, url, headers: bearer(key), payload });
    expect((await inject('GET', `/v1/calls/${demoCallId}`)).statusCode).toBe(404);
    expect((await inject('PATCH', `/v1/calls/${demoCallId}`, { outcome: 'prank' })).statusCode).toBe(404);
    expect((await inject('POST', `/v1/calls/${demoCallId}/override-block`, {})).statusCode).toBe(404);
    const list = await inject('GET', '/v1/calls?limit=200');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(demoCallId);
    const byCaller = await inject('GET', `/v1/calls?caller=${NUMBER}`);
    expect(byCaller.json().items).toEqual([]);
    const history = await inject('GET', `/v1/callers/${encodeURIComponent(E164)}/history`);
    expect(history.json()).toMatchObject({ history: { previousCalls: 0, recentCalls: [] }, blocked: null });
    const { rows } = await t.db.query<{ outcome: string }>('SELECT outcome FROM calls WHERE id = $1', [
      demoCallId,
    ]);
    expect(rows[0]!.outcome).toBe('info');
  });

  it('keeps pranks, blocks and incidents per tenant', async () => {
    const number = '0857-1111-2222';
    for (let i = 0; i < 3; i++) {
      const res = await logCall(demo.keys.call_taker, {
        channel: 'phone',
        callerNumber: number,
        outcome: 'prank',
      });
      expect(res.statusCode).toBe(201);
    }
    // Blocked in Sidoarjo, a stranger in Surabaya.
    const there = await logCall(other.keys.call_taker, { channel: 'phone', callerNumber: number });
    expect(there.json()).toMatchObject({
      blocked: null,
      repeatPrankster: false,
      history: { previousCalls: 0 },
    });
    const here = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: number });
    expect(here.json().blocked).not.toBeNull();
    // Surabaya's dispatcher cannot lift Sidoarjo's block.
    const lift = await app.inject({
      method: 'POST',
      url: '/v1/callers/085711112222/unblock',
      headers: bearer(other.keys.dispatcher),
      payload: {},
    });
    expect(lift.json()).toMatchObject({ unblocked: false });
    const still = await logCall(demo.keys.call_taker, { channel: 'phone', callerNumber: number });
    expect(still.json().blocked).not.toBeNull();

    // A call cannot be linked to another tenant's incident.
    const incident = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: {
        category: 'other',
        description: 'Banjir setinggi lutut',
        location: { address: 'Desa Kedungbanteng' },
      },
    });
    expect(incident.statusCode, incident.body).toBe(201);
    const linked = await logCall(other.keys.call_taker, {
      channel: 'phone',
      outcome: 'duplicate',
      incidentId: incident.json().incident.id,
    });
    expect(linked.statusCode).toBe(400);
    expect(linked.json().details[0]).toMatchObject({ path: '/body/incidentId', code: 'not_found' });
  });
});

describe('idempotency', () => {
  it('replays the first answer for a retried POST and logs one call', async () => {
    const key = `call-${randomUUID()}`;
    const body = { channel: 'phone', callerNumber: '0821-9999-0001', outcome: 'silent' };
    const first = await logCall(demo.keys.call_taker, body, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    const second = await logCall(demo.keys.call_taker, body, { 'idempotency-key': key });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await countCalls('caller_e164 = $1', ['+6282199990001'])).toBe(1);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'call.logged' AND call_id = $1`,
      [first.json().call.id],
    );
    expect(rows[0]!.n).toBe(1);

    const changed = await logCall(
      demo.keys.call_taker,
      { ...body, outcome: 'misdial' },
      { 'idempotency-key': key },
    );
    expect(changed.statusCode).toBe(422);
    expect(changed.json().code).toBe('SIGAP_ERR_IDEMPOTENCY_MISMATCH');
    expect(await countCalls('caller_e164 = $1', ['+6282199990001'])).toBe(1);
  });

  it('a retried PATCH with the same key replays too', async () => {
    const created = await logCall(demo.keys.call_taker, { channel: 'web' });
    const id = created.json().call.id;
    const key = `patch-${randomUUID()}`;
    const patch = (payload: Record<string, unknown>) =>
      app.inject({
        method: 'PATCH',
        url: `/v1/calls/${id}`,
        headers: { ...bearer(demo.keys.call_taker), 'idempotency-key': key },
        payload,
      });
    const first = await patch({ outcome: 'info' });
    const second = await patch({ outcome: 'info' });
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect((await patch({ outcome: 'silent' })).statusCode).toBe(422);
  });
});
