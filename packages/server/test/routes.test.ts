import { randomUUID } from 'node:crypto';
import { ROLES } from '@sigap/contract';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/**
 * Checks generated from the application's route table, so a route added later cannot escape
 * them: every /v1 route declares its roles, the role matrix holds, and random bodies never
 * produce a 5xx.
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

const v1Routes = () => app.routeTable.filter((r) => r.url.startsWith('/v1/'));

/** A concrete URL for a route pattern: unknown ids, so handlers answer 404 at worst. */
function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) =>
    name === 'number' ? '%2B6281234567890' : randomUUID(),
  );
}

function keyFor(role: string): string {
  return demo.keys[role as keyof SeededTenant['keys']];
}

describe('route table', () => {
  it('has /v1 routes, and every one declares who may call it', () => {
    expect(v1Routes().length).toBeGreaterThan(5);
    for (const route of v1Routes()) {
      expect(route.roles, `${route.method} ${route.url}`).toBeDefined();
      expect(route.roles!.length, `${route.method} ${route.url}`).toBeGreaterThan(0);
    }
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/docs/openapi.json' })).json();
    for (const route of v1Routes()) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
  });
});

describe('role matrix', () => {
  it('answers 401 without a key on every /v1 route', async () => {
    for (const route of v1Routes()) {
      const res = await app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        payload: route.hasBody ? {} : undefined,
      });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('answers 403 to every role a route does not allow, and lets the allowed ones through', async () => {
    for (const route of v1Routes()) {
      for (const role of ROLES) {
        const res = await app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: bearer(keyFor(role)),
          payload: route.hasBody ? {} : undefined,
        });
        const label = `${role} ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 120)}`;
        if (route.roles!.includes(role)) {
          expect(res.statusCode, label).not.toBe(401);
          // An allowed role may still be refused by the handler, but never by the role check.
          if (res.statusCode === 403)
            expect(res.json().message, label).not.toMatch(/may not do this \(allowed:/);
          expect(res.statusCode, label).toBeLessThan(500);
        } else {
          expect(res.statusCode, label).toBe(403);
        }
      }
    }
  });
});

describe('malformed bodies', () => {
  const hostile = fc.oneof(
    fc.constantFrom(
      "'; DROP TABLE incidents; --",
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '\u0000',
      '\ud800',
      'x'.repeat(70_000),
      '{"$gt": ""}',
      '../../etc/passwd',
    ),
    fc.string({ unit: 'binary', maxLength: 50 }),
  );
  const anyJson = fc.oneof(
    fc.anything({ maxDepth: 4 }),
    fc.jsonValue({ maxDepth: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'category',
        'description',
        'location',
        'to',
        'assignments',
        'channel',
        'outcome',
        'point',
        'lon',
        'lat',
      ),
      fc.oneof(
        hostile,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    ),
    hostile,
  );

  it('never answer 5xx: a thousand random bodies across every route that takes one', async () => {
    const routes = v1Routes().filter((r) => r.hasBody);
    expect(routes.length).toBeGreaterThan(3);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), anyJson, fc.boolean(), async (route, body, raw) => {
        const role = route.roles!.find((r) => r !== 'integrator') ?? route.roles![0]!;
        const payload = raw
          ? typeof body === 'string'
            ? body
            : (JSON.stringify(body) ?? 'null')
          : JSON.stringify(body ?? null);
        const res = await app.inject({
          method: route.method as 'POST',
          url: concrete(route.url),
          headers: { ...bearer(keyFor(role)), 'content-type': 'application/json' },
          payload: payload.slice(0, 100_000),
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(
          res.statusCode,
          `${route.method} ${route.url} ${payload.slice(0, 200)} → ${res.body}`,
        ).toBeLessThan(500);
        expect(res.body).not.toMatch(/at \S+\.(ts|js):\d+|SELECT |INSERT |syntax error/);
      }),
      { numRuns: 1000 },
    );
    console.log('[fuzz] status counts:', Object.fromEntries(statuses));
  }, 300_000);

  it('handle near-valid incidents (one field off at a time) with 201 or 400, nothing else', async () => {
    const nearValid = fc.record(
      {
        category: fc.oneof(fc.constantFrom('fire', 'medical', 'street_light'), hostile),
        description: fc.oneof(fc.string({ maxLength: 200 }), hostile),
        location: fc.record(
          {
            point: fc.record({ lon: fc.double(), lat: fc.double() }),
            accuracyM: fc.oneof(fc.double(), fc.integer()),
            address: fc.oneof(fc.string({ maxLength: 100 }), hostile),
            source: fc.oneof(fc.constantFrom('device_gps', 'aml', 'map_pick'), fc.string({ maxLength: 10 })),
          },
          { requiredKeys: [] },
        ),
        condition: fc.record(
          { victims: fc.integer({ min: -5, max: 200_000 }), trapped: fc.boolean() },
          { requiredKeys: [] },
        ),
        reporter: fc.record({ name: hostile, phone: fc.string({ maxLength: 60 }) }, { requiredKeys: [] }),
        priority: fc.constantFrom('P1', 'P2', 'P3', 'P9'),
      },
      { requiredKeys: ['category', 'description', 'location'] },
    );
    await fc.assert(
      fc.asyncProperty(nearValid, async (body) => {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/incidents',
          headers: bearer(demo.keys.call_taker),
          payload: body,
        });
        expect([201, 400, 413], `${JSON.stringify(body).slice(0, 300)} → ${res.body}`).toContain(
          res.statusCode,
        );
      }),
      { numRuns: 300 },
    );
  }, 300_000);

  it('stores hostile text byte-for-byte and returns it unchanged', async () => {
    const texts = [
      "'; DROP TABLE incidents; --",
      '<script>alert("x")</script>',
      'Jl. Raya Porong km 3 — “depan” 🚒',
      'a\\b\nc\td',
    ];
    for (const description of texts) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/incidents',
        headers: bearer(demo.keys.call_taker),
        payload: { category: 'other', description, location: { address: description } },
      });
      expect(res.statusCode).toBe(201);
      const back = await app.inject({
        url: `/v1/incidents/${res.json().incident.id}`,
        headers: bearer(demo.keys.dispatcher),
      });
      expect(back.json().description).toBe(description);
      expect(back.json().location.address).toBe(description);
    }
  });

  it('rejects NUL characters, lone surrogates and deep nesting with 400 naming the field', async () => {
    for (const [payload, path] of [
      ['{"category":"fire","description":"a\\u0000b","location":{"address":"x"}}', '/body/description'],
      ['{"category":"fire","description":"\\ud800","location":{"address":"x"}}', '/body/description'],
      [
        `{"category":"fire","description":"x","location":${'['.repeat(40)}${']'.repeat(40)}}`,
        '/body/location',
      ],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/incidents',
        headers: { ...bearer(demo.keys.call_taker), 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().details[0].path.startsWith(path)).toBe(true);
    }
  });
});
