/**
 * Guarantee: no one gets in who should not. Generated from the route table (`app.routeTable`),
 * so a new route cannot escape: the role matrix holds for the keys of TWO tenants, and a
 * tenant's keys never reach another tenant's data. Also: API keys hashed at rest, rate limits per
 * key and per caller number (429 + Retry-After), security headers, the CORS allowlist, phone
 * numbers masked for viewers, and an audit trail that even the tables' owner cannot rewrite.
 */

import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { ROLES } from '@sigap/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../packages/server/test/helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../packages/server/test/helpers/database.js';
import {
  bearer,
  type SeededTenant,
  seedDemoTenant,
  seedOtherTenant,
} from '../../packages/server/test/helpers/tenant.js';
import { adminQuery, CLI, figure, HAS_PG_BINARIES, HAS_POSTGRES, PrivateCluster } from './support.js';

type FastifyInstance = Awaited<ReturnType<typeof buildTestApp>>;

let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;
const SIDOARJO_TOWN = { lon: 112.7205, lat: -7.4478 };
const PHONE = '081298765432';

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

const v1Routes = () => app.routeTable.filter((r) => r.url.startsWith('/v1/'));
const keyOf = (tenant: SeededTenant, role: string) => tenant.keys[role as keyof SeededTenant['keys']];

/** Row counts of every table that holds tenant data (the no-partial-write fingerprint). */
async function fingerprint(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'incidents',
    'events',
    'calls',
    'assignments',
    'units',
    'api_keys',
    'agencies',
    'categories',
    'idempotency_keys',
  ]) {
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    out[table] = rows[0]!.n;
  }
  return out;
}

describe('role matrix across two tenants (from the route table)', () => {
  it('401 without a key; 403 for every role a route does not allow, in both tenants; never 5xx', async () => {
    let checked = 0;
    for (const route of v1Routes()) {
      expect(route.roles, `${route.method} ${route.url} declares no roles`).toBeDefined();
      const url = route.url.replace(/:(\w+)/g, (_m, name: string) =>
        name === 'number' ? '%2B6281234567890' : randomUUID(),
      );
      const anon = await app.inject({
        method: route.method as 'GET',
        url,
        payload: route.hasBody ? {} : undefined,
      });
      expect(anon.statusCode, `anonymous ${route.method} ${route.url}`).toBe(401);
      for (const tenant of [demo, other]) {
        for (const role of ROLES) {
          const res = await app.inject({
            method: route.method as 'GET',
            url,
            headers: bearer(keyOf(tenant, role)),
            payload: route.hasBody ? {} : undefined,
          });
          const label = `${tenant.tenantId} ${role} ${route.method} ${route.url} → ${res.statusCode}`;
          expect(res.statusCode, label).toBeLessThan(500);
          if (route.roles!.includes(role)) expect([401], label).not.toContain(res.statusCode);
          else expect(res.statusCode, label).toBe(403);
          checked++;
        }
      }
    }
    figure('access.roleMatrix', { routes: v1Routes().length, requests: checked });
  });
});

describe('tenant isolation (from the route table)', () => {
  it("no key of tenant B reads, changes or even sees tenant A's resources on any route", async () => {
    // Tenant A (the demo tenant): an incident with a reporter phone, a call, an assignment.
    const created = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: {
        category: 'fire',
        description: 'isolation probe',
        location: { point: SIDOARJO_TOWN, accuracyM: 10, source: 'device_gps' },
        reporter: { name: 'Siti', phone: PHONE },
      },
    });
    expect(created.statusCode).toBe(201);
    const incident = created.json().incident;
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: PHONE },
    });
    expect(call.statusCode).toBe(201);
    const callId = call.json().call.id;
    const dispatched = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${incident.id}/dispatch`,
      headers: bearer(demo.keys.dispatcher),
      payload: { assignments: [{ agencyId: Object.values(demo.agencies)[0] }] },
    });
    const assignmentId: string | undefined = dispatched.json().assignments?.[0]?.id;
    const { rows: units } = await t.db.query<{ id: string }>(
      'SELECT id FROM units WHERE tenant_id = $1 LIMIT 1',
      [demo.tenantId],
    );
    const { rows: keys } = await t.db.query<{ id: string }>(
      'SELECT id FROM api_keys WHERE tenant_id = $1 LIMIT 1',
      [demo.tenantId],
    );
    const ids: Record<string, string> = {
      incidents: incident.id,
      calls: callId,
      units: units[0]!.id,
      assignments: assignmentId ?? randomUUID(),
      agencies: Object.values(demo.agencies)[0]!,
      keys: keys[0]!.id,
    };
    const secrets = [
      incident.id,
      incident.number,
      callId,
      units[0]!.id,
      PHONE.slice(1),
      ...Object.values(demo.agencies),
    ];
    const before = await fingerprint();

    let requests = 0;
    const leaks: string[] = [];
    for (const route of v1Routes()) {
      // Fill each parameter with tenant A's real resource of that kind.
      const segments = route.url.split('/');
      const url = segments
        .map((s, i) => {
          if (!s.startsWith(':')) return s;
          if (s === ':number') return encodeURIComponent(`+62${PHONE.slice(1)}`);
          return ids[segments[i - 1] ?? ''] ?? incident.id;
        })
        .join('/');
      const hasIdParam = /:id\b/.test(route.url);
      for (const role of route.roles ?? []) {
        const res = await app.inject({
          method: route.method as 'GET',
          url,
          headers: bearer(keyOf(other, role)),
          payload: route.hasBody ? {} : undefined,
        });
        requests++;
        const label = `${other.tenantId} ${role} ${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 100)}`;
        expect(res.statusCode, label).toBeLessThan(500);
        if (hasIdParam && route.method === 'GET') expect([403, 404], label).toContain(res.statusCode);
        // An id or number the caller itself sent may be echoed back ("Incident <id> not found").
        const sent = decodeURIComponent(url);
        for (const secret of secrets)
          if (res.body.includes(secret) && !sent.includes(secret)) leaks.push(`${label} contains ${secret}`);
      }
    }
    const after = await fingerprint();
    figure('access.isolation', { routes: v1Routes().length, requests, leaks: leaks.length });
    expect(leaks).toEqual([]);
    expect(after).toEqual(before);
  });
});

describe('keys, limits, headers, CORS, masking', () => {
  it('stores only a SHA-256 of each API key, never the key', async () => {
    const { rows } = await t.db.query<{ row: string; hash: string }>(
      `SELECT row_to_json(k)::text AS row, encode(key_hash, 'hex') AS hash FROM api_keys k`,
    );
    const all = rows.map((r) => r.row).join('\n');
    const secrets = [...Object.values(demo.keys), ...Object.values(other.keys)];
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.slice(-20));
      expect(rows.map((r) => r.hash)).toContain(createHash('sha256').update(secret).digest('hex'));
    }
    figure('access.keysHashed', { keys: rows.length, plaintextFound: 0 });
  });

  it('limits each API key (429 + Retry-After), without touching other keys or /healthz', async () => {
    const limited = await buildTestApp(t.db, { RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const get = (key: string) => limited.inject({ url: '/v1/categories', headers: bearer(key) });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await get(demo.keys.viewer)).statusCode);
      const refused = await get(demo.keys.viewer);
      expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429]);
      expect(refused.json().code).toBe('SIGAP_ERR_RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await get(demo.keys.dispatcher)).statusCode).not.toBe(429);
      for (let i = 0; i < 10; i++) expect((await limited.inject({ url: '/healthz' })).statusCode).toBe(200);
      figure('access.rateLimitPerKey', { limit: 5, statuses, retryAfter: refused.headers['retry-after'] });
    } finally {
      await limited.close();
    }
  });

  it('limits each caller number to callerRateLimitPerMinute (default 20) calls a minute', async () => {
    const log = (number: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/calls',
        headers: bearer(other.keys.call_taker),
        payload: { channel: 'phone', callerNumber: number },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await log('081377770001')).statusCode);
    const refused = await log('0813-7777-0001');
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await log('081377770002')).statusCode).toBe(201);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM calls WHERE caller_e164 = '+6281377770001'`,
    );
    expect(rows[0]!.n).toBe(20);
    figure('access.rateLimitPerCaller', {
      limit: 20,
      accepted: 20,
      refused: 3,
      retryAfter: refused.headers['retry-after'],
      stored: rows[0]!.n,
    });
  });

  it('sends security headers on API, error and health answers', async () => {
    for (const res of [
      await app.inject({ url: '/healthz' }),
      await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.dispatcher) }),
      await app.inject({ url: '/v1/incidents' }),
      await app.inject({ url: '/nope' }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy']).toBeDefined();
      expect(res.headers['cross-origin-opener-policy']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-request-id']).toBeTruthy();
    }
  });

  it('allows only listed origins (CORS), and none by default', async () => {
    const cors = await buildTestApp(t.db, { CORS_ORIGINS: 'https://app.sidoarjokab.go.id' });
    try {
      const preflight = (a: FastifyInstance, origin: string) =>
        a.inject({
          method: 'OPTIONS',
          url: '/v1/incidents',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type,idempotency-key',
          },
        });
      const ok = await preflight(cors, 'https://app.sidoarjokab.go.id');
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.sidoarjokab.go.id');
      expect(String(ok.headers['access-control-allow-headers'])).toMatch(/idempotency-key/);
      const evil = await preflight(cors, 'https://evil.example');
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      const get = await cors.inject({
        url: '/v1/categories',
        headers: { ...bearer(demo.keys.viewer), origin: 'https://evil.example' },
      });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
      const closed = await preflight(app, 'https://app.sidoarjokab.go.id');
      expect(closed.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });

  it('masks phone numbers for viewers (and integrators), not for call takers', async () => {
    const number = '081211112222';
    const call = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: number },
    });
    const incident = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers: bearer(demo.keys.call_taker),
      payload: {
        category: 'flood',
        description: 'masking probe',
        location: { point: SIDOARJO_TOWN, source: 'device_gps' },
        reporter: { phone: number },
      },
    });
    const digits = number.slice(1); // stored as +6281211112222
    const reads = [
      `/v1/calls/${call.json().call.id}`,
      '/v1/calls',
      `/v1/incidents/${incident.json().incident.id}`,
      '/v1/incidents',
      '/v1/events?since=0',
    ];
    const seen: Record<string, boolean> = {};
    for (const url of reads) {
      const asViewer = await app.inject({ url, headers: bearer(demo.keys.viewer) });
      if (asViewer.statusCode === 200) {
        expect(asViewer.body, `viewer ${url}`).not.toContain(digits);
        seen[`viewer ${url}`] = false;
      }
      const asTaker = await app.inject({ url, headers: bearer(demo.keys.call_taker) });
      if (asTaker.statusCode === 200) seen[`call_taker ${url}`] = asTaker.body.includes(digits);
    }
    expect(seen[`call_taker /v1/calls/${call.json().call.id}`]).toBe(true);
    figure('access.masking', seen);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit events to the application database user', async () => {
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(rows[0]!.n).toBeGreaterThan(0);
    for (const sql of ['UPDATE events SET type = type', 'DELETE FROM events', 'TRUNCATE events CASCADE']) {
      await expect(t.db.query(sql), sql).rejects.toThrow(/immutable/);
    }
    const { rows: again } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(again[0]!.n).toBe(rows[0]!.n);
  });
});

describe.runIf(HAS_POSTGRES && HAS_PG_BINARIES)(
  'audit trail owned by a NON-superuser role (own cluster)',
  () => {
    let cluster: PrivateCluster;
    beforeAll(async () => {
      cluster = await PrivateCluster.create();
    }, 120_000);
    afterAll(async () => {
      await cluster?.destroy();
    }, 60_000);

    it('refuses UPDATE, DELETE and TRUNCATE of events to the tables owner', async () => {
      const su = cluster.url();
      await adminQuery(su, 'CREATE ROLE sigap_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE');
      await adminQuery(su, 'CREATE DATABASE sigap OWNER sigap_owner');
      // Extensions and the sigap_app role need a superuser (as in a managed database, where the
      // operator creates them); migration 0002 creates sigap_app only when it is missing.
      await adminQuery(
        cluster.url('sigap'),
        'CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm; CREATE EXTENSION unaccent; CREATE EXTENSION fuzzystrmatch;',
      );
      await adminQuery(
        su,
        'CREATE ROLE sigap_app NOLOGIN; GRANT sigap_app TO sigap_owner WITH ADMIN OPTION;',
      );
      const owner = cluster.url('sigap', 'sigap_owner');
      execFileSync(process.execPath, [CLI, 'migrate'], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: owner },
        timeout: 120_000,
      });
      const [who] = await adminQuery<{ super: boolean; owner: string }>(
        owner,
        `SELECT rolsuper AS super, (SELECT tableowner FROM pg_tables WHERE tablename = 'events') AS owner FROM pg_roles WHERE rolname = current_user`,
      );
      expect(who).toEqual({ super: false, owner: 'sigap_owner' });
      await adminQuery(
        owner,
        `INSERT INTO tenants (id, name, time_zone, number_prefix) VALUES ('35.15', 'Sidoarjo', 'Asia/Jakarta', 'SDA')`,
      );
      await adminQuery(
        owner,
        `INSERT INTO events (tenant_id, seq, type, actor) VALUES ('35.15', 1, 'probe', '{}')`,
      );
      const refused: string[] = [];
      for (const sql of [
        "UPDATE events SET type = 'forged'",
        'DELETE FROM events',
        'TRUNCATE events CASCADE',
      ]) {
        const error = await adminQuery(owner, sql).then(
          () => null,
          (e: Error & { code?: string }) => e,
        );
        expect(error, sql).not.toBeNull();
        expect(error!.message).toMatch(/immutable/);
        refused.push(`${sql.split(' ')[0]}: ${error!.code}`);
      }
      // And as the role requests run under (SET ROLE sigap_app, tenant set).
      for (const sql of ["UPDATE events SET type = 'forged'", 'DELETE FROM events', 'TRUNCATE events']) {
        const error = await adminQuery(
          owner,
          `BEGIN; SELECT set_config('sigap.tenant_id', '35.15', true); SET LOCAL ROLE sigap_app; ${sql}; COMMIT;`,
        ).then(
          () => null,
          (e: Error & { code?: string }) => e,
        );
        expect(error, `sigap_app: ${sql}`).not.toBeNull();
        refused.push(`sigap_app ${sql.split(' ')[0]}: ${error!.code}`);
      }
      const [count] = await adminQuery<{ n: number }>(owner, 'SELECT count(*)::int AS n FROM events');
      expect(count!.n).toBe(1);
      // Known limit (reported, not hidden): a table's owner may ALTER it, so it can switch the
      // trigger off. The fix is a runtime role that does not own the tables (see docs/reliability.md).
      const disable = await adminQuery(owner, 'ALTER TABLE events DISABLE TRIGGER events_no_update').then(
        () => 'allowed',
        (e: Error) => `refused (${e.message})`,
      );
      figure('access.auditImmutable', { ownerIsSuperuser: false, refused, ownerCanDisableTrigger: disable });
    }, 180_000);
  },
);
