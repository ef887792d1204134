import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ApiError } from '../src/errors.js';
import { buildTestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { bearer, type SeededTenant, seedDemoTenant } from './helpers/tenant.js';

let t: TestDatabase;
let demo: SeededTenant;

beforeAll(async () => {
  t = await createTestDatabase();
  demo = await seedDemoTenant(t.db);
});
afterAll(() => t?.destroy());

describe('security headers and CORS', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(t.db, { CORS_ORIGINS: 'https://lapor.sidoarjokab.go.id' });
  });
  afterAll(() => app.close());

  it('sends the usual security headers', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows only the configured origins', async () => {
    const allowed = await app.inject({
      method: 'OPTIONS',
      url: '/v1/incidents',
      headers: { origin: 'https://lapor.sidoarjokab.go.id', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://lapor.sidoarjokab.go.id');
    const other = await app.inject({
      method: 'OPTIONS',
      url: '/v1/incidents',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rejects a CORS_ORIGINS value that is not an origin', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'lapor.sidoarjokab.go.id/path' })).toThrow(/^CORS_ORIGINS: /);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After past the per-key limit, counting each key on its own', async () => {
    const app = await buildTestApp(t.db, { RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.viewer) })).statusCode,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.viewer) });
      expect(limited.json().code).toBe('SIGAP_ERR_RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another key has its own budget; health checks are never limited.
      expect(
        (await app.inject({ url: '/v1/incidents', headers: bearer(demo.keys.dispatcher) })).statusCode,
      ).toBe(200);
      for (let i = 0; i < 10; i++) expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After beyond capacity and keeps /healthz responsive', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      MAX_IN_FLIGHT: '3',
      RATE_LIMIT_PER_MINUTE: '100000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    const app = await buildApp({
      config,
      db: t.db,
      capabilities: await t.db.detectCapabilities(),
      logger: false,
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get('/test/slow', async () => {
      await gate;
      return { ok: true };
    });
    await app.ready();
    try {
      const slow = Array.from({ length: 3 }, () => app.inject({ url: '/test/slow' }));
      await new Promise((r) => setTimeout(r, 50));
      const shed = await app.inject({ url: '/test/slow' });
      expect(shed.statusCode).toBe(503);
      expect(shed.json().code).toBe('SIGAP_ERR_UNAVAILABLE');
      expect(shed.headers['retry-after']).toBe('5');
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      release();
      expect((await Promise.all(slow)).map((r) => r.statusCode)).toEqual([200, 200, 200]);
      // Capacity is given back once requests finish.
      expect((await app.inject({ url: '/test/slow' })).statusCode).toBe(200);
    } finally {
      release();
      await app.close();
    }
  });
});

describe('errors on routes that document their own error bodies', () => {
  it('keeps /readyz answering in its own shape while other requests are shed for event-loop delay', async () => {
    // A 1 ms event-loop-delay limit: blocking the loop makes the server shed everything else.
    const app = await buildTestApp(t.db, { MAX_EVENT_LOOP_DELAY_MS: '1' });
    try {
      let shed: Awaited<ReturnType<typeof app.inject>> | undefined;
      // under-pressure samples the delay on a timer: block, let it sample, ask; until it sheds.
      for (let attempt = 0; attempt < 100 && shed?.statusCode !== 503; attempt++) {
        const blockUntil = Date.now() + 200;
        while (Date.now() < blockUntil) {
          // busy-wait on purpose: this is the event-loop delay under test
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        shed = await app.inject({ url: '/v1/tenant', headers: bearer(demo.keys.viewer) });
      }
      expect(shed?.statusCode).toBe(503);
      expect(shed?.json()).toMatchObject({ code: 'SIGAP_ERR_UNAVAILABLE' });
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready' });
    } finally {
      await app.close();
    }
  });

  it('sends the documented error shape even where the route declares another body for that status', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0' });
    const app = await buildApp({
      config,
      db: t.db,
      capabilities: await t.db.detectCapabilities(),
      logger: false,
    });
    app.get(
      '/test/own-503',
      {
        schema: {
          response: {
            503: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } },
          },
        },
      },
      async () => {
        throw new ApiError('SIGAP_ERR_UNAVAILABLE', 'The test says no.', { retryAfterSeconds: 5 });
      },
    );
    await app.ready();
    try {
      const res = await app.inject({ url: '/test/own-503' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'SIGAP_ERR_UNAVAILABLE', message: 'The test says no.' });
      expect(res.json().requestId).toEqual(expect.any(String));
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await app.close();
    }
  });
});
