import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES, DEFAULT_SETTINGS, resolveSettings } from '../src/tenants/defaults.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant, seedOtherTenant } from './helpers/tenant.js';

/** Tenant administration: profile and settings, agencies, categories, API keys. */
let t: TestDatabase;
let app: FastifyInstance;
let demo: SeededTenant;
let other: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
  other = await seedOtherTenant(t.db);
  app = await buildTestApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.destroy();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function call(
  method: Method,
  url: string,
  key?: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { ...(key ? bearer(key) : {}), ...headers },
    payload: payload as Record<string, unknown> | undefined,
  });
}

/** The tenant's audit events of one type, oldest first (read as the owner, past row-level security). */
async function events(type: string, tenantId = demo.tenantId) {
  const { rows } = await t.db.query<{
    seq: number;
    actor: { role: string; keyId: string };
    payload: Record<string, unknown>;
  }>('SELECT seq, actor, payload FROM events WHERE tenant_id = $1 AND type = $2 ORDER BY seq', [
    tenantId,
    type,
  ]);
  return rows;
}

const ADMIN_ROUTES: [Method, string][] = [
  ['GET', '/v1/admin/tenant'],
  ['PATCH', '/v1/admin/tenant'],
  ['POST', '/v1/admin/agencies'],
  ['PATCH', '/v1/admin/agencies/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/v1/admin/agencies/00000000-0000-4000-8000-000000000000'],
  ['POST', '/v1/admin/categories'],
  ['PATCH', '/v1/admin/categories/fire'],
  ['GET', '/v1/admin/keys'],
  ['POST', '/v1/admin/keys'],
  ['POST', '/v1/admin/keys/00000000-0000-4000-8000-000000000000/revoke'],
];

describe('roles', () => {
  it('answers 401 without a key and 403 to every role but admin on every admin route', async () => {
    for (const [method, url] of ADMIN_ROUTES) {
      const payload = method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined;
      expect((await call(method, url, undefined, payload)).statusCode, `${method} ${url}`).toBe(401);
      for (const role of ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer'] as const) {
        const res = await call(method, url, demo.keys[role], payload);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(res.json().code).toBe('SIGAP_ERR_FORBIDDEN');
      }
    }
  });

  it('lets every role read categories (call takers and apps need the labels)', async () => {
    for (const role of ['integrator', 'call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const) {
      const res = await call('GET', '/v1/categories', demo.keys[role]);
      expect(res.statusCode, role).toBe(200);
    }
  });

  it('lets staff read agencies, but not integrators', async () => {
    for (const role of ['call_taker', 'dispatcher', 'agency', 'viewer', 'admin'] as const) {
      expect((await call('GET', '/v1/agencies', demo.keys[role])).statusCode, role).toBe(200);
    }
    expect((await call('GET', '/v1/agencies', demo.keys.integrator)).statusCode).toBe(403);
  });
});

describe('tenant profile and settings', () => {
  it('starts with the built-in defaults and no overrides', async () => {
    const res = await call('GET', '/v1/admin/tenant', demo.keys.admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: '35.15',
      name: 'Kabupaten Sidoarjo',
      timeZone: 'Asia/Jakarta',
      numberPrefix: 'SDA',
      overrides: {},
    });
    expect(res.json().settings).toEqual(DEFAULT_SETTINGS);
  });

  it('stores a partial update as overrides, merged with the defaults and with earlier overrides', async () => {
    const first = await call('PATCH', '/v1/admin/tenant', demo.keys.admin, {
      settings: { prankThreshold: 5, targets: { P1: { acknowledgeS: 90 } } },
    });
    expect(first.statusCode).toBe(200);
    const second = await call('PATCH', '/v1/admin/tenant', demo.keys.admin, {
      settings: { softBlockHours: 48, targets: { P3: { acknowledgeS: 3600 } } },
    });
    expect(second.statusCode).toBe(200);
    const body = second.json();
    expect(body.settings).toEqual({
      ...DEFAULT_SETTINGS,
      prankThreshold: 5,
      softBlockHours: 48,
      targets: {
        P1: { acknowledgeS: 90, onSceneS: 15 * 60, resolveS: null },
        P2: DEFAULT_SETTINGS.targets.P2,
        P3: { acknowledgeS: 3600, onSceneS: null, resolveS: 24 * 3600 },
      },
    });
    const overrides = {
      prankThreshold: 5,
      softBlockHours: 48,
      targets: { P1: { acknowledgeS: 90 }, P3: { acknowledgeS: 3600 } },
    };
    expect(body.overrides).toEqual(overrides);
    // Stored as the overrides only, so the rest of the server (resolveSettings) reads the same values.
    const { rows } = await t.db.query<{ settings: unknown }>('SELECT settings FROM tenants WHERE id = $1', [
      demo.tenantId,
    ]);
    expect(rows[0]!.settings).toEqual(overrides);
    expect(resolveSettings(rows[0]!.settings)).toEqual(body.settings);
  });

  it('restores a default when an override is set to null', async () => {
    const res = await call('PATCH', '/v1/admin/tenant', demo.keys.admin, {
      settings: { prankThreshold: null, targets: { P3: null } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings.prankThreshold).toBe(DEFAULT_SETTINGS.prankThreshold);
    expect(res.json().settings.targets.P3).toEqual(DEFAULT_SETTINGS.targets.P3);
    expect(res.json().overrides).toEqual({ softBlockHours: 48, targets: { P1: { acknowledgeS: 90 } } });
  });

  it('changes the name and the time zone, and records who did it', async () => {
    const before = (await events('admin.tenant_updated')).length;
    const res = await call('PATCH', '/v1/admin/tenant', demo.keys.admin, {
      name: 'Kabupaten Sidoarjo (uji)',
      timeZone: 'Asia/Makassar',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Kabupaten Sidoarjo (uji)', timeZone: 'Asia/Makassar' });
    const trail = await events('admin.tenant_updated');
    expect(trail).toHaveLength(before + 1);
    expect(trail.at(-1)!.actor.role).toBe('admin');
    expect(trail.at(-1)!.payload).toEqual({
      changes: { name: 'Kabupaten Sidoarjo (uji)', timeZone: 'Asia/Makassar' },
    });
    const back = await call('PATCH', '/v1/admin/tenant', demo.keys.admin, {
      name: 'Kabupaten Sidoarjo',
      timeZone: 'Asia/Jakarta',
    });
    expect(back.statusCode).toBe(200);
  });

  it('refuses bad values with 400 naming the field, and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ timeZone: 'Asia/Tokyo' }, '/body/timeZone'],
      [{ name: '' }, '/body/name'],
      [{ settings: { prankThreshold: 0 } }, '/body/settings/prankThreshold'],
      [{ settings: { duplicateRadiusM: 1.5 } }, '/body/settings/duplicateRadiusM'],
      [{ settings: { unknownSetting: 1 } }, '/body/settings/unknownSetting'],
      [{ settings: { targets: { P4: { acknowledgeS: 60 } } } }, '/body/settings/targets/P4'],
      [{ settings: { targets: { P1: { acknowledgeS: -1 } } } }, '/body/settings/targets/P1/acknowledgeS'],
      // On scene within 5 minutes but acknowledged within 10: a contradiction.
      [{ settings: { targets: { P2: { onSceneS: 300 } } } }, '/body/settings/targets/P2/onSceneS'],
      [{ numberPrefix: 'XYZ' }, '/body/numberPrefix'],
      [{}, '/body'],
    ];
    const before = (await call('GET', '/v1/admin/tenant', demo.keys.admin)).json();
    for (const [payload, path] of cases) {
      const res = await call('PATCH', '/v1/admin/tenant', demo.keys.admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('SIGAP_ERR_VALIDATION');
      expect(
        res.json().details.map((d: { path: string }) => d.path),
        JSON.stringify(payload),
      ).toContain(path);
    }
    expect((await call('GET', '/v1/admin/tenant', demo.keys.admin)).json()).toEqual(before);
  });
});

describe('agencies', () => {
  it('creates an agency, records it, and refuses a duplicate code with 409', async () => {
    const body = { code: 'PMI-SDA', type: 'PMI', kind: 'opd', name: 'PMI Kabupaten Sidoarjo' };
    const res = await call('POST', '/v1/admin/agencies', demo.keys.admin, body);
    expect(res.statusCode).toBe(201);
    const agency = res.json();
    expect(agency).toMatchObject({ ...body, active: true, unitCount: 0 });
    expect(agency.id).toMatch(/^[0-9a-f-]{36}$/);
    const trail = await events('admin.agency_created');
    expect(trail.at(-1)!.payload).toEqual({ agencyId: agency.id, ...body });

    const again = await call('POST', '/v1/admin/agencies', demo.keys.admin, { ...body, name: 'Other' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SIGAP_ERR_CONFLICT');
  });

  it('answers racing creations of one code with one 201 and 409s, never a 500', async () => {
    const body = { code: 'PLN-RACE', type: 'PLN', kind: 'vertical', name: 'PLN ULP Sidoarjo' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call('POST', '/v1/admin/agencies', demo.keys.admin, body)),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('refuses malformed agencies with 400', async () => {
    for (const [payload, path] of [
      [{ code: 'pmi-sda', type: 'PMI', kind: 'opd', name: 'x' }, '/body/code'],
      [{ code: 'PMI-X', type: 'PMI', kind: 'local', name: 'x' }, '/body/kind'],
      [{ code: 'PMI-X', type: 'pmi', kind: 'opd', name: 'x' }, '/body/type'],
      [{ code: 'PMI-X', type: 'PMI', kind: 'opd', name: 'x'.repeat(201) }, '/body/name'],
      [{ code: 'PMI-X', type: 'PMI', kind: 'opd' }, '/body/name'],
    ] as const) {
      const res = await call('POST', '/v1/admin/agencies', demo.keys.admin, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it('lists agencies by code in pages, with filters', async () => {
    const { rows } = await t.db.query<{ code: string }>(
      'SELECT code FROM agencies WHERE tenant_id = $1 ORDER BY code',
      [demo.tenantId],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/agencies?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await call('GET', url, demo.keys.dispatcher)).json();
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((a: { code: string }) => a.code));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.code));

    const damkar = (await call('GET', '/v1/agencies?type=DAMKAR', demo.keys.viewer)).json();
    expect(damkar.items).toHaveLength(1);
    expect(damkar.items[0]).toMatchObject({ code: 'DAMKAR-SDA', kind: 'opd', active: true });
    expect(damkar.items[0].unitCount).toBeGreaterThan(0);

    const bad = await call('GET', '/v1/agencies?cursor=not-a-cursor', demo.keys.viewer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('/query/cursor');
  });

  it('reads one agency, 404 for an unknown id', async () => {
    const res = await call('GET', `/v1/agencies/${demo.agencies['POLRI-SDA']}`, demo.keys.call_taker);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: 'POLRI-SDA', type: 'POLRI', kind: 'vertical' });
    const missing = await call('GET', '/v1/agencies/00000000-0000-4000-8000-000000000000', demo.keys.admin);
    expect(missing.statusCode).toBe(404);
  });

  it('updates name, kind and active, with an event', async () => {
    const created = (
      await call('POST', '/v1/admin/agencies', demo.keys.admin, {
        code: 'DLH-X',
        type: 'DLH',
        kind: 'opd',
        name: 'DLH',
      })
    ).json();
    const res = await call('PATCH', `/v1/admin/agencies/${created.id}`, demo.keys.admin, {
      name: 'Dinas Lingkungan Hidup',
      kind: 'vertical',
      active: false,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: created.id,
      code: 'DLH-X',
      name: 'Dinas Lingkungan Hidup',
      kind: 'vertical',
      active: false,
    });
    expect((await events('admin.agency_updated')).at(-1)!.payload).toEqual({
      agencyId: created.id,
      changes: { name: 'Dinas Lingkungan Hidup', kind: 'vertical', active: false },
    });
    const inactive = (await call('GET', '/v1/agencies?active=false', demo.keys.admin)).json();
    expect(inactive.items.map((a: { id: string }) => a.id)).toContain(created.id);
    // Code and type are identities: not changeable.
    const code = await call('PATCH', `/v1/admin/agencies/${created.id}`, demo.keys.admin, { code: 'DLH-Y' });
    expect(code.statusCode).toBe(400);
  });

  it('deletes an agency nothing refers to, and deactivates one that has units', async () => {
    const lonely = (
      await call('POST', '/v1/admin/agencies', demo.keys.admin, {
        code: 'TMP-1',
        type: 'PDAM',
        kind: 'opd',
        name: 'Tmp',
      })
    ).json();
    const del = await call('DELETE', `/v1/admin/agencies/${lonely.id}`, demo.keys.admin);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ deleted: true, agency: { id: lonely.id, code: 'TMP-1' } });
    expect((await call('GET', `/v1/agencies/${lonely.id}`, demo.keys.admin)).statusCode).toBe(404);
    expect((await events('admin.agency_deleted')).at(-1)!.payload).toEqual({
      agencyId: lonely.id,
      code: 'TMP-1',
    });

    const busy = (
      await call('POST', '/v1/admin/agencies', demo.keys.admin, {
        code: 'TMP-2',
        type: 'PDAM',
        kind: 'opd',
        name: 'Tmp 2',
      })
    ).json();
    const unit = await call('POST', '/v1/admin/units', demo.keys.admin, {
      agencyId: busy.id,
      code: 'TMP-2-01',
      name: 'Mobil tangki',
      kind: 'water_tanker',
      location: { lon: 112.72, lat: -7.45 },
    });
    expect(unit.statusCode).toBe(201);
    const res = await call('DELETE', `/v1/admin/agencies/${busy.id}`, demo.keys.admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      deleted: false,
      agency: { id: busy.id, active: false, unitCount: 1 },
    });
    expect((await call('GET', `/v1/agencies/${busy.id}`, demo.keys.admin)).json().active).toBe(false);
    expect((await events('admin.agency_deactivated')).at(-1)!.payload).toEqual({
      agencyId: busy.id,
      code: 'TMP-2',
    });
    // Deleting it again changes nothing more.
    const again = await call('DELETE', `/v1/admin/agencies/${busy.id}`, demo.keys.admin);
    expect(again.json()).toMatchObject({ deleted: false, agency: { active: false } });
  });
});

describe('categories', () => {
  it('lists the default categories with labels, priority and responsible agency types', async () => {
    const res = await call('GET', '/v1/categories', demo.keys.call_taker);
    const items = res.json().items as { code: string }[];
    expect(items.map((c) => c.code)).toEqual(DEFAULT_CATEGORIES.map((c) => c.code).sort());
    expect(items.find((c) => c.code === 'traffic_accident')).toEqual({
      code: 'traffic_accident',
      labelId: 'Kecelakaan lalu lintas',
      labelEn: 'Traffic accident',
      defaultPriority: 'P1',
      responsible: [['PSC119', 'POLRI']],
      targets: { acknowledgeS: null, onSceneS: null, resolveS: null },
      active: true,
    });
    expect(res.json().nextCursor).toBeNull();
  });

  it('creates a category, refuses a duplicate code with 409 and bad ones with 400', async () => {
    const body = {
      code: 'snake',
      labelId: 'Ular masuk rumah',
      labelEn: 'Snake in a house',
      defaultPriority: 'P2',
      responsible: [['DAMKAR'], ['BPBD']],
      targets: { acknowledgeS: 300 },
    };
    const res = await call('POST', '/v1/admin/categories', demo.keys.admin, body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      ...body,
      targets: { acknowledgeS: 300, onSceneS: null, resolveS: null },
      active: true,
    });
    expect((await events('admin.category_created')).at(-1)!.payload).toMatchObject({ code: 'snake' });

    const dup = await call('POST', '/v1/admin/categories', demo.keys.admin, { ...body, code: 'fire' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('SIGAP_ERR_CONFLICT');

    for (const [payload, path] of [
      [{ ...body, code: 'Snake' }, '/body/code'],
      [{ ...body, code: 'x2', responsible: [] }, '/body/responsible'],
      [{ ...body, code: 'x2', responsible: [[]] }, '/body/responsible/0'],
      [{ ...body, code: 'x2', responsible: [['damkar']] }, '/body/responsible/0/0'],
      [{ ...body, code: 'x2', defaultPriority: 'P0' }, '/body/defaultPriority'],
      [{ ...body, code: 'x2', targets: { acknowledgeS: 600, onSceneS: 60 } }, '/body/targets/onSceneS'],
    ] as const) {
      const bad = await call('POST', '/v1/admin/categories', demo.keys.admin, payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it('updates a category as a merge patch: null target = the tenant target again', async () => {
    const res = await call('PATCH', '/v1/admin/categories/fire', demo.keys.admin, {
      labelEn: 'Fire (building, land)',
      targets: { acknowledgeS: 60, onSceneS: 600 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      code: 'fire',
      labelId: 'Kebakaran',
      labelEn: 'Fire (building, land)',
      defaultPriority: 'P1',
      responsible: [['DAMKAR']],
      targets: { acknowledgeS: 60, onSceneS: 600, resolveS: null },
    });
    const reset = await call('PATCH', '/v1/admin/categories/fire', demo.keys.admin, {
      targets: { acknowledgeS: null },
    });
    expect(reset.json().targets).toEqual({ acknowledgeS: null, onSceneS: 600, resolveS: null });
    expect((await events('admin.category_updated')).at(-1)!.payload).toEqual({
      code: 'fire',
      changes: { targets: { acknowledgeS: null } },
    });
    const missing = await call('PATCH', '/v1/admin/categories/nothing_here', demo.keys.admin, {
      active: false,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('hides a deactivated category from the list and from intake', async () => {
    const off = await call('PATCH', '/v1/admin/categories/snake', demo.keys.admin, { active: false });
    expect(off.statusCode).toBe(200);
    const listed = (await call('GET', '/v1/categories', demo.keys.call_taker)).json();
    expect(listed.items.map((c: { code: string }) => c.code)).not.toContain('snake');
    const all = (await call('GET', '/v1/categories?includeInactive=true', demo.keys.admin)).json();
    expect(all.items.find((c: { code: string }) => c.code === 'snake').active).toBe(false);
    const report = await call('POST', '/v1/incidents', demo.keys.call_taker, {
      category: 'snake',
      description: 'ular',
      location: { address: 'Jl. Diponegoro' },
    });
    expect(report.statusCode).toBe(400);
  });
});

describe('API keys', () => {
  it('returns the secret once, usable at once; lists never show it', async () => {
    const res = await call('POST', '/v1/admin/keys', demo.keys.admin, {
      name: 'Dispatcher shift B',
      role: 'dispatcher',
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.secret).toMatch(/^sgp_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      name: 'Dispatcher shift B',
      role: 'dispatcher',
      agencyId: null,
      prefix: created.secret.slice(0, 12),
      lastUsedAt: null,
      revokedAt: null,
    });

    expect((await call('GET', '/v1/units?limit=1', created.secret)).statusCode).toBe(200);

    const list = await call('GET', '/v1/admin/keys', demo.keys.admin);
    expect(list.body).not.toContain(created.secret);
    const listed = list.json().items.find((k: { id: string }) => k.id === created.id);
    // The key was just used, so its last use may already be recorded (written off the request path).
    expect({ ...listed, lastUsedAt: undefined }).toEqual({
      ...created,
      secret: undefined,
      lastUsedAt: undefined,
    });
    expect(Object.keys(listed)).not.toContain('secret');

    const trail = await events('admin.key_created');
    expect(trail.at(-1)!.payload).toEqual({
      keyId: created.id,
      name: 'Dispatcher shift B',
      role: 'dispatcher',
      agencyId: null,
      prefix: created.prefix,
    });
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE payload::text LIKE '%' || $1 || '%'`,
      [created.secret],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('does not keep the secret in the idempotency record: a replay answers secret null', async () => {
    const headers = { 'idempotency-key': 'key-create-1' };
    const body = { name: 'Wall-board lobby', role: 'viewer' };
    const first = await call('POST', '/v1/admin/keys', demo.keys.admin, body, headers);
    expect(first.statusCode).toBe(201);
    expect(first.json().secret).toMatch(/^sgp_/);
    const replay = await call('POST', '/v1/admin/keys', demo.keys.admin, body, headers);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual({ ...first.json(), secret: null });
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE response_body::text LIKE '%' || $1 || '%'`,
      [first.json().secret],
    );
    expect(rows[0]!.n).toBe(0);
    const keys = (await call('GET', '/v1/admin/keys?role=viewer', demo.keys.admin)).json().items;
    expect(keys.filter((k: { name: string }) => k.name === 'Wall-board lobby')).toHaveLength(1);
  });

  it('binds an agency key to one agency of the same tenant', async () => {
    const res = await call('POST', '/v1/admin/keys', demo.keys.admin, {
      name: 'PSC 119 tablet',
      role: 'agency',
      agencyId: demo.agencies['PSC119-SDA'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().agencyId).toBe(demo.agencies['PSC119-SDA']);
    const units = (await call('GET', '/v1/units?limit=500', res.json().secret)).json().items;
    expect(units.length).toBeGreaterThan(0);
    expect(new Set(units.map((u: { agencyCode: string }) => u.agencyCode))).toEqual(new Set(['PSC119-SDA']));

    const inactive = (
      await call('POST', '/v1/admin/agencies', demo.keys.admin, {
        code: 'OLD-1',
        type: 'DLH',
        kind: 'opd',
        name: 'Old',
      })
    ).json();
    await call('PATCH', `/v1/admin/agencies/${inactive.id}`, demo.keys.admin, { active: false });

    for (const [payload, code] of [
      [{ name: 'x', role: 'agency' }, 'required'],
      [{ name: 'x', role: 'agency', agencyId: other.agencies['DAMKAR-SBY'] }, 'not_found'],
      [{ name: 'x', role: 'agency', agencyId: '00000000-0000-4000-8000-000000000000' }, 'not_found'],
      [{ name: 'x', role: 'agency', agencyId: inactive.id }, 'inactive'],
      [{ name: 'x', role: 'dispatcher', agencyId: demo.agencies['PSC119-SDA'] }, 'not_allowed'],
    ] as const) {
      const bad = await call('POST', '/v1/admin/keys', demo.keys.admin, payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().details).toEqual([expect.objectContaining({ path: '/body/agencyId', code })]);
    }
    const role = await call('POST', '/v1/admin/keys', demo.keys.admin, { name: 'x', role: 'root' });
    expect(role.statusCode).toBe(400);
  });

  it('revokes a key at once: its next request is a 401', async () => {
    const created = (
      await call('POST', '/v1/admin/keys', demo.keys.admin, { name: 'Temp call taker', role: 'call_taker' })
    ).json();
    expect((await call('GET', '/v1/categories', created.secret)).statusCode).toBe(200);
    const res = await call('POST', `/v1/admin/keys/${created.id}/revoke`, demo.keys.admin);
    expect(res.statusCode).toBe(200);
    expect(res.json().revokedAt).toEqual(expect.any(String));
    const after = await call('GET', '/v1/categories', created.secret);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SIGAP_ERR_UNAUTHENTICATED');

    const again = await call('POST', `/v1/admin/keys/${created.id}/revoke`, demo.keys.admin);
    expect(again.json().revokedAt).toBe(res.json().revokedAt);
    const revocations = (await events('admin.key_revoked')).filter((e) => e.payload.keyId === created.id);
    expect(revocations).toHaveLength(1);

    const revoked = (await call('GET', '/v1/admin/keys?revoked=true', demo.keys.admin)).json().items;
    expect(revoked.map((k: { id: string }) => k.id)).toContain(created.id);
    const usable = (await call('GET', '/v1/admin/keys?revoked=false', demo.keys.admin)).json().items;
    expect(usable.map((k: { id: string }) => k.id)).not.toContain(created.id);
    expect(usable.every((k: { revokedAt: string | null }) => k.revokedAt === null)).toBe(true);
  });

  it("refuses to revoke the tenant's last usable admin key", async () => {
    const keys = (await call('GET', '/v1/admin/keys?role=admin', other.keys.admin)).json().items;
    expect(keys).toHaveLength(1);
    const res = await call('POST', `/v1/admin/keys/${keys[0].id}/revoke`, other.keys.admin);
    expect(res.statusCode).toBe(409);
    expect((await call('GET', '/v1/admin/tenant', other.keys.admin)).statusCode).toBe(200);

    // With a second admin key, the first can go.
    const second = (
      await call('POST', '/v1/admin/keys', other.keys.admin, { name: 'Second admin', role: 'admin' })
    ).json();
    const ok = await call('POST', `/v1/admin/keys/${keys[0].id}/revoke`, second.secret);
    expect(ok.statusCode).toBe(200);
    expect((await call('GET', '/v1/admin/tenant', other.keys.admin)).statusCode).toBe(401);
    other.keys.admin = second.secret;
  });

  it('lists keys newest first in pages', async () => {
    const { rows } = await t.db.query<{ id: string }>(
      'SELECT id FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC',
      [demo.tenantId],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/admin/keys?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await call('GET', url, demo.keys.admin)).json();
      seen.push(...page.items.map((k: { id: string }) => k.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.id));
  });
});

describe('tenant isolation', () => {
  it("shows another tenant's admin nothing of the demo tenant", async () => {
    const damkar = demo.agencies['DAMKAR-SDA']!;
    expect((await call('GET', `/v1/agencies/${damkar}`, other.keys.admin)).statusCode).toBe(404);
    expect(
      (await call('PATCH', `/v1/admin/agencies/${damkar}`, other.keys.admin, { name: 'taken over' }))
        .statusCode,
    ).toBe(404);
    expect((await call('DELETE', `/v1/admin/agencies/${damkar}`, other.keys.admin)).statusCode).toBe(404);
    const agencies = (await call('GET', '/v1/agencies', other.keys.admin)).json().items;
    expect(agencies.map((a: { code: string }) => a.code)).toEqual(['DAMKAR-SBY']);

    const demoKeys = (await call('GET', '/v1/admin/keys', demo.keys.admin)).json().items;
    const otherKeys = (await call('GET', '/v1/admin/keys?limit=500', other.keys.admin)).json().items;
    const otherIds = new Set(otherKeys.map((k: { id: string }) => k.id));
    expect(demoKeys.some((k: { id: string }) => otherIds.has(k.id))).toBe(false);
    const revoke = await call('POST', `/v1/admin/keys/${demoKeys[0].id}/revoke`, other.keys.admin);
    expect(revoke.statusCode).toBe(404);

    const tenant = (await call('GET', '/v1/admin/tenant', other.keys.admin)).json();
    expect(tenant.id).toBe('35.78');
    expect((await call('GET', `/v1/agencies/${damkar}`, demo.keys.admin)).json().name).not.toBe('taken over');
  });

  it('keeps codes and categories per tenant: the same code elsewhere is another row', async () => {
    const res = await call('POST', '/v1/admin/agencies', other.keys.admin, {
      code: 'DAMKAR-SDA',
      type: 'DAMKAR',
      kind: 'opd',
      name: 'Same code, other tenant',
    });
    expect(res.statusCode).toBe(201);
    const patched = await call('PATCH', '/v1/admin/categories/crime', other.keys.admin, {
      labelEn: 'Crime (SBY)',
    });
    expect(patched.statusCode).toBe(200);
    const demoCrime = (await call('GET', '/v1/categories', demo.keys.call_taker))
      .json()
      .items.find((c: { code: string }) => c.code === 'crime');
    expect(demoCrime.labelEn).toBe('Crime');
    expect(await events('admin.category_updated', demo.tenantId)).not.toContainEqual(
      expect.objectContaining({ payload: expect.objectContaining({ changes: { labelEn: 'Crime (SBY)' } }) }),
    );
  });

  it("refuses the demo tenant's agency as another tenant's unit or key agency", async () => {
    const unit = await call('POST', '/v1/admin/units', other.keys.admin, {
      agencyId: demo.agencies['DAMKAR-SDA'],
      code: 'SBY-X',
      name: 'x',
      kind: 'fire_engine',
      location: { lon: 112.75, lat: -7.25 },
    });
    expect(unit.statusCode).toBe(400);
    expect(unit.json().details[0]).toMatchObject({ path: '/body/agencyId', code: 'not_found' });
  });
});
