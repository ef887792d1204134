import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

/** The calls API on the database exactly as migrated (no proposed change applied). */
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

describe('calls on the migrated schema', () => {
  it('logs an unclassified call (answered, not yet classified)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: '081234567890' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().call.outcome).toBeNull();
    const classified = await app.inject({
      method: 'POST',
      url: '/v1/calls',
      headers: bearer(demo.keys.call_taker),
      payload: { channel: 'phone', callerNumber: '081234567890', outcome: 'silent' },
    });
    expect(classified.statusCode, classified.body).toBe(201);
  });

  it('takes one-click actions without a body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/callers/%2B6281234567890/unblock',
      headers: bearer(demo.keys.dispatcher),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ callerE164: '+6281234567890', unblocked: false, previous: null });
  });

  it('documents every calls route in OpenAPI under the calls tag', async () => {
    const doc = (await app.inject({ url: '/docs/openapi.json' })).json();
    const expected = {
      '/v1/calls': ['get', 'post'],
      '/v1/calls/{id}': ['get', 'patch'],
      '/v1/calls/{id}/override-block': ['post'],
      '/v1/callers/{number}/history': ['get'],
      '/v1/callers/{number}/unblock': ['post'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const op = doc.paths[path]?.[method];
        expect(op, `${method} ${path}`).toBeDefined();
        expect(op.tags).toEqual(['calls']);
        expect(op.summary).toMatch(/\w+ \w+/);
      }
    }
  });
});
